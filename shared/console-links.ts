/**
 * AWS console links to what the automation produces: a Step Functions execution and a report
 * object in S3. Pure string building, shared by notify-outcome (its message and Markdown report)
 * and the operator CLI: the one copy.
 */

/** The parts of an ARN the links need. */
export interface ArnParts {
  /** `aws`, `aws-us-gov`, `aws-cn`. */
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the account, e.g. `execution:<state machine>:<execution>`. */
  readonly resource: string;
}

/** Splits an ARN; undefined when `arn` is not one (fewer than six parts or no `arn:` prefix). */
export function parseArn(arn: string): ArnParts | undefined {
  const match = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(arn);
  if (match === null) return undefined;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

/** Where a Step Functions execution is: its region, account, state machine and name. */
export interface ExecutionLocation {
  /** @default 'aws' */
  readonly partition?: string;
  readonly region: string;
  readonly account: string;
  readonly stateMachine: string;
  readonly execution: string;
}

/** The ARN of a Standard workflow execution: `arn:aws:states:<region>:<account>:execution:<state machine>:<name>`. */
export function executionArn(location: ExecutionLocation): string {
  const { partition = 'aws', region, account, stateMachine, execution } = location;
  return `arn:${partition}:states:${region}:${account}:execution:${stateMachine}:${execution}`;
}

/** The location an execution ARN names; undefined when `arn` is not a Step Functions execution ARN. */
export function parseExecutionArn(arn: string): Required<ExecutionLocation> | undefined {
  const parts = parseArn(arn);
  if (parts === undefined || parts.service !== 'states' || parts.region === '' || parts.account === '')
    return undefined;
  const match = /^execution:([A-Za-z0-9_-]{1,80}):([A-Za-z0-9_-]{1,80})$/.exec(parts.resource);
  if (match === null) return undefined;
  const [, stateMachine = '', execution = ''] = match;
  return { partition: parts.partition, region: parts.region, account: parts.account, stateMachine, execution };
}

/** Console host of a partition in a region (GovCloud and China have their own consoles). */
function consoleHost(partition: string, region: string): string {
  if (partition === 'aws-us-gov') return 'console.amazonaws-us-gov.com';
  if (partition === 'aws-cn') return 'console.amazonaws.cn';
  return `${region}.console.aws.amazon.com`;
}

/** Console page of an execution (graph, events, input and output); its region comes from the ARN. */
export function executionConsoleUrl(arn: string): string {
  const location = parseExecutionArn(arn);
  if (location === undefined) throw new TypeError(`executionConsoleUrl: not a Step Functions execution ARN: ${arn}`);
  const { partition, region } = location;
  return `https://${consoleHost(partition, region)}/states/home?region=${region}#/v2/executions/details/${arn}`;
}

/** Where an S3 object is. */
export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
  /** The bucket's region. */
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** Console page of an S3 object (properties, versions, download). */
export function s3ObjectConsoleUrl(location: ObjectLocation): string {
  const { bucket, key, region, partition = 'aws' } = location;
  const query = `region=${region}&bucketType=general&prefix=${encodeURIComponent(key)}`;
  return `https://${consoleHost(partition, region)}/s3/object/${encodeURIComponent(bucket)}?${query}`;
}

/** Bucket and key of an `s3://bucket/key` URI (what the workflows output); undefined for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match?.[1] && match[2] ? { bucket: match[1], key: match[2] } : undefined;
}
