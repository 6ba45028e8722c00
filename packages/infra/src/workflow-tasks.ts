import { TRANSIENT_AWS_ERRORS } from '@snaplake/core';
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SnaplakeFunction } from './snaplake-function';

/** Errors that mean "try again": Lambda's own transient failures and AWS throttling. Every workflow task retries them. */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException',
  ...TRANSIENT_AWS_ERRORS,
];

/** Catches every error of a step into `$.error` (`Error` and `Cause`), for the workflow's failure path. */
export const CATCH_ALL: sfn.CatchProps = { errors: ['States.ALL'], resultPath: '$.error' };

/** The task input: JSONPath fields, or a path passed as it is (`"Parameters": "$.x"` is not valid ASL). */
export type TaskInputFields = Record<string, unknown> | { path: string };

/**
 * A task that invokes one of snaplake's functions and keeps its result at `resultPath`, retrying
 * transient errors with jittered backoff (5 retries).
 */
export function invokeFunction(
  scope: Construct, name: string, fn: SnaplakeFunction, input: TaskInputFields, resultPath: string, firstRetry: Duration = Duration.seconds(5),
): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, name, {
    lambdaFunction: fn.function,
    ...('path' in input && typeof input.path === 'string' ? { inputPath: input.path } : { payload: sfn.TaskInput.fromObject(input) }),
    payloadResponseOnly: true,
    resultPath,
    retryOnServiceExceptions: false,
  });
  task.addRetry({ errors: TRANSIENT_ERRORS, interval: firstRetry, backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
  return task;
}
