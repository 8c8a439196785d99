import { Fn } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { CreateRequestTags } from '../../../infra/safety-rules/index.js';
import { arn, findingsOf, grant, newStack } from './support.js';

const requestTags = {
  StringEquals: {
    'aws:RequestTag/interactions:managed-by': 'interactions-automation',
    'aws:RequestTag/interactions:environment': 'prod',
  },
};

describe('Interactions-CreateRequestTags', () => {
  describe('Noncompliance', () => {
    it.each([
      ['rds:CreateDBSnapshot', 'snapshot:interactions-prod-*'],
      ['rds:CopyDBSnapshot', 'snapshot:interactions-prod-dr-*'],
      ['rds:AddTagsToResource', 'snapshot:interactions-prod-*'],
      ['rds:RestoreDBInstanceFromDBSnapshot', 'db:interactions-prod-restore-*'],
      // The source of a point-in-time restore is a `db` like its target: the type cannot tell them apart.
      ['rds:RestoreDBInstanceToPointInTime', 'db:interactions-prod-postgres'],
      ['rds:CreateDBInstance', 'db:interactions-prod-*'],
      // A wildcard action might be any create: no source exemption.
      ['rds:Create*', 'db:interactions-prod-postgres'],
      ['rds:*', 'db:interactions-prod-postgres'],
    ])('reports %s on %s without request tags', (action, resource) => {
      // Prepare
      const stack = newStack();
      grant(stack, new iam.PolicyStatement({ actions: [action], resources: [arn(stack, 'rds', resource)] }));
      // Act
      const findings = findingsOf(stack, CreateRequestTags);
      // Assess
      expect(findings).toEqual([`Interactions-CreateRequestTags[Action::${action}]`]);
    });

    it.each([
      ['elasticache:CreateSnapshot', 'elasticache', 'snapshot:interactions-prod-*'],
      ['elasticache:CreateReplicationGroup', 'elasticache', 'replicationgroup:interactions-prod-restore-*'],
      ['ecs:RunTask', 'ecs', 'task-definition/interactions-prod-backend:*'],
      ['ecs:CreateService', 'ecs', 'service/interactions-prod/*'],
    ])('reports %s on the new resource without request tags', (action, service, resource) => {
      const stack = newStack();
      grant(stack, new iam.PolicyStatement({ actions: [action], resources: [arn(stack, service, resource)] }));
      expect(findingsOf(stack, CreateRequestTags)).toEqual([`Interactions-CreateRequestTags[Action::${action}]`]);
    });

    it('reports a source statement that also names the new resource', () => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:CreateDBSnapshot'],
          resources: [arn(stack, 'rds', 'db:interactions-prod-postgres'), arn(stack, 'rds', 'snapshot:*')],
        }),
      );
      expect(findingsOf(stack, CreateRequestTags)).toEqual([
        'Interactions-CreateRequestTags[Action::rds:CreateDBSnapshot]',
      ]);
    });

    it('fails safe on a resource whose type cannot be read (a reference, or "*")', () => {
      const stack = newStack();
      const instance = new rds.CfnDBInstance(stack, 'Db', { dbInstanceClass: 'db.t4g.micro', engine: 'postgres' });
      grant(
        stack,
        new iam.PolicyStatement({ actions: ['rds:CreateDBSnapshot'], resources: [instance.attrDbInstanceArn] }),
        new iam.PolicyStatement({ actions: ['elasticache:CreateSnapshot'], resources: ['*'] }),
      );
      expect(findingsOf(stack, CreateRequestTags)).toEqual([
        'Interactions-CreateRequestTags[Action::elasticache:CreateSnapshot]',
        'Interactions-CreateRequestTags[Action::rds:CreateDBSnapshot]',
      ]);
    });

    it('reports request tags that lack the environment', () => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:CreateDBSnapshot'],
          resources: [arn(stack, 'rds', 'snapshot:*')],
          conditions: { StringEquals: { 'aws:RequestTag/interactions:managed-by': 'interactions-automation' } },
        }),
      );
      expect(findingsOf(stack, CreateRequestTags)).toEqual([
        'Interactions-CreateRequestTags[Action::rds:CreateDBSnapshot]',
      ]);
    });
  });

  describe('Compliance', () => {
    it('accepts the snapshot pattern: the instance as source, the snapshot with request tags', () => {
      const stack = newStack();
      const instanceId = Fn.importValue('interactions-prod-platform:DatabaseInstanceId');
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:CreateDBSnapshot'],
          resources: [arn(stack, 'rds', `db:${instanceId}`)],
        }),
        new iam.PolicyStatement({
          actions: ['rds:CreateDBSnapshot', 'rds:AddTagsToResource'],
          resources: [arn(stack, 'rds', 'snapshot:*')],
          conditions: requestTags,
        }),
      );
      expect(findingsOf(stack, CreateRequestTags)).toEqual([]);
    });

    it.each([
      ['elasticache:CreateSnapshot', 'elasticache', 'replicationgroup:interactions-prod'],
      ['elasticache:CreateSnapshot', 'elasticache', 'cluster:interactions-prod-001'],
      ['rds:RestoreDBInstanceFromDBSnapshot', 'rds', 'snapshot:interactions-prod-*'],
      ['rds:RestoreDBInstanceToPointInTime', 'rds', 'subgrp:interactions-prod-db'],
    ])('exempts %s on its source %s', (action, service, resource) => {
      const stack = newStack();
      grant(stack, new iam.PolicyStatement({ actions: [action], resources: [arn(stack, service, resource)] }));
      expect(findingsOf(stack, CreateRequestTags)).toEqual([]);
    });

    it('accepts request tags on a point-in-time restore source and target together', () => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:RestoreDBInstanceToPointInTime', 'rds:AddTagsToResource'],
          resources: [
            arn(stack, 'rds', 'db:interactions-prod-postgres'),
            arn(stack, 'rds', 'db:interactions-prod-pitr-*'),
          ],
          conditions: requestTags,
        }),
      );
      expect(findingsOf(stack, CreateRequestTags)).toEqual([]);
    });

    it('leaves reads, deletes and other services alone', () => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:DescribeDBSnapshots', 'rds:DeleteDBSnapshot', 's3:PutObject', 'logs:CreateLogStream'],
          resources: [arn(stack, 'rds', 'snapshot:*')],
        }),
      );
      expect(findingsOf(stack, CreateRequestTags)).toEqual([]);
    });
  });
});
