/**
 * aslToMermaid and the state table, on small hand-written definitions: every state type's shape,
 * Choice labels, Catch and Retry rendering, nested Parallel/Map, escaping, determinism.
 */
import {
  type AslDefinitionLike,
  aslToMermaid,
  describeCondition,
  describeResource,
  describeStates,
  escapeMermaid,
} from '../../scripts/asl-to-mermaid.js';

/** The lines of a rendered diagram, trimmed, without the header. */
function body(definition: AslDefinitionLike): string[] {
  return aslToMermaid(definition)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

describe('aslToMermaid', () => {
  it('renders a small definition exactly', () => {
    // GIVEN a Task with a retry and a catch, a Choice, a Wait, a Succeed and a Fail
    const definition: AslDefinitionLike = {
      StartAt: 'Describe snapshot',
      States: {
        'Describe snapshot': {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:rds:describeDBSnapshots',
          Retry: [{ ErrorEquals: ['ThrottlingException'], MaxAttempts: 6 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
          Next: 'Available?',
        },
        'Available?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.snapshot.status', StringEquals: 'available', Next: 'Done' }],
          Default: 'Wait',
        },
        Wait: { Type: 'Wait', Seconds: 30, Next: 'Describe snapshot' },
        Done: { Type: 'Succeed' },
        Failed: { Type: 'Fail', Error: 'SnapshotError' },
      },
    };

    // WHEN / THEN
    expect(aslToMermaid(definition)).toBe(
      [
        'flowchart TD',
        '  wf_start(("start"))',
        '  s_Describe_snapshot["Describe snapshot<br/>retry: ThrottlingException ×6"]',
        '  s_Available{"Available?"}',
        '  s_Wait("Wait<br/>wait 30 s")',
        '  s_Done(["Done"])',
        '  s_Failed((("Failed")))',
        '  wf_start --> s_Describe_snapshot',
        '  s_Describe_snapshot --> s_Available',
        '  s_Describe_snapshot -.->|"States.ALL"| s_Failed',
        '  s_Available -->|"$.snapshot.status == #quot;available#quot;"| s_Done',
        '  s_Available -->|"otherwise"| s_Wait',
        '  s_Wait --> s_Describe_snapshot',
        '',
      ].join('\n'),
    );
  });

  it('draws each state type with its shape', () => {
    const lines = body({
      StartAt: 'T',
      States: {
        T: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'P' }], Default: 'W' },
        P: { Type: 'Pass', Next: 'S' },
        W: { Type: 'Wait', SecondsPath: '$.delay', Next: 'F' },
        S: { Type: 'Succeed' },
        F: { Type: 'Fail' },
      },
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        's_T["T"]',
        's_C{"C"}',
        's_P("P")',
        's_W("W<br/>wait $.delay s")',
        's_S(["S"])',
        's_F((("F")))',
      ]),
    );
  });

  it('links End: true states to one end node, and draws no end node when nothing ends', () => {
    const ending = body({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } },
    });
    expect(ending).toContain('wf_end(("end"))');
    expect(ending).toContain('s_B --> wf_end');
    expect(ending).not.toContain('s_A --> wf_end');

    const terminal = body({ StartAt: 'A', States: { A: { Type: 'Succeed' } } });
    expect(terminal.some((l) => l.includes('wf_end'))).toBe(false);
  });

  it('labels Catch edges with every error name, dashed, in the order of the Catch list', () => {
    const lines = body({
      StartAt: 'Create',
      States: {
        Create: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:rds:createDBSnapshot',
          Catch: [
            {
              ErrorEquals: ['Rds.DbSnapshotAlreadyExistsException', 'Rds.InvalidDbInstanceStateException'],
              Next: 'Dup',
            },
            { ErrorEquals: ['States.ALL'], Next: 'Cleanup' },
          ],
          End: true,
        },
        Dup: { Type: 'Fail' },
        Cleanup: { Type: 'Fail' },
      },
    });
    const catches = lines.filter((l) => l.includes('-.->'));
    expect(catches).toEqual([
      's_Create -.->|"Rds.DbSnapshotAlreadyExistsException, Rds.InvalidDbInstanceStateException"| s_Dup',
      's_Create -.->|"States.ALL"| s_Cleanup',
    ]);
  });

  it('notes each retrier in the label, counting error names past two and defaulting MaxAttempts to 3', () => {
    const lines = body({
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-verify',
          Retry: [
            { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'] },
            { ErrorEquals: ['States.Timeout'], MaxAttempts: 0 },
          ],
          End: true,
        },
      },
    });
    expect(lines).toContain(
      's_Invoke["Invoke<br/>retry: Lambda.ServiceException, Lambda.AWSLambdaException (+1 more) ×3<br/>retry: States.Timeout ×0"]',
    );
  });

  it('draws Parallel branches as subgraphs inside the Parallel subgraph, each with its own start and end', () => {
    const lines = body({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
            { StartAt: 'Right', States: { Right: { Type: 'Succeed' } } },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Oops' }],
          Next: 'After',
        },
        After: { Type: 'Pass', End: true },
        Oops: { Type: 'Fail' },
      },
    });
    const start = lines.indexOf('subgraph s_Both["Both"]');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines.slice(start, start + 12)).toEqual([
      'subgraph s_Both["Both"]',
      'direction TB',
      'subgraph s_Both_branch_1["branch 1"]',
      'direction TB',
      's_Both_branch_1_start(("start"))',
      's_Left("Left")',
      's_Both_branch_1_end(("end"))',
      'end',
      'subgraph s_Both_branch_2["branch 2"]',
      'direction TB',
      's_Both_branch_2_start(("start"))',
      's_Right(["Right"])',
    ]);
    expect(lines).toEqual(
      expect.arrayContaining([
        's_Both_branch_1_start --> s_Left',
        's_Left --> s_Both_branch_1_end',
        's_Both_branch_2_start --> s_Right',
        's_Both --> s_After',
        's_Both -.->|"States.ALL"| s_Oops',
      ]),
    );
    // Branch 2 ends in Succeed only: no end node of its own.
    expect(lines.some((l) => l.startsWith('s_Both_branch_2_end'))).toBe(false);
  });

  it('draws a Map as a subgraph of its ItemProcessor (or legacy Iterator), nested Maps included', () => {
    const lines = body({
      StartAt: 'Each table',
      States: {
        'Each table': {
          Type: 'Map',
          ItemsPath: '$.tables',
          ItemProcessor: {
            StartAt: 'Each column',
            States: {
              'Each column': {
                Type: 'Map',
                Iterator: { StartAt: 'Check', States: { Check: { Type: 'Pass', End: true } } },
                End: true,
              },
            },
          },
          Retry: [{ ErrorEquals: ['States.ItemReaderFailed'], MaxAttempts: 2 }],
          End: true,
        },
      },
    });
    const open = lines.filter((l) => l.startsWith('subgraph'));
    expect(open).toEqual([
      'subgraph s_Each_table["Each table<br/>for each item of $.tables<br/>retry: States.ItemReaderFailed ×2"]',
      'subgraph s_Each_column["Each column<br/>for each item of $"]',
    ]);
    expect(lines.filter((l) => l === 'end')).toHaveLength(2);
    expect(lines).toEqual(
      expect.arrayContaining([
        's_Each_table_start --> s_Each_column',
        's_Each_column_start --> s_Check',
        's_Check --> s_Each_column_end',
        's_Each_column --> s_Each_table_end',
        's_Each_table --> wf_end',
      ]),
    );
  });

  it('escapes quotes and special characters in labels and keeps node ids sanitized and unique', () => {
    const lines = body({
      StartAt: 'Say "hi" <now> | #1 & `go`',
      States: {
        'Say "hi" <now> | #1 & `go`': { Type: 'Pass', Next: 'Say hi now 1 go' },
        'Say hi now 1 go': { Type: 'Pass', Next: 'end' },
        end: { Type: 'Pass', End: true },
      },
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        's_Say_hi_now_1_go("Say #quot;hi#quot; #lt;now#gt; #124; #35;1 #amp; #96;go#96;")',
        's_Say_hi_now_1_go_2("Say hi now 1 go")',
        's_end("end")',
        's_Say_hi_now_1_go --> s_Say_hi_now_1_go_2',
        's_Say_hi_now_1_go_2 --> s_end',
      ]),
    );
    // No raw quote inside a label, and every id is [A-Za-z0-9_].
    for (const line of lines.filter((l) => l.startsWith('s_') && !l.includes('-->'))) {
      expect(line).toMatch(/^[A-Za-z0-9_]+[[({]/);
      expect(line.slice(line.indexOf('"') + 1, line.lastIndexOf('"'))).not.toContain('"');
    }
  });

  it('escapes # before inserting entities, so an existing entity-like text survives', () => {
    expect(escapeMermaid('#quot; "x"')).toBe('#35;quot; #quot;x#quot;');
  });

  it('is deterministic and follows the definition order', () => {
    const definition: AslDefinitionLike = {
      StartAt: 'B',
      States: { B: { Type: 'Pass', Next: 'A' }, A: { Type: 'Pass', End: true } },
    };
    const first = aslToMermaid(definition);
    expect(aslToMermaid(JSON.parse(JSON.stringify(definition)))).toBe(first);
    expect(first.indexOf('s_B("B")')).toBeLessThan(first.indexOf('s_A("A")'));
  });

  it('fails when a transition names a state the definition does not define', () => {
    expect(() => aslToMermaid({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } })).toThrow(
      'The definition refers to a state "Missing" it does not define',
    );
  });
});

