import './verbose-logs.js';
import type { Context } from 'aws-lambda';
import { ConfigurationError, ResourceConflictError, RetryableError, ValidationError } from '../../../shared/errors.js';
import {
  type AutomationHandlerOptions,
  type AutomationMiddleware,
  automationHandler,
} from '../../../shared/middleware.js';
import { logger, metrics } from '../../../shared/powertools.js';
import * as z from '../../../shared/zod.js';

/** The function's variables as the AutomationFunction construct and the Lambda runtime set them. */
const env = { ENVIRONMENT: 'dev', AWS_REGION: 'us-east-1' };

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

/** Builds the chain with `env`, the way every test here does: no process.env, no dynamic import. */
function build<Output>(
  options: AutomationHandlerOptions<typeof schema, Record<string, never>, Record<string, never>, Output>,
) {
  return automationHandler(options).createHandler({ env });
}

/** Every raw chunk written to stdout and stderr (and console.warn) while `act` runs. */
async function captureOutput(act: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void chunks.push(args.join(' '))),
  ];
  try {
    await act();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return chunks.join('');
}

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
    const handler = build({ workflow: 'on-demand-snapshot', schema, handler: inner });
    // Act
    const result = await handler(
      { execution: 'run-1', snapshotName: 'pre-migration', retentionDays: 7, extra: 1 },
      context,
    );
    // Assess
    expect(result).toEqual({ created: 'pre-migration' });
    expect(inner).toHaveBeenCalledWith(
      { execution: 'run-1', snapshotName: 'pre-migration', retentionDays: 7 },
      expect.objectContaining({ context, settings: expect.objectContaining({ ENVIRONMENT: 'dev' }) }),
    );
  });

  it('rejects a malformed event with ValidationError naming every field, without calling the handler', async () => {
    const inner = jest.fn(async () => 'never');
    const handler = build({ schema, handler: inner });

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
    const handler = build({ schema, handler: async () => 'x' });
    await expect(handler('text', context)).rejects.toThrow(/\(input\): /);
  });

  it('adds Lambda context and correlation ids to every log line, and resets them afterwards', async () => {
    const handler = build({
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
    const handler = build({ schema, handler: async () => 'x' });
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
    const handler = build({
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
    const handler = build({
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
    const handler = build({
      schema,
      handler: async () => {
        metrics.addMetric('SnapshotsCreated', 'Count', 1);
        emf = metrics.serializeMetrics();
        return 'ok';
      },
    });
    const failing = build({ schema, handler: async () => Promise.reject(new Error('x')) });

    await handler({ execution: 'r', workflow: 'backup-verification', snapshotName: 'a', retentionDays: 1 }, context);
    await failing({ execution: 'r', snapshotName: 'a', retentionDays: 1 }, context).catch(() => undefined);

    expect(flush).toHaveBeenCalledTimes(2);
    const directive = emf?._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('Interactions/Automation');
    expect(directive?.Dimensions[0]).toEqual(expect.arrayContaining(['environment', 'workflow']));
    expect(emf).toMatchObject({ environment: 'dev', workflow: 'backup-verification', execution: 'r' });
    flush.mockRestore();
  });

  it('hands the handler its validated settings, the injected clients and clock', async () => {
    // Prepare
    const now = new Date('2025-03-01T12:00:00Z');
    const client = { name: 'fake-rds' };
    const { createHandler } = automationHandler({
      schema,
      settings: { REPORTS_BUCKET: z.string().check(z.minLength(3)) },
      clients: () => ({ rds: { name: 'real-rds' } }),
      handler: async (_input, { settings, clients, clock }) => ({
        bucket: settings.REPORTS_BUCKET,
        environment: settings.ENVIRONMENT,
        client: clients.rds.name,
        at: clock().toISOString(),
      }),
    });
    const handler = createHandler({
      env: { ...env, ENVIRONMENT: 'prod', REPORTS_BUCKET: 'interactions-prod-automation-reports' },
      clients: { rds: client },
      clock: () => now,
    });
    // Act
    const result = await handler({ execution: 'r', snapshotName: 'a', retentionDays: 1 }, context);
    // Assess
    expect(result).toEqual({
      bucket: 'interactions-prod-automation-reports',
      environment: 'prod',
      client: 'fake-rds',
      at: '2025-03-01T12:00:00.000Z',
    });
  });

  it('builds the clients from the settings when none are injected', async () => {
    const factory = jest.fn((settings: { AWS_REGION: string }) => ({ region: settings.AWS_REGION }));
    const handler = automationHandler({
      schema,
      clients: factory,
      handler: async (_input, { clients }) => clients.region,
    }).createHandler({ env: { ...env, AWS_REGION: 'eu-west-1' } });

    await expect(handler({ execution: 'r', snapshotName: 'a', retentionDays: 1 }, context)).resolves.toBe('eu-west-1');
    await handler({ execution: 'r', snapshotName: 'a', retentionDays: 1 }, context);
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('fails to build with ConfigurationError naming every missing or invalid variable', () => {
    const kit = automationHandler({
      schema,
      settings: { REPORTS_BUCKET: z.string() },
      handler: async () => 'x',
    });
    const act = () => kit.createHandler({ env: { ENVIRONMENT: 'qa', AWS_REGION: 'us-east-1' } });
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(/ENVIRONMENT: .*REPORTS_BUCKET: required/);
  });

  it('fails every cold invocation with ConfigurationError until the variable is set: a failed build is not cached', async () => {
    // Prepare: the Lambda entry reads process.env, which has AWS_REGION (test setup) but no ENVIRONMENT.
    const inner = jest.fn(async () => 'ran');
    const factory = jest.fn(() => ({}));
    const kit = automationHandler({ schema, clients: factory, handler: inner });
    const event = { execution: 'r', snapshotName: 'a', retentionDays: 1 };
    expect(process.env.ENVIRONMENT).toBeUndefined();
    try {
      // Act + Assess: each invocation validates again and fails the same clear way, without acting.
      for (const _attempt of [1, 2]) {
        const failure = kit.handler(event, context);
        await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
        await expect(failure).rejects.toThrow(/ENVIRONMENT: required/);
      }
      expect(factory).not.toHaveBeenCalled();
      expect(inner).not.toHaveBeenCalled();
      // Once the variable is there (a fixed deployment), the same container runs.
      process.env.ENVIRONMENT = 'dev';
      await expect(kit.handler(event, context)).resolves.toBe('ran');
      expect(factory).toHaveBeenCalledTimes(1);
    } finally {
      delete process.env.ENVIRONMENT;
    }
  });

  it('runs the extra middlewares after correlation and before the input is parsed', async () => {
    // Prepare
    const seen: unknown[] = [];
    const recorder: AutomationMiddleware = {
      before: (request) => {
        seen.push(request.event);
      },
    };
    const inner = jest.fn(async () => 'ok');
    const handler = automationHandler({ schema, middleware: [recorder], handler: inner }).createHandler({ env });
    // Act
    await handler({ execution: 'r' }, context).catch(() => undefined);
    // Assess: the middleware saw the raw event; the handler never ran on it.
    expect(seen).toEqual([{ execution: 'r' }]);
    expect(inner).not.toHaveBeenCalled();
  });
});

describe('metric dimensions', () => {
  /** The EMF document of every flush that had metrics, captured right before Powertools clears them. */
  function recordFlushes(): { flushes: Record<string, unknown>[]; restore: () => void } {
    const flushes: Record<string, unknown>[] = [];
    const publish = metrics.publishStoredMetrics.bind(metrics);
    const spy = jest.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      if (metrics.hasStoredMetrics()) flushes.push(metrics.serializeMetrics() as unknown as Record<string, unknown>);
      return publish();
    });
    return { flushes, restore: () => spy.mockRestore() };
  }

  it('sets the workflow per invocation: no "already added" warning, and a malformed event carries no previous workflow', async () => {
    // Prepare
    const { flushes, restore } = recordFlushes();
    const handler = build({ schema, handler: async () => 'ok' });
    const valid = { execution: 'r', snapshotName: 'a', retentionDays: 1 };
    // Act
    const output = await captureOutput(async () => {
      await handler({ ...valid, workflow: 'backup-verification' }, context);
      await handler({ ...valid, workflow: 'recovery-test' }, context);
      await handler({ ...valid, workflow: 'recovery-test' }, context);
      await handler({ execution: 'bad', workflow: 'not-a-workflow' }, context).catch(() => undefined);
    });
    restore();
    // Assess
    expect(output).not.toContain('has already been added');
    expect(flushes.map((emf) => emf.workflow)).toEqual([
      'backup-verification',
      'recovery-test',
      'recovery-test',
      undefined,
    ]);
    const dimensionsOf = (emf: Record<string, unknown> | undefined) =>
      (emf?._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] } | undefined)?.CloudWatchMetrics[0]?.Dimensions;
    expect(dimensionsOf(flushes[1])).toEqual([expect.arrayContaining(['environment', 'workflow'])]);
    expect(dimensionsOf(flushes[3])?.flat()).not.toContain('workflow');
    expect(flushes[3]).toMatchObject({ environment: 'dev', TaskErrors: 1 });
  });

  it("uses the WORKFLOW variable when the event names none, and the handler's own workflow over both", async () => {
    const { flushes, restore } = recordFlushes();
    const valid = { execution: 'r', snapshotName: 'a', retentionDays: 1 };
    const fromVariable = automationHandler({ schema, handler: async () => 'ok' }).createHandler({
      env: { ...env, WORKFLOW: 'snapshot-housekeeping' },
    });
    const declared = build({ workflow: 'failover-drill', schema, handler: async () => 'ok' });

    await fromVariable(valid, context);
    await declared({ ...valid, workflow: 'recovery-test' }, context);
    restore();

    expect(flushes.map((emf) => emf.workflow)).toEqual(['snapshot-housekeeping', 'failover-drill']);
  });
});
