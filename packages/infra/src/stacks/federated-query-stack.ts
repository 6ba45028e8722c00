import { AthenaRdsConnector, ConnectorEngine } from '@snaplake/connector';
import { FederatedQueryConfig } from '@snaplake/core';
import { Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface FederatedQueryStackProps extends StackProps {
  readonly federatedQueries: readonly FederatedQueryConfig[];
}

/** One Athena RDS connector per configured live database, with query access granted to the analysts' role. */
export class FederatedQueryStack extends Stack {
  readonly connectors: AthenaRdsConnector[];

  constructor(scope: Construct, id: string, props: FederatedQueryStackProps) {
    super(scope, id, props);
    this.connectors = props.federatedQueries.map((fq) => {
      const scopeOf = new Construct(this, fq.functionName);
      const vpc = ec2.Vpc.fromVpcAttributes(scopeOf, 'Vpc', {
        vpcId: fq.vpc.vpcId,
        vpcCidrBlock: fq.vpc.vpcCidrBlock,
        availabilityZones: [...fq.vpc.availabilityZones],
        privateSubnetIds: [...fq.vpc.privateSubnetIds],
      });
      const connector = new AthenaRdsConnector(scopeOf, 'Connector', {
        engine: fq.engine === 'mysql' ? ConnectorEngine.MYSQL : ConnectorEngine.POSTGRESQL,
        host: fq.host,
        port: fq.port,
        databaseName: fq.databaseName,
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        credentials: secretsmanager.Secret.fromSecretNameV2(scopeOf, 'Credentials', fq.secretName),
        functionName: fq.functionName,
        catalogName: fq.catalogName,
        createVpcEndpoints: fq.createVpcEndpoints,
      });
      if (fq.analystsRoleArn) {
        connector.grantQuery(iam.Role.fromRoleArn(scopeOf, 'Analysts', fq.analystsRoleArn, { mutable: true }));
      }
      return connector;
    });
  }
}
