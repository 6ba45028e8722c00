// The federated-query stack built from a config entry: createVpcEndpoints in a VPC imported from the
// config (no lookup), whose subnets' route tables the S3 gateway endpoint needs.
import { parseSnaplakeConfig } from '@snaplake/core/config';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { nagFindings } from '../src/nag';
import { FederatedQueryStack } from '../src/stacks/federated-query-stack';

const env = { account: '333333333333', region: 'eu-west-1' };

function stackOf(vpc: Record<string, unknown>) {
  const config = parseSnaplakeConfig({
    project: 'acme',
    stages: [{
      name: 'prod',
      ...env,
      databases: [{ identifier: 'orders-db', kind: 'instance', engine: 'postgres' }],
      federatedQueries: [{
        functionName: 'orders-live',
        engine: 'postgresql',
        host: 'orders.abc.eu-west-1.rds.amazonaws.com',
        databaseName: 'orders',
        secretName: 'athena/orders-readonly',
        createVpcEndpoints: true,
        vpc: {
          vpcId: 'vpc-0123abcd',
          vpcCidrBlock: '10.0.0.0/16',
          availabilityZones: ['eu-west-1a', 'eu-west-1b'],
          privateSubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'],
          ...vpc,
        },
      }],
    }],
  });
  return new FederatedQueryStack(new App(), 'FederatedQuery', { env, federatedQueries: config.stages[0]!.federatedQueries });
}

describe('createVpcEndpoints with the VPC of the config', () => {
  const stack = stackOf({ privateSubnetRouteTableIds: ['rtb-0123abcd', 'rtb-4567ef01'] });
  const template = Template.fromStack(stack);

  test('the S3 gateway endpoint routes through the route table of each connector subnet', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', VpcId: 'vpc-0123abcd', RouteTableIds: ['rtb-0123abcd', 'rtb-4567ef01'] });
  });

  test('the Secrets Manager interface endpoint sits in the connector subnets with private DNS, reachable from the connector only', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.eu-west-1.secretsmanager', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'], PrivateDnsEnabled: true,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ConnectorSecurityGroup'), 'GroupId'] },
    });
  });

  test('the stack has no unacknowledged cdk-nag finding', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});
