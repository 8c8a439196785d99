import * as iam from 'aws-cdk-lib/aws-iam';
import { DestructiveTagConditions } from '../../../infra/safety-rules/index.js';
import { arn, findingsOf, grant, newStack } from './support.js';

const MANAGED_BY = 'interactions:managed-by';
const ENVIRONMENT = 'interactions:environment';

/** StringEquals on `<prefix>/managed-by` and `<prefix>/environment`. */
const tagged = (prefix: string) => ({
  StringEquals: { [`${prefix}/${MANAGED_BY}`]: 'interactions-automation', [`${prefix}/${ENVIRONMENT}`]: 'prod' },
});

describe('Interactions-DestructiveTagConditions', () => {
  describe('Noncompliance', () => {
    it.each([
      'rds:DeleteDBInstance',
      'rds:ModifyDBInstance',
      'rds:RebootDBInstance',
      'rds:StopDBInstance',
      'rds:FailoverDBCluster',
      'rds:RemoveTagsFromResource',
      'elasticache:TestFailover',
      'elasticache:ModifyReplicationGroup',
      'elasticache:DeleteReplicationGroup',
      'ecs:UpdateService',
      'ecs:StopTask',
      'ecs:DeleteService',
      'rds:Delete*',
      'rds:De*',
      'rds:*',
      'rds:*Instance',
      '*',
    ])('reports %s without tag conditions', (action) => {
      // Prepare
      const stack = newStack();
      grant(stack, new iam.PolicyStatement({ actions: [action], resources: [arn(stack, 'rds', 'db:interactions-*')] }));
      // Act
      const findings = findingsOf(stack, DestructiveTagConditions);
      // Assess
      expect(findings).toEqual([`Interactions-DestructiveTagConditions[Action::${action}]`]);
    });

    it.each([
      ['only the managed-by tag', { StringEquals: { [`rds:db-tag/${MANAGED_BY}`]: 'interactions-automation' } }],
      ['only the environment tag', { StringEquals: { [`rds:db-tag/${ENVIRONMENT}`]: 'prod' } }],
      [
        'IfExists operators, which pass untagged resources',
        { StringEqualsIfExists: tagged('rds:db-tag').StringEquals },
      ],
      ['request tags instead of resource tags', tagged('aws:RequestTag')],
      ['principal tags instead of resource tags', tagged('aws:PrincipalTag')],
      [
        'another managed-by value',
        { StringEquals: { [`rds:db-tag/${MANAGED_BY}`]: 'someone-else', [`rds:db-tag/${ENVIRONMENT}`]: 'prod' } },
      ],
      [
        'a wildcard managed-by value',
        { StringLike: { [`rds:db-tag/${MANAGED_BY}`]: 'interactions-*', [`rds:db-tag/${ENVIRONMENT}`]: 'prod' } },
      ],
      [
        'a wildcard environment value, which matches every environment',
        { StringLike: { [`rds:db-tag/${MANAGED_BY}`]: 'interactions-automation', [`rds:db-tag/${ENVIRONMENT}`]: '*' } },
      ],
      [
        'several environments',
        {
          StringEquals: {
            [`rds:db-tag/${MANAGED_BY}`]: 'interactions-automation',
            [`rds:db-tag/${ENVIRONMENT}`]: ['staging', 'prod'],
          },
        },
      ],
    ])('reports a delete conditioned on %s', (_case, conditions) => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:DeleteDBInstance'],
          resources: [arn(stack, 'rds', 'db:interactions-prod-pitr-*')],
          conditions,
        }),
      );
      expect(findingsOf(stack, DestructiveTagConditions)).toEqual([
        'Interactions-DestructiveTagConditions[Action::rds:DeleteDBInstance]',
      ]);
    });

    it('reads NotAction as every action', () => {
      const stack = newStack();
      grant(stack, new iam.PolicyStatement({ notActions: ['s3:*'], resources: [arn(stack, 'ecs', 'service/*')] }));
      expect(findingsOf(stack, DestructiveTagConditions)).toEqual(['Interactions-DestructiveTagConditions[Action::*]']);
    });
  });

  describe('Compliance', () => {
    it.each([
      ['rds:DeleteDBInstance', 'rds:db-tag'],
      ['rds:DeleteDBSnapshot', 'rds:snapshot-tag'],
      ['rds:Delete*', 'aws:ResourceTag'],
      ['elasticache:DeleteSnapshot', 'aws:ResourceTag'],
      ['elasticache:TestFailover', 'aws:ResourceTag'],
      ['ecs:StopTask', 'ecs:ResourceTag'],
    ])('accepts %s with both tags required through %s', (action, prefix) => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: [action],
          resources: [arn(stack, action.split(':')[0] ?? '', 'x:interactions-prod-*')],
          conditions: tagged(prefix),
        }),
      );
      expect(findingsOf(stack, DestructiveTagConditions)).toEqual([]);
    });

    it('accepts the tags split over operators and with further conditions', () => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:DeleteDBInstance'],
          resources: [arn(stack, 'rds', 'db:interactions-prod-pitr-*')],
          conditions: {
            StringEquals: { [`rds:db-tag/${MANAGED_BY}`]: 'interactions-automation' },
            StringLike: { [`aws:ResourceTag/${ENVIRONMENT}`]: 'prod' },
            Null: { 'rds:db-tag/interactions:execution': 'false' },
          },
        }),
      );
      expect(findingsOf(stack, DestructiveTagConditions)).toEqual([]);
    });

    it('leaves reads, creates and other services alone', () => {
      const stack = newStack();
      grant(
        stack,
        new iam.PolicyStatement({
          actions: ['rds:DescribeDBInstances', 'rds:Describe*', 'rds:CreateDBSnapshot', 'rds:Restore*', 'ecs:RunTask'],
          resources: [arn(stack, 'rds', 'db:interactions-prod-postgres')],
        }),
        new iam.PolicyStatement({
          actions: ['s3:DeleteObject'],
          resources: ['arn:aws:s3:::interactions-prod-reports/*'],
        }),
      );
      expect(findingsOf(stack, DestructiveTagConditions)).toEqual([]);
    });
  });
});
