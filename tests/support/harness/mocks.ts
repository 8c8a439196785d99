/**
 * Mocked task responses in the shape of Step Functions Local's mock configuration file
 * (`StateMachines.<name>.TestCases.<case>` maps a state name to a response name;
 * `MockedResponses.<response>` maps invocation indexes "0" or "1-2" to `Return` or `Throw`),
 * plus a lighter inline form: state name -> list of responses, one per invocation.
 */

/** One mocked invocation result: a return value, or an error the state's Retry/Catch sees. */
export type MockedResponse =
  | { readonly Return: unknown }
  | { readonly Throw: { readonly Error: string; readonly Cause?: string } };

/** Step Functions Local's MockConfigFile. */
export interface MockConfigFile {
  readonly StateMachines: Record<string, { readonly TestCases: Record<string, Record<string, string>> }>;
  readonly MockedResponses: Record<string, Record<string, MockedResponse>>;
}

/** Selects one test case of a MockConfigFile. */
export interface MockConfigSelection {
  readonly config: MockConfigFile;
  /** @default the extracted state machine's name */
  readonly stateMachine?: string;
  readonly testCase: string;
}

/**
 * Inline mocks: state name -> responses by invocation (retries count as invocations), or one
 * response used for every invocation.
 */
export type InlineMocks = Record<string, MockedResponse | readonly MockedResponse[]>;

/** Either form the harness accepts. */
export type MockTestCase = InlineMocks | MockConfigSelection;

/** Resolved mocks: the response for a state's n-th invocation (0-based). */
export interface MockTable {
  has(state: string): boolean;
  /** Throws when the state has a mock that does not cover invocation `index`. */
  response(state: string, index: number): MockedResponse;
}

function isSelection(mocks: MockTestCase): mocks is MockConfigSelection {
  return 'config' in mocks && 'testCase' in mocks && typeof (mocks as MockConfigSelection).testCase === 'string';
}

function assertResponse(value: unknown, where: string): MockedResponse {
  const ok =
    value !== null &&
    typeof value === 'object' &&
    (('Return' in value && !('Throw' in value)) ||
      ('Throw' in value &&
        !('Return' in value) &&
        typeof (value as { Throw: { Error?: unknown } }).Throw?.Error === 'string'));
  if (!ok)
    throw new Error(
      `${where}: a mocked response is { Return: ... } or { Throw: { Error, Cause? } }, got ${JSON.stringify(value)}`,
    );
  return value as MockedResponse;
}

/** Expands index keys ("0", "1-2") to a per-invocation list; gaps are an error. */
function expandIndexed(name: string, byIndex: Record<string, MockedResponse>): MockedResponse[] {
  const list: MockedResponse[] = [];
  for (const [key, response] of Object.entries(byIndex)) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(key);
    if (!match) throw new Error(`Mocked response "${name}": invalid invocation key "${key}" (use "0" or "1-2")`);
    const from = Number(match[1]);
    const to = Number(match[2] ?? match[1]);
    if (to < from) throw new Error(`Mocked response "${name}": empty range "${key}"`);
    for (let i = from; i <= to; i++) list[i] = assertResponse(response, `Mocked response "${name}" [${i}]`);
  }
  for (let i = 0; i < list.length; i++) {
    if (list[i] === undefined) throw new Error(`Mocked response "${name}" has no entry for invocation ${i}`);
  }
  return list;
}

/** Normalizes either mock form into a lookup table. */
export function buildMockTable(mocks: MockTestCase | undefined, stateMachineName: string): MockTable {
  const byState = new Map<string, { label: string; responses: MockedResponse[] | MockedResponse }>();
  if (mocks && isSelection(mocks)) {
    const smName = mocks.stateMachine ?? stateMachineName;
    const machine = mocks.config.StateMachines[smName];
    if (!machine) {
      throw new Error(
        `Mock config has no state machine "${smName}" (has: ${Object.keys(mocks.config.StateMachines).join(', ')})`,
      );
    }
    const testCase = machine.TestCases[mocks.testCase];
    if (!testCase) {
      throw new Error(
        `Mock config for "${smName}" has no test case "${mocks.testCase}" (has: ${Object.keys(machine.TestCases).join(', ')})`,
      );
    }
    for (const [state, responseName] of Object.entries(testCase)) {
      const byIndex = mocks.config.MockedResponses[responseName];
      if (!byIndex)
        throw new Error(`Test case "${mocks.testCase}" maps "${state}" to unknown mocked response "${responseName}"`);
      byState.set(state, {
        label: `mocked response "${responseName}"`,
        responses: expandIndexed(responseName, byIndex),
      });
    }
  } else if (mocks) {
    for (const [state, value] of Object.entries(mocks)) {
      const responses = Array.isArray(value)
        ? value.map((r, i) => assertResponse(r, `Inline mock "${state}" [${i}]`))
        : assertResponse(value, `Inline mock "${state}"`);
      byState.set(state, { label: 'inline mock', responses });
    }
  }
  return {
    has: (state) => byState.has(state),
    response(state, index) {
      const entry = byState.get(state);
      if (!entry) throw new Error(`No mock for state "${state}"`);
      if (!Array.isArray(entry.responses)) return entry.responses as MockedResponse;
      const response = entry.responses[index];
      if (!response) {
        throw new Error(
          `State "${state}" was invoked ${index + 1} time(s) but its ${entry.label} covers only ${entry.responses.length} invocation(s)`,
        );
      }
      return response;
    },
  };
}