describe('describeCondition', () => {
  it.each([
    [{ Variable: '$.snapshot.status', StringEquals: 'available' }, '$.snapshot.status == "available"'],
    [{ Variable: '$.poll.count', NumericGreaterThanEqualsPath: '$.poll.max' }, '$.poll.count >= $.poll.max'],
    [{ Variable: '$.n', NumericLessThan: 3 }, '$.n < 3'],
    [{ Variable: '$.ok', BooleanEquals: true }, '$.ok == true'],
    [{ Variable: '$.at', TimestampGreaterThan: '2024-01-01T00:00:00Z' }, '$.at > "2024-01-01T00:00:00Z"'],
    [{ Variable: '$.status', StringMatches: 'incompatible*' }, '$.status matches "incompatible*"'],
    [{ Variable: '$.created', IsPresent: true }, '$.created is present'],
    [{ Variable: '$.created', IsPresent: false }, '$.created is absent'],
    [{ Variable: '$.v', IsNull: false }, '$.v is not null'],
    [{ Not: { Variable: '$.a', StringEquals: 'x' } }, 'not $.a == "x"'],
    [
      {
        And: [
          { Variable: '$.a', IsPresent: true },
          {
            Or: [
              { Variable: '$.a', NumericEquals: 1 },
              { Variable: '$.a', NumericEquals: 2 },
            ],
          },
        ],
      },
      '$.a is present and ($.a == 1 or $.a == 2)',
    ],
  ])('renders %j as %s', (rule, expected) => {
    expect(describeCondition(rule)).toBe(expected);
  });
});

