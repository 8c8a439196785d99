/**
 * AWS console links printed next to executions and reports, so an operator can click from the
 * terminal or CI log to the graph of a run or to its report. Pure functions.
 */

/** The Step Functions console page of one execution (its region is read from the ARN). */
export function executionConsoleLink(executionArn: string): string {
  const region = executionArn.split(':')[3] ?? '';
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** The S3 console page of one object. */
export function s3ObjectConsoleLink(region: string, bucket: string, key: string): string {
  const prefix = key.split('/').map(encodeURIComponent).join('/');
  return `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&prefix=${prefix}`;
}

/** Bucket and key of an `s3://bucket/key` URI; undefined for anything else. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match?.[1] && match[2] ? { bucket: match[1], key: match[2] } : undefined;
}
