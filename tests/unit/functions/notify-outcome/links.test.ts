import type { Outcome } from '../../../../functions/notify-outcome/format-report.js';
import { reportLinks } from '../../../../functions/notify-outcome/links.js';

const outcome: Outcome = {
  workflow: 'recovery-test',
  environment: 'staging',
  execution: 'monthly-2025-02',
  status: 'FAILED',
  severity: 'high',
  summary: 'Restore failed',
  publish: true,
};
const where = { bucket: 'interactions-staging-automation-reports', key: 'reports/a b&c#d+e.md', region: 'eu-west-1' };

describe('reportLinks', () => {
  it("builds the execution link from the function's own region and account, and encodes the report key", () => {
    // Act
    const links = reportLinks(outcome, {
      ...where,
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:interactions-staging-notify-outcome',
    });
    // Assess
    expect(links).toEqual({
      execution:
        'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:123456789012:execution:interactions-staging-recovery-test:monthly-2025-02',
      report:
        'https://eu-west-1.console.aws.amazon.com/s3/object/interactions-staging-automation-reports?region=eu-west-1&bucketType=general&prefix=reports%2Fa%20b%26c%23d%2Be.md',
    });
  });

  it.each([
    ['no function ARN (a local run)', undefined],
    ['a function ARN without an account', 'arn:aws:lambda:eu-west-1::function:interactions-staging-notify-outcome'],
  ])('gives no execution link for %s, only the report link', (_case, functionArn) => {
    const links = reportLinks(outcome, { ...where, functionArn });
    expect(links.execution).toBeNull();
    expect(links.report).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/s3\/object\//);
  });
});
