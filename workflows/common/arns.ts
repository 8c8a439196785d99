/**
 * ARNs of the resources the workflows grant on, built once (CDK side): the stack's partition,
 * account and region, `arn:<partition>:<service>:<region>:<account>:<resource>:<name>`.
 * Names come from shared/naming.ts, so a grant and the name the function uses cannot drift.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type Environment, names } from '../../shared/naming.js';

/** RDS resource types the workflows grant on (`subgrp`, `pg`: a restore's subnet and parameter groups). */
export type RdsResourceType = 'db' | 'snapshot' | 'cluster' | 'cluster-snapshot' | 'subgrp' | 'pg';

/** ElastiCache resource types the workflows grant on. */
export type ElastiCacheResourceType = 'replicationgroup' | 'cluster' | 'snapshot';

/** `arn:...:rds:<region>:<account>:<type>:<name>`; `region` defaults to the stack's (a DR copy names another). */
export function rdsArn(scope: Construct, type: RdsResourceType, name: string, region?: string): string {
  return Stack.of(scope).formatArn({
    service: 'rds',
    resource: type,
    resourceName: name,
    region,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** `arn:...:elasticache:<region>:<account>:<type>:<name>`. */
export function elastiCacheArn(scope: Construct, type: ElastiCacheResourceType, name: string): string {
  return Stack.of(scope).formatArn({
    service: 'elasticache',
    resource: type,
    resourceName: name,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * The cache snapshots the automation of `envName` names (`interactions-<env>-*`):
 * validate-snapshot-request enforces the prefix on explicit names, so it scopes IAM.
 */
export function ownCacheSnapshotsArn(scope: Construct, envName: Environment): string {
  return elastiCacheArn(scope, 'snapshot', `${names.prefix(envName)}-*`);
}

/** The member clusters of a replication group, which ElastiCache names `<group>-001`, `<group>-002`, ... */
export function replicationGroupMembersArn(scope: Construct, replicationGroupId: string): string {
  return elastiCacheArn(scope, 'cluster', `${replicationGroupId}-*`);
}
