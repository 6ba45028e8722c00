import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { App, Stack } from 'aws-cdk-lib/core';
import { DatabaseEndpoint } from '../src';

const stack = new Stack(new App(), 'Endpoints');
const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
const cluster = new rds.DatabaseCluster(stack, 'Cluster', {
  engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
  writer: rds.ClusterInstance.serverlessV2('Writer'),
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
});

describe('DatabaseEndpoint', () => {
  test('a cluster gives its writer endpoint, or its reader endpoint to keep queries off the writer', () => {
    expect(stack.resolve(DatabaseEndpoint.fromCluster(cluster).hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Endpoint.Address'] });
    expect(stack.resolve(DatabaseEndpoint.fromClusterReader(cluster).hostname)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'ReadEndpoint.Address'] });
    expect(stack.resolve(DatabaseEndpoint.fromCluster(cluster).port)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Cluster/), 'Endpoint.Port'] });
  });

  test('an imported instance gives the address and port it was imported with', () => {
    const instance = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Imported', {
      instanceIdentifier: 'orders', instanceEndpointAddress: 'orders.abc.eu-west-1.rds.amazonaws.com', port: 5433, securityGroups: [],
    });
    const endpoint = DatabaseEndpoint.fromInstance(instance);
    expect([endpoint.hostname, endpoint.port]).toEqual(['orders.abc.eu-west-1.rds.amazonaws.com', 5433]);
  });

  test('a host without a port leaves the port to the engine', () => {
    expect(DatabaseEndpoint.fromHost('db.internal').port).toBeUndefined();
  });

  test.each([
    ['a URL', () => DatabaseEndpoint.fromHost('postgres://db.internal:5432'), /hostname must be a host name/],
    ['an empty host', () => DatabaseEndpoint.fromHost(''), /hostname must be a host name/],
    ['port 0', () => DatabaseEndpoint.fromHost('db', 0), /port must be 1-65535, got 0/],
    ['a port as text', () => DatabaseEndpoint.fromHost('db', '5432' as never), /port must be 1-65535, got "5432"/],
  ])('%s is refused, naming the argument', (_case, make, message) => {
    expect(make).toThrow(message);
  });
});
