import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ArnFormat, Stack } from 'aws-cdk-lib/core';
import { Construct, IConstruct } from 'constructs';
import { ConnectorEngine } from './engine';

/** The spill prefix a connector uses unless told otherwise. */
export const DEFAULT_SPILL_PREFIX = 'athena-spill';

/** An Athena RDS connector, defined in this stack or another one: what a stack that queries through it needs. */
export interface IAthenaRdsConnector extends IConstruct, ec2.IConnectable {
  readonly engine: ConnectorEngine;
  /** Name of the connector's Lambda function. */
  readonly functionName: string;
  readonly functionArn: string;
  /** What queries name as the catalog: the data catalog's name (PostgreSQL) or `lambda:<functionName>` (MySQL). */
  readonly catalogName: string;
  /** The bucket the connector spills large results to. */
  readonly spillBucket: s3.IBucket;
  /** Prefix of spilled objects in the spill bucket, without leading or trailing `/`. */
  readonly spillPrefix: string;
  /**
   * Lets a principal run federated queries through this connector: invoke the connector, read the
   * spilled results under the spill prefix, and read the data catalog (PostgreSQL).
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant;
}

/** A connector deployed elsewhere (another stack or app), for `AthenaRdsConnector.fromConnectorAttributes`. */
export interface AthenaRdsConnectorAttributes {
  readonly engine: ConnectorEngine;
  /** Name of the connector's Lambda function, in the account and region of the stack that imports it. */
  readonly functionName: string;
  /**
   * The connector's data catalog (PostgreSQL only; MySQL is always queried as `lambda:<functionName>`).
   * @default - for PostgreSQL, `functionName` with `-` replaced by `_`
   */
  readonly catalogName?: string;
  /** The connector's spill bucket. */
  readonly spillBucket: s3.IBucket;
  /**
   * Prefix of spilled objects in the spill bucket.
   * @default 'athena-spill'
   */
  readonly spillPrefix?: string;
  /**
   * The connector's security groups, so a database can allow it in.
   * @default - none: `connections` cannot open a database to the imported connector
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** The catalog name queries use for a connector. */
export function catalogNameOf(engine: ConnectorEngine, functionName: string, catalogName?: string): string {
  return engine === ConnectorEngine.MYSQL ? `lambda:${functionName}` : catalogName ?? functionName.replace(/-/g, '_');
}

/** What every connector, created or imported, grants. */
export abstract class AthenaRdsConnectorBase extends Construct implements IAthenaRdsConnector {
  abstract readonly engine: ConnectorEngine;
  abstract readonly functionName: string;
  abstract readonly functionArn: string;
  abstract readonly catalogName: string;
  abstract readonly spillBucket: s3.IBucket;
  abstract readonly spillPrefix: string;
  abstract readonly connections: ec2.Connections;

  /**
   * Lets a principal run federated queries through this connector: invoke the connector, read the
   * spilled results under the spill prefix, and read the data catalog (PostgreSQL).
   *
   * cdk-nag reports the grantee's read of `<spill bucket>/<spill prefix>/*` (AwsSolutions-IAM5);
   * the grantee is yours, so acknowledge it there (see the README).
   */
  grantQuery(grantee: iam.IGrantable): iam.Grant {
    const allowed: Array<[actions: string[], resourceArns: string[]]> = [
      [['lambda:InvokeFunction'], [this.functionArn]],
      [['s3:GetObject'], [this.spillBucket.arnForObjects(`${this.spillPrefix}/*`)]],
      [['s3:ListBucket', 's3:GetBucketLocation'], [this.spillBucket.bucketArn]],
    ];
    if (this.engine === ConnectorEngine.POSTGRESQL) {
      allowed.push([['athena:GetDataCatalog'], [Stack.of(this).formatArn({ service: 'athena', resource: 'datacatalog', resourceName: this.catalogName })]]);
    }
    const grants = allowed.map(([actions, resourceArns]) => iam.Grant.addToPrincipal({ grantee, actions, resourceArns }));
    if (this.spillBucket.encryptionKey) grants.push(this.spillBucket.encryptionKey.grantDecrypt(grantee));
    return grants.reduce((all, grant) => all.combine(grant));
  }
}

/** A connector known by its attributes. */
export class ImportedAthenaRdsConnector extends AthenaRdsConnectorBase {
  readonly engine: ConnectorEngine;
  readonly functionName: string;
  readonly functionArn: string;
  readonly catalogName: string;
  readonly spillBucket: s3.IBucket;
  readonly spillPrefix: string;
  readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, attrs: AthenaRdsConnectorAttributes) {
    super(scope, id);
    if (attrs.engine === ConnectorEngine.MYSQL && attrs.catalogName !== undefined) {
      throw new Error(`AthenaRdsConnector.fromConnectorAttributes: catalogName cannot be used with MySQL: the connector answers only 'lambda:${attrs.functionName}'`);
    }
    this.engine = attrs.engine;
    this.functionName = attrs.functionName;
    this.functionArn = Stack.of(this).formatArn({ service: 'lambda', resource: 'function', resourceName: attrs.functionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.catalogName = catalogNameOf(attrs.engine, attrs.functionName, attrs.catalogName);
    this.spillBucket = attrs.spillBucket;
    this.spillPrefix = attrs.spillPrefix ?? DEFAULT_SPILL_PREFIX;
    this.connections = new ec2.Connections({ securityGroups: attrs.securityGroups });
  }
}
