import {
  executionArn,
  executionConsoleUrl,
  parseArn,
  parseExecutionArn,
  parseS3Uri,
  s3ObjectConsoleUrl,
} from '../../../shared/console-links.js';

const arn = 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-recovery-test:monthly-2025-02';

describe('executionArn and parseExecutionArn', () => {
  it('build and read the same execution', () => {
    const location = {
      partition: 'aws',
      region: 'us-east-1',
      account: '123456789012',
      stateMachine: 'interactions-prod-recovery-test',
      execution: 'monthly-2025-02',
    };
    expect(executionArn(location)).toBe(arn);
    expect(parseExecutionArn(arn)).toEqual(location);
  });

  it('rejects ARNs that are not executions', () => {
    expect(parseExecutionArn('arn:aws:states:us-east-1:123456789012:stateMachine:interactions-prod-x')).toBeUndefined();
    expect(parseExecutionArn('arn:aws:lambda:us-east-1:123456789012:function:f')).toBeUndefined();
    expect(parseExecutionArn('monthly-2025-02')).toBeUndefined();
  });
});

describe('parseArn', () => {
  it("reads a function's region and account", () => {
    expect(parseArn('arn:aws:lambda:eu-west-1:123456789012:function:interactions-dev-notify-outcome')).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'eu-west-1',
      account: '123456789012',
      resource: 'function:interactions-dev-notify-outcome',
    });
  });
});

describe('executionConsoleUrl', () => {
  it("opens the execution's details page in its own region", () => {
    expect(executionConsoleUrl(arn)).toBe(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${arn}`,
    );
  });

  it('uses the GovCloud console for a GovCloud execution', () => {
    const gov = arn.replace('arn:aws:', 'arn:aws-us-gov:').replace('us-east-1', 'us-gov-west-1');
    expect(executionConsoleUrl(gov)).toMatch(
      /^https:\/\/console\.amazonaws-us-gov\.com\/states\/home\?region=us-gov-west-1#/,
    );
  });

  it('fails on anything but an execution ARN', () => {
    expect(() => executionConsoleUrl('not-an-arn')).toThrow(/not a Step Functions execution ARN/);
  });
});

describe('s3ObjectConsoleUrl', () => {
  it('opens the object, its key encoded', () => {
    expect(
      s3ObjectConsoleUrl({
        bucket: 'interactions-prod-automation-reports',
        key: 'reports/recovery-test/2025/02/monthly 2025.md',
        region: 'us-east-1',
      }),
    ).toBe(
      'https://us-east-1.console.aws.amazon.com/s3/object/interactions-prod-automation-reports?region=us-east-1&bucketType=general&prefix=reports%2Frecovery-test%2F2025%2F02%2Fmonthly%202025.md',
    );
  });

  it('encodes what a URL cannot hold in the key', () => {
    expect(
      s3ObjectConsoleUrl({
        bucket: 'interactions-prod-automation-reports',
        key: 'reports/x#1?.md',
        region: 'eu-west-1',
      }),
    ).toBe(
      'https://eu-west-1.console.aws.amazon.com/s3/object/interactions-prod-automation-reports?region=eu-west-1&bucketType=general&prefix=reports%2Fx%231%3F.md',
    );
  });
});

describe('parseS3Uri', () => {
  it('splits an s3:// URI into bucket and key', () => {
    expect(parseS3Uri('s3://interactions-prod-automation-reports/reports/x.md')).toEqual({
      bucket: 'interactions-prod-automation-reports',
      key: 'reports/x.md',
    });
  });

  it('refuses anything else', () => {
    expect(parseS3Uri('https://bucket/x')).toBeUndefined();
    expect(parseS3Uri('s3://bucket/')).toBeUndefined();
    expect(parseS3Uri('s3://bucket')).toBeUndefined();
  });
});
