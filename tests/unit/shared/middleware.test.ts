import '../../support/lambda-env.js';
import './verbose-logs.js';
import type { Context } from 'aws-lambda';
import { ResourceConflictError, RetryableError, ValidationError } from '../../../shared/errors.js';
import { automationHandler } from '../../../shared/middleware.js';
import { logger, metrics } from '../../../shared/powertools.js';
import * as z from '../../../shared/zod.js';

const context: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'interactions-dev-create-db-snapshot',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:interactions-dev-create-db-snapshot',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/interactions-dev-tasks',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

const schema = z.object({
  execution: z.string(),
  snapshotName: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and hyphens')),
  retentionDays: z.number().check(z.int(), z.positive()),
});

/** Every JSON log line written while `act` runs (stdout and stderr). */
async function captureLogs(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act().catch(() => undefined);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// Logging is verbose in this file so captureLogs can read it; outside a capture it stays off the console.
let quiet: jest.SpyInstance[] = [];
beforeEach(() => {
  quiet = [process.stdout, process.stderr].map((stream) => jest.spyOn(stream, 'write').mockImplementation(() => true));
});
afterEach(() => {
  for (const spy of quiet) spy.mockRestore();
});

describe('automationHandler', () => {
  it('passes the parsed input to the handler and returns its output', async () => {
    // Prepare
    const inner = jest.fn(async (input: z.infer<typeof schema>) => ({ created: input.snapshotName }));
    const handler = automationHandler({ workflow: 'on-demand-snapshot', schema, handler: inner });
    // Act
    const result = await handler(
      { execution: 'run-1', snapshotName: 'pre-migration', retentionDays: 7, extra: 1 },
      context,
    );
    // Assess
    expect(result).toEqual({ created: 'pre-migration' });
    expect(inner).toHaveBeenCalledWith(
      { execution: 'run-1', snapshotName: 'pre-migration', retentionDays: 7 },
      context,
    );
  });

  it('rejects a malformed event with ValidationError naming every field, without calling the handler', async () => {
    const inner = jest.fn(async () => 'never');
    const handler = automationHandler({ schema, handler: inner });

    const failure = handler({ execution: 'run-1', snapshotName: 'Bad Name' }, context);

    await expect(failure).rejects.toBeInstanceOf(ValidationError);
    await expect(failure).rejects.toMatchObject({
      name: 'ValidationError',
      retryable: false,
      issues: [
        'snapshotName: must be lowercase letters, digits and hyphens',
        expect.stringMatching(/^retentionDays: /),
      ],
    });
    await expect(failure).rejects.toThrow(/snapshotName: must be lowercase/);
    expect(inner).not.toHaveBeenCalled();
  });

  it('rejects a non-object event at the root', async () => {
    const handler = automationHandler({ schema, handler: async () => 'x' });
    await expect(handler('text', context)).rejects.toThrow(/\(input\): /);
  });

  it('adds Lambda context and correlation ids to every log line, and resets them afterwards', async () => {
    const handler = automationHandler({
      workflow: 'recovery-test',
      schema,
      handler: async () => {
        logger.info('inside');
        return 'ok';
      },
    });

    const logs = await captureLogs(() =>
      handler({ execution: 'monthly-2025-01', snapshotName: 'a', retentionDays: 1 }, context),
    );
    const after = await captureLogs(async () => logger.info('outside'));

    expect(logs.find((l) => l.message === 'inside')).toMatchObject({
      environment: 'dev',
      workflow: 'recovery-test',
      execution: 'monthly-2025-01',
      function_name: 'interactions-dev-create-db-snapshot',
      function_request_id: 'req-1',
      service: 'interactions-automation',
    });
    expect(after[0]).not.toHaveProperty('execution');
  });

  it('logs a rejected event with its issues and execution, once', async () => {
    const handler = automationHandler({ schema, handler: async () => 'x' });
    const logs = await captureLogs(() =>
      handler({ execution: 'run-7', snapshotName: 'ok', retentionDays: 0 }, context),
    );
    const errors = logs.filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'Input rejected',
      execution: 'run-7',
      errorName: 'ValidationError',
      issues: [expect.stringMatching(/^retentionDays: /)],
    });
  });

  it('re-throws the handler error, classifying SDK throttling as RetryableError', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });
    const handler = automationHandler({
      schema,
      handler: async () => {
        throw throttled;
      },
    });
    const failure = handler({ execution: 'run-1', snapshotName: 'a', retentionDays: 1 }, context);
    await expect(failure).rejects.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toMatchObject({ cause: throttled, retryable: true });
  });

  it('re-throws automation errors unchanged', async () => {
    const conflict = new ResourceConflictError('snapshot exists');
    const handler = automationHandler({
      schema,
      handler: async () => {
        throw conflict;
      },
    });
    await expect(handler({ execution: 'r', snapshotName: 'a', retentionDays: 1 }, context)).rejects.toBe(conflict);
  });

  it('flushes metrics with environment and workflow dimensions, on success and on failure', async () => {
    const flush = jest.spyOn(metrics, 'publishStoredMetrics');
    let emf: ReturnType<typeof metrics.serializeMetrics> | undefined;
    const handler = automationHandler({
      schema,
      handler: async () => {
        metrics.addMetric('SnapshotsCreated', 'Count', 1);
        emf = metrics.serializeMetrics();
        return 'ok';
      },
    });
    const failing = automationHandler({ schema, handler: async () => Promise.reject(new Error('x')) });

    await handler({ execution: 'r', workflow: 'backup-verification', snapshotName: 'a', retentionDays: 1 }, context);
    await failing({ execution: 'r', snapshotName: 'a', retentionDays: 1 }, context).catch(() => undefined);

    expect(flush).toHaveBeenCalledTimes(2);
    const directive = emf?._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('Interactions/Automation');
    expect(directive?.Dimensions[0]).toEqual(expect.arrayContaining(['environment', 'workflow']));
    expect(emf).toMatchObject({ environment: 'dev', workflow: 'backup-verification', execution: 'r' });
    flush.mockRestore();
  });
});
