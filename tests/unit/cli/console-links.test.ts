import { executionConsoleLink, parseS3Uri, s3ObjectConsoleLink } from '../../../cli/console-links.js';

describe('console links', () => {
  it('link an execution in its own region', () => {
    const arn =
      'arn:aws:states:eu-west-1:123456789012:execution:interactions-prod-on-demand-snapshot:cli-x-20250601T101112';

    expect(executionConsoleLink(arn)).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${arn}`,
    );
  });

  it('link an S3 object, keeping the key readable and encoding what a URL cannot hold', () => {
    expect(s3ObjectConsoleLink('us-east-1', 'interactions-prod-automation-reports', 'reports/a b/x#1.md')).toBe(
      'https://us-east-1.console.aws.amazon.com/s3/object/interactions-prod-automation-reports?region=us-east-1&prefix=reports/a%20b/x%231.md',
    );
  });

  it('split s3:// URIs and refuse anything else', () => {
    expect(parseS3Uri('s3://bucket/reports/x.md')).toEqual({ bucket: 'bucket', key: 'reports/x.md' });
    expect(parseS3Uri('https://bucket/x')).toBeUndefined();
    expect(parseS3Uri('s3://bucket/')).toBeUndefined();
  });
});
