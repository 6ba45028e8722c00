import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SnaplakeFunction } from './snaplake-function';

/**
 * An AWS service principal that may act for this account only: `aws:SourceAccount` in the trust
 * policy keeps another account's resources from using the role (IAM user guide, "The confused deputy problem").
 */
export function servicePrincipalForThisAccount(scope: Construct, service: string): iam.ServicePrincipal {
  return new iam.ServicePrincipal(service, { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } } });
}

/** The role EventBridge assumes to start a workflow from a rule of this account. */
export function eventsRole(scope: Construct, id: string, description: string): iam.Role {
  return new iam.Role(scope, id, { assumedBy: servicePrincipalForThisAccount(scope, 'events.amazonaws.com'), description });
}

/** The role a state machine runs with, trusted by Step Functions for this account only. */
export function workflowRole(scope: Construct, id: string): iam.Role {
  return new iam.Role(scope, id, { assumedBy: servicePrincipalForThisAccount(scope, 'states.amazonaws.com'), description: 'Runs a snaplake workflow' });
}

/**
 * Lets EventBridge write dead letters into queues encrypted with `key`: SQS calls KMS on the sender's behalf, so the key
 * policy must name events.amazonaws.com (SQS developer guide, "Configure KMS permissions for AWS services";
 * EventBridge user guide, "Authorizing EventBridge to use a customer managed key": scoped with aws:SourceAccount).
 */
export function allowEventBridgeDeadLetters(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'EventBridgeWritesDeadLetters',
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(key).account } },
  }));
}

/**
 * Lets CloudWatch alarms of this account and region publish to the topic and use its key. A topic policy
 * replaces SNS's default one, so without this statement every alarm action fails (CloudWatch user guide,
 * "Amazon SNS topic access policy for alarms"; its key policy as in "Encrypting SNS topics for alarm actions").
 */
export function allowAlarmNotifications(topic: sns.Topic, key: kms.Key): void {
  const stack = Stack.of(topic);
  const fromOurAlarms = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
  };
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsPublish',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: fromOurAlarms,
  }));
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsEncrypt',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
  }));
}

/**
 * The dead-letter queue of a stack's triggers: encrypted with the stage's notifications key (a
 * customer-managed key whose policy lets EventBridge use it; `alias/aws/sqs` cannot be used by AWS services that send).
 */
export function triggerDeadLetterQueue(scope: Construct, id: string, key: kms.IKey, usedFor: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true, retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: `This queue is itself the dead-letter queue of ${usedFor}.` });
  return queue;
}

/** How long Lambda keeps trying an asynchronous event before it counts as failed. */
export interface AsyncRetries {
  /** 0 to 2 retries after the first attempt. */
  readonly retryAttempts: number;
  /** 1 minute to 6 hours. */
  readonly maxEventAge: Duration;
}

/**
 * A function invoked asynchronously (by an EventBridge rule) sends each event that fails every attempt to `queue`, an
 * alarmed dead-letter queue, instead of Lambda discarding it. Lambda sends the record with the function's role:
 * sqs:SendMessage (Lambda developer guide, "Capturing records of Lambda asynchronous invocations"), and a data key of
 * the queue's key (SQS developer guide, "Key management": a producer needs kms:GenerateDataKey and kms:Decrypt).
 */
/** An alarmed dead-letter queue and the key it is encrypted with. */
export interface AsyncFailures {
  readonly queue: sqs.IQueue;
  readonly key: kms.IKey;
}

export function sendFailuresTo(fn: SnaplakeFunction, queue: sqs.IQueue, key: kms.IKey, retries: AsyncRetries): void {
  fn.function.configureAsyncInvoke({
    onFailure: { bind: () => ({ destination: queue.queueArn }) },
    retryAttempts: retries.retryAttempts,
    maxEventAge: retries.maxEventAge,
  });
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
  fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
}

/**
 * A notification is retried whatever failed (a throttle, a transient SNS or KMS error): a workflow
 * whose work is done must not fail on its message, and a failure notice must get out. 5 retries, 2 s to ~30 s apart.
 */
export function retryPublishing(task: tasks.SnsPublish): tasks.SnsPublish {
  task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 5, jitterStrategy: sfn.JitterType.FULL });
  return task;
}
