import {
  awsRegionSchema,
  environmentSchema,
  executionContextSchema,
  isoTimeSchema,
  rdsIdentifierSchema,
  workflowSchema,
} from '../../../shared/schemas.js';
import * as z from '../../../shared/zod.js';

describe('shared schemas', () => {
  it('accepts the three environments only', () => {
    expect(environmentSchema.options).toEqual(['dev', 'staging', 'prod']);
    expect(environmentSchema.safeParse('qa').success).toBe(false);
  });

  it('accepts the workflows of naming.ts', () => {
    expect(workflowSchema.parse('recovery-test')).toBe('recovery-test');
    expect(workflowSchema.safeParse('recovery_test').success).toBe(false);
  });

  it('accepts a Step Functions execution context', () => {
    const context = { execution: 'nightly-2025-01-01_abc', startedAt: '2025-01-01T03:00:00.123Z' };
    expect(executionContextSchema.parse(context)).toEqual(context);
  });

  it.each([
    [{ execution: '', startedAt: '2025-01-01T03:00:00Z' }, 'execution'],
    [{ execution: 'has space', startedAt: '2025-01-01T03:00:00Z' }, 'execution'],
    [{ execution: 'x'.repeat(81), startedAt: '2025-01-01T03:00:00Z' }, 'execution'],
    [{ execution: 'ok', startedAt: 'yesterday' }, 'startedAt'],
  ])('rejects %j at %s', (input, field) => {
    const result = executionContextSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([field]);
  });

  it('accepts offsets in timestamps', () => {
    expect(isoTimeSchema.safeParse('2025-01-01T03:00:00+02:00').success).toBe(true);
  });

  it.each(['pre-migration-1', 'a'])('accepts RDS identifier %s', (id) => {
    expect(rdsIdentifierSchema.safeParse(id).success).toBe(true);
  });

  it.each(['1abc', 'a--b', 'ends-', 'under_score', ''])('rejects RDS identifier %j', (id) => {
    expect(rdsIdentifierSchema.safeParse(id).success).toBe(false);
  });
});

describe('awsRegionSchema', () => {
  it.each(['us-east-1', 'eu-central-2', 'ap-southeast-4', 'us-gov-west-1'])('accepts %s', (region) => {
    expect(z.safeParse(awsRegionSchema, region).success).toBe(true);
  });

  it.each([
    ['a region-shaped value of any length', `us-${'east-'.repeat(200)}1`],
    ['an unknown direction', 'us-middle-1'],
    ['upper case', 'US-EAST-1'],
    ['an empty string', ''],
  ])('rejects %s', (_name, region) => {
    expect(z.safeParse(awsRegionSchema, region).success).toBe(false);
  });
});
