// The federated-query stack of a config entry with createVpcEndpoints, in a VPC imported from the
// config (no lookup), whose subnets' route tables the S3 gateway endpoint needs (fixture app
// federated-queries).
import { Match } from 'aws-cdk-lib/assertions';
import { synthesized } from './synthesized';

describe('createVpcEndpoints with the VPC of the config', () => {
  const app = synthesized('federated-queries');
  const template = app.template('Prod/FederatedQuery');

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
    expect(app.stack('Prod/FederatedQuery').nagFindings).toEqual([]);
  });
});
