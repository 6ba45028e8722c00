import { DatabaseConfig, deliveryDestinationArns, partnerPolicies } from '@snaplake/core';
import { CfnOutput, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { wildcardOnArnOf } from '../../nag';
import { SnaplakeFunction } from '../../snaplake-function';
import { CATCH_ALL, invokeFunction } from '../../workflow-tasks';

export interface PartnerDeliveryProps {
  readonly exportBucket: s3.IBucket;
  readonly dataKey: kms.IKey;
  /** The delivery role is named `<prefix with dashes>-delivery`, for partners to name in their bucket policy. */
  readonly glueDatabasePrefix: string;
  /** The databases with `delivery`. */
  readonly databases: readonly DatabaseConfig[];
}

/**
 * Delivery of complete exports to partners' buckets: the function and its role, named so partners
 * can grant it in their bucket policy (a stack output per database says how), and the steps that
 * copy an export, small ones in one invocation, large ones in batches, and verify it.
 *
 * Built in the workflow's scope, not as a child construct: its resources keep the construct paths,
 * and so the logical ids, they have always had.
 */
export class PartnerDelivery {
  readonly function: SnaplakeFunction;

  constructor(private readonly scope: Construct, private readonly props: PartnerDeliveryProps) {
    const stack = Stack.of(scope);
    const roleName = `${props.glueDatabasePrefix.replace(/_/g, '-')}-delivery`;
    const fn = this.function = new SnaplakeFunction(scope, 'DeliverExport', {
      handler: 'deliver-export',
      description: 'Copies a complete export into a partner\'s bucket, server-side, and verifies it',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      roleName,
      // Above this many objects the workflow copies in batches with a Distributed Map.
      environment: {
        EXPORT_BUCKET_NAME: props.exportBucket.bucketName,
        INLINE_MAX_OBJECTS: '5000',
        DELIVERIES: JSON.stringify(Object.fromEntries(props.databases.map(({ identifier, delivery }) => [identifier, {
          destination: delivery!.destination,
          destinationPrefix: delivery!.prefix,
          kmsKeyArn: delivery!.kmsKeyArn,
          bucketOwnerEnforced: delivery!.bucketOwnerEnforced,
        }]))),
      },
    });
    // Source: read only. Delivery never deletes or changes the export.
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.exportBucket.bucketArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [props.exportBucket.arnForObjects('*')] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.dataKey.keyArn] }));
    const acks = [{ id: wildcardOnArnOf(props.exportBucket, '/*'), reason: 'Delivery reads the objects of an export, named by RDS.' }];
    for (const db of props.databases) {
      const { destination, prefix, kmsKeyArn, bucketOwnerEnforced } = db.delivery!;
      const { container, objects } = deliveryDestinationArns(destination, prefix, stack.partition);
      // ListBucket with no prefix condition: without it, HeadObject on a key not yet delivered answers 403, not 404.
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [container] }));
      // An ACL is sent only when the partner's bucket does not enforce bucket-owner ownership.
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:PutObject', ...(bucketOwnerEnforced ? [] : ['s3:PutObjectAcl']), 's3:GetObject', 's3:AbortMultipartUpload'],
        resources: [objects],
      }));
      if (kmsKeyArn) fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [kmsKeyArn] }));
      acks.push({
        id: `AwsSolutions-IAM5[Resource::${objects.replace(`arn:${stack.partition}`, 'arn:<AWS::Partition>')}]`,
        reason: `Delivery writes the objects of each export of ${db.identifier} under the partner's prefix only.`,
      });
      new CfnOutput(stack, `PartnerPolicy-${db.identifier}`, {
        description: `Statements the partner adds to ${destination} (and its KMS key) so deliveries of ${db.identifier} can write`,
        value: JSON.stringify(partnerPolicies({
          destination, prefix, kmsKeyArn, bucketOwnerEnforced, deliveryRoleArn: deliveryRoleArn(stack, roleName),
        })),
      });
    }
    Validations.of(fn.role).acknowledge(...acks);
  }

  /**
   * `Deliver export` plans the copy: a small export is copied by that one invocation; above the
   * inline limit a Distributed Map reads the export's listing and copies it in batches of 500 keys,
   * 20 at a time, so millions of objects never depend on one Lambda's 15 minutes; then the whole
   * delivery is verified. Both ways end in `Delivered`; a failure goes to `onFailure`.
   */
  steps(onFailure: sfn.IChainable): sfn.IChainable {
    const invoke = (name: string, input: Record<string, unknown> | { path: string }, resultPath: string) =>
      invokeFunction(this.scope, name, this.function, input, resultPath);
    const ref = { 'exportTaskIdentifier.$': '$.export.exportTaskIdentifier', 'databaseIdentifier.$': '$.snapshot.databaseIdentifier' };
    const plan = invoke('Deliver export', { step: 'plan', ...ref }, '$.delivery').addCatch(onFailure, CATCH_ALL);
    const inBatches = new sfn.DistributedMap(this.scope, 'Deliver in batches', {
      itemReader: new sfn.S3ObjectsItemReader({ bucket: this.props.exportBucket, prefix: sfn.JsonPath.stringAt('$.delivery.sourcePrefix') }),
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: 500,
        // A batch is a child execution's input (256 KiB at most): 500 items of long keys (S3 allows 1,024 bytes) would not fit.
        maxInputBytesPerBatch: 200 * 1024,
        batchInput: { ...ref, 'sourcePrefix.$': '$.delivery.sourcePrefix' },
      }),
      maxConcurrency: 20,
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(
      // Each batch's output is collected by the map: an empty object keeps 256 KiB out of reach (about 40 million objects).
      invoke('Deliver batch', { path: '$' }, sfn.JsonPath.DISCARD).next(new sfn.Pass(this.scope, 'Batch delivered', { result: sfn.Result.fromObject({}) })),
    ).addCatch(onFailure, CATCH_ALL);
    const verify = invoke('Verify delivery', { step: 'verify', ...ref }, '$.verified').addCatch(onFailure, CATCH_ALL);
    const delivered = new sfn.Pass(this.scope, 'Delivered');
    plan.next(new sfn.Choice(this.scope, 'Deliver in batches?')
      .when(sfn.Condition.stringEquals('$.delivery.mode', 'distributed'), inBatches.next(verify).next(delivered))
      .otherwise(delivered));
    return sfn.Chain.custom(plan, delivered.endStates, delivered);
  }

  /**
   * The Distributed Map runs child executions of the workflow: the CDK grants its role that on the
   * machine's own executions (named by its ARN); acknowledged here, on the state machine.
   */
  acknowledgeChildExecutions(stateMachine: sfn.StateMachine): void {
    const stack = Stack.of(stateMachine);
    const machine = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${stack.getLogicalId(stateMachine.node.defaultChild as sfn.CfnStateMachine)}"}]}]}`;
    const executions = `arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${machine}`;
    Validations.of(stateMachine).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::${executions}:*]`, reason: 'The Distributed Map of a large delivery starts and reads this workflow\'s own child executions.' },
      { id: `AwsSolutions-IAM5[Resource::${executions}/*:*]`, reason: 'The Distributed Map of a large delivery reads this workflow\'s own child executions.' },
    );
  }
}

/**
 * The delivery role's ARN as the partner writes it into a policy: literal, in the partition of the
 * stack's region (the CloudFormation output is read by people, not resolved by CloudFormation).
 */
function deliveryRoleArn(stack: Stack, roleName: string): string {
  const partition = RegionInfo.get(stack.region).partition;
  if (Token.isUnresolved(stack.region) || Token.isUnresolved(stack.account) || !partition) {
    throw new Error(`partner delivery needs the stack's account and region to be known, got ${stack.account} / ${stack.region}`);
  }
  return stack.formatArn({ partition, service: 'iam', region: '', account: stack.account, resource: 'role', resourceName: roleName });
}
