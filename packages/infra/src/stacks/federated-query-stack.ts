import { AthenaRdsConnector, ConnectorEngine, DatabaseEndpoint, IAthenaRdsConnector } from '@snaplake/connector';
import { FederatedQueryConfig } from '@snaplake/core';
import { CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { wildcardOnArnOf } from '../nag';

export interface FederatedQueryStackProps extends StackProps {
  readonly federatedQueries: readonly FederatedQueryConfig[];
}

/** One Athena RDS connector per configured live database, with query access granted to the analysts' role. */
export class FederatedQueryStack extends Stack {
  readonly connectors: IAthenaRdsConnector[];

  constructor(scope: Construct, id: string, props: FederatedQueryStackProps) {
    super(scope, id, props);
    this.connectors = props.federatedQueries.map((fq) => {
      const scopeOf = new Construct(this, fq.functionName);
      const vpc = ec2.Vpc.fromVpcAttributes(scopeOf, 'Vpc', {
        vpcId: fq.vpc.vpcId,
        vpcCidrBlock: fq.vpc.vpcCidrBlock,
        availabilityZones: [...fq.vpc.availabilityZones],
        privateSubnetIds: [...fq.vpc.privateSubnetIds],
        // The S3 gateway endpoint of createVpcEndpoints is a route in these (the config requires them with it).
        privateSubnetRouteTableIds: fq.vpc.privateSubnetRouteTableIds && [...fq.vpc.privateSubnetRouteTableIds],
      });
      const connector = new AthenaRdsConnector(scopeOf, 'Connector', {
        engine: fq.engine === 'mysql' ? ConnectorEngine.MYSQL : ConnectorEngine.POSTGRESQL,
        endpoint: DatabaseEndpoint.fromHost(fq.host, fq.port),
        databaseName: fq.databaseName,
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        credentials: secretsmanager.Secret.fromSecretNameV2(scopeOf, 'Credentials', fq.secretName),
        functionName: fq.functionName,
        catalogName: fq.catalogName,
        createVpcEndpoints: fq.createVpcEndpoints,
      });
      // After the first deploy, the database's security group must admit this one on the database port.
      new CfnOutput(scopeOf, 'SecurityGroupId', {
        value: connector.securityGroup.securityGroupId,
        description: `Security group of the ${fq.functionName} connector: allow it into ${fq.host}'s security group on the database port`,
      });
      if (fq.analystsRoleArn) {
        const analysts = iam.Role.fromRoleArn(scopeOf, 'Analysts', fq.analystsRoleArn, { mutable: true });
        connector.grantQuery(analysts);
        Validations.of(analysts).acknowledge(spillReadAcknowledgement(connector));
      }
      return connector;
    });
  }
}

/** The one wildcard `grantQuery` gives a grantee: reading spilled results, which are named per query. */
export function spillReadAcknowledgement(connector: IAthenaRdsConnector) {
  const suffix = `/${connector.spillPrefix}/*`;
  // cdk-nag names a bucket of this app by its logical id, an imported one by its ARN.
  const id = connector.spillBucket.node.defaultChild
    ? wildcardOnArnOf(connector.spillBucket, suffix)
    : `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${connector.spillBucket.bucketName}${suffix}]`;
  return {
    id,
    reason: `Spilled results of federated queries through ${connector.functionName} are named per query; read access covers the spill prefix only.`,
  };
}
