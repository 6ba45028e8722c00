import * as rds from 'aws-cdk-lib/aws-rds';
import { Token } from 'aws-cdk-lib/core';

const HOST = /^[A-Za-z0-9.\-_]+$/;

/**
 * Where the connector reaches the database: a database this app defines (or imports), or a host
 * name and port.
 */
export class DatabaseEndpoint {
  /** The endpoint of an RDS DB instance. */
  static fromInstance(instance: rds.IDatabaseInstance): DatabaseEndpoint {
    return new DatabaseEndpoint(instance.instanceEndpoint.hostname, instance.instanceEndpoint.port);
  }

  /** The writer endpoint of an Aurora cluster. */
  static fromCluster(cluster: rds.IDatabaseCluster): DatabaseEndpoint {
    return new DatabaseEndpoint(cluster.clusterEndpoint.hostname, cluster.clusterEndpoint.port);
  }

  /** The reader endpoint of an Aurora cluster: federated queries only read, so they can stay off the writer. */
  static fromClusterReader(cluster: rds.IDatabaseCluster): DatabaseEndpoint {
    return new DatabaseEndpoint(cluster.clusterReadEndpoint.hostname, cluster.clusterReadEndpoint.port);
  }

  /**
   * A database this app does not define, by host name.
   * @param hostname such as `orders.abc123.eu-west-1.rds.amazonaws.com`
   * @param port @default - 5432 for PostgreSQL, 3306 for MySQL
   */
  static fromHost(hostname: string, port?: number): DatabaseEndpoint {
    if (typeof hostname !== 'string' || !(Token.isUnresolved(hostname) || HOST.test(hostname))) {
      throw new Error(`DatabaseEndpoint.fromHost: hostname must be a host name such as orders.abc123.eu-west-1.rds.amazonaws.com, got ${JSON.stringify(hostname)}`);
    }
    if (port !== undefined && !Token.isUnresolved(port) && !(Number.isInteger(port) && port > 0 && port < 65536)) {
      throw new Error(`DatabaseEndpoint.fromHost: port must be 1-65535, got ${JSON.stringify(port)}`);
    }
    return new DatabaseEndpoint(hostname, port);
  }

  private constructor(
    /** Host name the connector connects to (a deploy-time token for a database of this app). */
    readonly hostname: string,
    /** Port the connector connects to; undefined means the engine's default port. */
    readonly port?: number,
  ) {}
}
