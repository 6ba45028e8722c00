import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Annotations, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';

/** The connector's security group (`SecurityGroup` of `connector`): egress to the database port in the VPC and HTTPS only. */
export function connectorSecurityGroup(connector: Construct, vpc: ec2.IVpc, port: number, functionName: string): ec2.SecurityGroup {
  const securityGroup = new ec2.SecurityGroup(connector, 'SecurityGroup', {
    vpc,
    allowAllOutbound: false,
    description: `Athena connector ${functionName}: egress to the database port and HTTPS only`,
  });
  securityGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port), 'the database');
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'S3, Secrets Manager and Athena over HTTPS');
  return securityGroup;
}

/**
 * What Lambda needs to attach the function to the VPC (AWSLambdaVPCAccessExecutionRole v3's actions), scoped to the
 * connector's VPC with ec2:Vpc wherever the Service Authorization Reference offers it.
 */
export function addNetworkInterfacePermissions(connector: Construct, role: iam.IRole, vpc: ec2.IVpc): void {
  const stack = Stack.of(connector);
  const ec2Arn = (resource: string) => stack.formatArn({ service: 'ec2', resource, resourceName: '*' });
  const inVpc = { ArnEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: vpc.vpcId }) } };
  // The new interface has no VPC in its request context; its subnet and security group do.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [ec2Arn('network-interface')] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:CreateNetworkInterface'], resources: [ec2Arn('subnet'), ec2Arn('security-group')], conditions: inVpc,
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: [ec2Arn('network-interface')],
    conditions: inVpc,
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], resources: ['*'] }));
}

/** For subnets with no NAT route: an S3 gateway endpoint, and a Secrets Manager interface endpoint open to the connector only. */
export function createVpcEndpoints(connector: Construct, vpc: ec2.IVpc, connectorGroup: ec2.ISecurityGroup, vpcSubnets?: ec2.SubnetSelection): void {
  // A gateway endpoint is a route in each subnet's route table: an imported VPC or subnet must name its route tables.
  const withoutRouteTable = vpc.selectSubnets(vpcSubnets).subnets
    .filter((subnet) => !subnet.routeTable?.routeTableId).map((subnet) => subnet.subnetId);
  if (withoutRouteTable.length > 0) {
    throw new Error('AthenaRdsConnector: createVpcEndpoints needs the route table of each connector subnet for the S3 gateway endpoint; '
      + `${withoutRouteTable.join(', ')} ${withoutRouteTable.length === 1 ? 'has' : 'have'} none: import the VPC with privateSubnetRouteTableIds `
      + '(Vpc.fromVpcAttributes), or the subnets with routeTableId (Subnet.fromSubnetAttributes)');
  }
  new ec2.GatewayVpcEndpoint(connector, 'S3Endpoint', { vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [vpcSubnets ?? {}] });
  const endpointGroup = new ec2.SecurityGroup(connector, 'EndpointSecurityGroup', {
    vpc,
    allowAllOutbound: false,
    description: 'Secrets Manager endpoint of the Athena connector: HTTPS from the connector only',
  });
  endpointGroup.addIngressRule(connectorGroup, ec2.Port.tcp(443), 'the Athena connector');
  new ec2.InterfaceVpcEndpoint(connector, 'SecretsManagerEndpoint', {
    vpc,
    service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    subnets: vpcSubnets,
    securityGroups: [endpointGroup],
    privateDnsEnabled: true,
  });
}

/** Warns at synth when the connector's subnets are all isolated and no endpoints are created: its queries would time out. */
export function warnWhenSubnetsAreIsolated(scope: Construct, vpc: ec2.IVpc, selected: ec2.SelectedSubnets): void {
  const isolated = new Set(vpc.isolatedSubnets.map((s) => s.subnetId));
  if (selected.subnets.length > 0 && selected.subnets.every((s) => isolated.has(s.subnetId))) {
    Annotations.of(scope).addWarningV2('@snaplake/connector:no-route-to-endpoints',
      'The connector subnets are isolated (no NAT) and createVpcEndpoints is false: the connector cannot reach S3 or Secrets Manager and queries will time out. Set createVpcEndpoints: true or add the endpoints yourself.');
  }
}
