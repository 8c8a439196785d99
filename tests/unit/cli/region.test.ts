/**
 * The region rule (shared/schemas.ts isAwsRegion) as the CLI applies it: `--region`, AWS_REGION and
 * the region of an execution ARN. Defect: the CLI accepted any region-shaped string of any length.
 */
import { parseExecutionRef } from '../../../cli/aws/executions.js';
import { UsageError } from '../../../cli/context.js';
import { checkRegion } from '../../../cli/inputs.js';
import { isAwsRegion } from '../../../shared/schemas.js';

const REAL_REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-central-2',
  'ap-southeast-7',
  'ap-northeast-3',
  'ca-west-1',
  'sa-east-1',
  'me-central-1',
  'af-south-1',
  'il-central-1',
  'mx-central-1',
  'cn-northwest-1',
  'us-gov-west-1',
  'us-iso-east-1',
  'us-isob-east-1',
  'us-isof-south-1',
  'eu-isoe-west-1',
  'eusc-de-east-1',
];

describe('isAwsRegion', () => {
  it.each(REAL_REGIONS)('accepts %s', (region) => {
    expect(isAwsRegion(region)).toBe(true);
  });

  it.each([
    ['a made-up word', 'europe'],
    ['region-shaped but endless', `us-${'east'.repeat(50)}-1`],
    ['too many name parts', 'us-east-east-east-1'],
    ['an unknown prefix', 'xx-east-1'],
    ['a three-digit number', 'us-east-100'],
    ['capitals', 'US-EAST-1'],
    ['surrounding space', ' us-east-1'],
    ['empty', ''],
  ])('refuses %s', (_, value) => {
    expect(isAwsRegion(value)).toBe(false);
  });

  it('accepts at most 20 characters', () => {
    const longest = 'us-isob-northwest-12';
    expect(longest).toHaveLength(20);
    expect(isAwsRegion(longest)).toBe(true);
    expect(isAwsRegion(`${longest}3`)).toBe(false);
  });
});

describe('checkRegion', () => {
  it('returns a real region as typed', () => {
    expect(checkRegion('eu-west-1', '--region')).toBe('eu-west-1');
  });

  it('fails with a usage error naming the source, echoing at most 40 characters of a long value', () => {
    // Prepare
    const endless = `us-${'east'.repeat(50)}-1`;

    // Act
    const attempt = () => checkRegion(endless, '--region');

    // Assess
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(`invalid region '${endless.slice(0, 40)}... (205 characters)' (from --region)`);
  });
});

describe('parseExecutionRef', () => {
  const arn = (region: string) =>
    `arn:aws:states:${region}:123456789012:execution:interactions-prod-on-demand-snapshot:cli-x-20250601T101112`;

  it('takes the region of an execution ARN', () => {
    expect(parseExecutionRef(arn('eu-west-1'))).toEqual({
      arn: arn('eu-west-1'),
      region: 'eu-west-1',
      stateMachine: 'interactions-prod-on-demand-snapshot',
    });
  });

  it('refuses an execution ARN whose region is not one', () => {
    expect(() => parseExecutionRef(arn(`eu-${'west'.repeat(20)}-1`))).toThrow(
      /invalid region .* \(from the execution ARN\)/,
    );
  });
});