describe('describeResource', () => {
  const task = (Resource: string, Parameters?: Record<string, unknown>) => ({ Type: 'Task', Resource, Parameters });

  it.each([
    [task('arn:aws:states:::aws-sdk:rds:createDBSnapshot'), 'rds:createDBSnapshot'],
    [task('arn:aws:states:::ecs:runTask.sync'), 'ecs:runTask.sync'],
    [
      task('arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-verify-db-snapshot'),
      'lambda: verify-db-snapshot',
    ],
    [
      task('arn:aws:states:::lambda:invoke', {
        FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-notify-outcome:$LATEST',
      }),
      'lambda: notify-outcome',
    ],
    [task('arn:aws:states:us-east-1:123456789012:activity:approve'), 'activity: approve'],
    [{ Type: 'Pass' }, ''],
  ])('describes %j as %j', (state, expected) => {
    expect(describeResource(state, { functionPrefix: 'interactions-prod-' })).toBe(expected);
  });

  it('shows function names whole without a prefix option', () => {
    expect(describeResource(task('arn:aws:lambda:us-east-1:123456789012:function:interactions-prod-x'))).toBe(
      'lambda: interactions-prod-x',
    );
  });
});

describe('describeStates', () => {
  it('lists every state, nested ones after their parent, with full retries and catches', () => {
    const rows = describeStates({
      StartAt: 'Fan out',
      States: {
        'Fan out': {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Call',
              States: {
                Call: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::aws-sdk:elasticache:describeSnapshots',
                  Retry: [
                    {
                      ErrorEquals: ['ElastiCache.ElastiCacheException', 'ElastiCache.SdkClientException'],
                      IntervalSeconds: 2,
                      MaxAttempts: 5,
                      BackoffRate: 2,
                      MaxDelaySeconds: 60,
                      JitterStrategy: 'FULL',
                    },
                  ],
                  End: true,
                },
              },
            },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
          Next: 'Failed',
        },
        Failed: { Type: 'Fail' },
      },
    });
    expect(rows).toEqual([
      { name: 'Fan out', type: 'Parallel', resource: '', retries: [], catches: ['States.ALL → Failed'] },
      {
        name: 'Call',
        type: 'Task',
        resource: 'elasticache:describeSnapshots',
        retries: [
          'ElastiCache.ElastiCacheException, ElastiCache.SdkClientException ×5 (2 s first, backoff ×2, max 1 min, full jitter)',
        ],
        catches: [],
        parent: 'Fan out',
      },
      { name: 'Failed', type: 'Fail', resource: '', retries: [], catches: [] },
    ]);
  });
});
