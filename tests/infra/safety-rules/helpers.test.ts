/** The pure readers under the rules: action classification, ARN types, tag conditions. */
import {
  globMatches,
  isReadOnly,
  mayCreate,
  mayDestroy,
  mayMatchPrefix,
  parseAction,
} from '../../../infra/safety-rules/actions.js';
import { arnResourceType, renderValue } from '../../../infra/safety-rules/arn.js';
import { missingAutomationTags, statementActions, statementResources } from '../../../infra/safety-rules/iam.js';

describe('actions', () => {
  it('matches globs the way IAM does, case-insensitively once parsed', () => {
    expect(parseAction('RDS:DeleteDBInstance')).toEqual({ service: 'rds', name: 'deletedbinstance' });
    expect(parseAction('*')).toEqual({ service: '*', name: '*' });
    expect(globMatches('?elete*', 'deletedbinstance')).toBe(true);
    expect(globMatches('delete?', 'deletedbinstance')).toBe(false);
    expect(mayMatchPrefix('?el*x', 'delete')).toBe(true);
    expect(mayMatchPrefix('describe*', 'delete')).toBe(false);
    expect(mayMatchPrefix('de', 'delete')).toBe(false);
  });

  it.each([
    ['rds:DescribeDBInstances', true],
    ['rds:Describe*', true],
    ['rds:Desc*', false],
    ['rds:*Describe*', false],
    ['*:Describe*', false],
    ['rds:DeleteDBInstance', false],
  ])('%s is read-only: %s', (action, expected) => {
    expect(isReadOnly(parseAction(action))).toBe(expected);
  });

  it.each([
    ['rds:DeleteDBInstance', true],
    ['rds:?eleteDBInstance', true],
    ['elasticache:TestFailover', true],
    ['ecs:UpdateService', true],
    ['rds:StartDBInstance', true],
    ['rds:Desc*', true],
    ['*', true],
    ['rds:DescribeDBInstances', false],
    ['rds:CreateDBSnapshot', false],
    ['rds:Restore*', false],
    ['rds:AddTagsToResource', false],
    ['ecs:RunTask', false],
    ['s3:DeleteObject', false],
  ])('%s may destroy: %s', (action, expected) => {
    expect(mayDestroy(parseAction(action))).toBe(expected);
  });

  it.each([
    ['rds:CreateDBSnapshot', true],
    ['rds:Cr*', true],
    ['rds:*', true],
    ['rds:?opyDBSnapshot', true],
    ['ecs:RunTask', true],
    ['ecs:TagResource', true],
    ['elasticache:AddTagsToResource', true],
    ['rds:DeleteDBSnapshot', false],
    ['rds:Describe*', false],
    ['s3:CreateBucket', false],
  ])('%s may create: %s', (action, expected) => {
    expect(mayCreate(parseAction(action))).toBe(expected);
  });
});

describe('ARNs', () => {
  const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

  it('renders references as placeholders', () => {
    const value = join('arn:', { Ref: 'AWS::Partition' }, ':rds:us-east-1:', { Ref: 'AWS::AccountId' }, ':db:', {
      'Fn::ImportValue': 'interactions-prod-platform:DbId',
    });
    expect(renderValue(value)).toBe('arn:{Partition}:rds:us-east-1:{AccountId}:db:{?ImportValue}');
  });

  it.each([
    ['arn:{Partition}:rds:us-east-1:{AccountId}:db:{?ImportValue}', { service: 'rds', type: 'db' }],
    ['arn:aws:rds:us-east-1:123456789012:snapshot:*', { service: 'rds', type: 'snapshot' }],
    ['arn:aws:ecs:us-east-1:123456789012:service/interactions-prod/backend', { service: 'ecs', type: 'service' }],
    [
      'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:interactions-prod',
      {
        service: 'elasticache',
        type: 'replicationgroup',
      },
    ],
  ])('reads the resource type of %s', (arn, expected) => {
    expect(arnResourceType(arn)).toEqual(expected);
  });

  it.each([
    ['*'],
    ['{?Db.Arn}'],
    ['arn:aws:rds:us-east-1:123456789012:*'],
    ['arn:aws:rds:us-east-1:123456789012:d*:x'],
    // An unknown reference before the type might hold colons and shift every field.
    ['arn:aws:rds:{?Region}:123456789012:db:x'],
  ])('cannot classify %s', (arn) => {
    expect(arnResourceType(arn)).toBeUndefined();
  });
});

describe('policy statements', () => {
  it('reads NotAction and NotResource as everything', () => {
    const statement = { Effect: 'Allow', NotAction: 's3:*', NotResource: 'arn:aws:s3:::x' };
    expect(statementActions(statement)).toEqual(['*']);
    expect(statementResources(statement)).toEqual(['*']);
  });

  it('names the automation tags a statement does not require', () => {
    const condition = (block: Record<string, unknown>) => ({ Effect: 'Allow', Condition: block });
    expect(missingAutomationTags(condition({}), 'resource')).toEqual([
      'interactions:managed-by',
      'interactions:environment',
    ]);
    expect(
      missingAutomationTags(
        condition({
          StringEquals: {
            'AWS:RESOURCETAG/Interactions:Managed-By': 'interactions-automation',
            'rds:cluster-tag/interactions:environment': 'prod',
          },
        }),
        'resource',
      ),
    ).toEqual([]);
    expect(
      missingAutomationTags(
        condition({
          StringEquals: {
            'aws:RequestTag/interactions:managed-by': 'interactions-automation',
            'aws:RequestTag/interactions:environment': { Ref: 'Environment' },
          },
        }),
        'request',
      ),
    ).toEqual(['interactions:environment']);
  });
});
