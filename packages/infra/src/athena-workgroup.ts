import * as athena from 'aws-cdk-lib/aws-athena';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Queries stop after scanning this much (a runaway query costs at most about $0.50). */
export const BYTES_SCANNED_CUTOFF = 100 * 1024 ** 3;

export interface WorkgroupProps {
  readonly name: string;
  readonly description: string;
  readonly resultsBucket: s3.IBucket;
  /** Folder of the results bucket for queries that choose none. */
  readonly resultsPrefix: string;
  readonly key: kms.IKey;
  /** Force every query to the workgroup's result location and encryption. */
  readonly enforceConfiguration: boolean;
}

/** An Athena workgroup on engine 3 with KMS-encrypted results, a scan cutoff and CloudWatch metrics. */
export function snaplakeWorkgroup(scope: Construct, id: string, props: WorkgroupProps): athena.CfnWorkGroup {
  return new athena.CfnWorkGroup(scope, id, {
    name: props.name,
    description: props.description,
    state: 'ENABLED',
    recursiveDeleteOption: false,
    workGroupConfiguration: {
      enforceWorkGroupConfiguration: props.enforceConfiguration,
      publishCloudWatchMetricsEnabled: true,
      bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
      engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
      resultConfiguration: {
        outputLocation: props.resultsBucket.s3UrlForObject(props.resultsPrefix),
        encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
      },
    },
  });
}
