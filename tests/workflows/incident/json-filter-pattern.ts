/**
 * A test-only evaluator of the CloudWatch Logs JSON filter patterns the monitoring renders
 * (`{ (a) && ((b) || (c)) }` with `$.path = "text"`, `!= "prefix*"` and `NOT EXISTS`), so a test can
 * apply a metric filter to the log event Step Functions writes for a local run. Anything outside
 * that subset throws, so a pattern the evaluator does not understand fails the test instead of
 * passing it.
 */

type Clause = (event: unknown) => boolean;

/** The JSON event Step Functions logs (level ALL) when an execution fails. */
export function executionFailedLogEvent(error: string | undefined, cause: string | undefined): Record<string, unknown> {
  const details: Record<string, string> = {};
  if (error !== undefined) details.error = error;
  if (cause !== undefined) details.cause = cause;
  return {
    id: '12',
    type: 'ExecutionFailed',
    details,
    previous_event_id: '11',
    event_timestamp: '1767225600000',
    execution_arn: 'arn:aws:states:us-east-1:123456789012:execution:interactions-prod-workflow:run-1',
    redrive_count: '0',
  };
}

/** Whether `pattern` (a rendered JSON filter pattern) matches `event`. */
export function matchesJsonFilterPattern(pattern: string, event: unknown): boolean {
  const body = /^\{\s*(.*?)\s*\}$/s.exec(pattern)?.[1];
  if (body === undefined) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const parser = new Parser(body);
  const clause = parser.expression();
  parser.end();
  return clause(event);
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  expression(): Clause {
    const terms = [this.term()];
    let operator: '&&' | '||' | undefined;
    for (;;) {
      this.skipSpace();
      const next = this.text.startsWith('&&', this.at) ? '&&' : this.text.startsWith('||', this.at) ? '||' : undefined;
      if (next === undefined) break;
      if (operator !== undefined && operator !== next)
        throw new Error(`mixed && and || without parentheses at ${this.at}`);
      operator = next;
      this.at += 2;
      terms.push(this.term());
    }
    if (operator === '||') return (event) => terms.some((t) => t(event));
    return (event) => terms.every((t) => t(event));
  }

  end(): void {
    this.skipSpace();
    if (this.at !== this.text.length) throw new Error(`unexpected "${this.text.slice(this.at)}"`);
  }

  private term(): Clause {
    this.skipSpace();
    if (this.text[this.at] === '(') {
      this.at += 1;
      const inner = this.expression();
      this.skipSpace();
      if (this.text[this.at] !== ')') throw new Error(`expected ) at ${this.at}`);
      this.at += 1;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Clause {
    const path = this.match(/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+/, 'a $.field selector');
    const keys = path.slice(2).split('.');
    this.skipSpace();
    if (this.text.startsWith('NOT EXISTS', this.at)) {
      this.at += 'NOT EXISTS'.length;
      return (event) => fieldOf(event, keys) === undefined;
    }
    const operator = this.match(/^(!=|=)/, '= or !=');
    this.skipSpace();
    const literal = JSON.parse(this.match(/^"(?:[^"\\]|\\.)*"/, 'a quoted string')) as string;
    const test = literal.endsWith('*')
      ? (value: string) => value.startsWith(literal.slice(0, -1))
      : (value: string) => value === literal;
    // A comparison on a missing field matches neither = nor != (NOT EXISTS covers that case).
    return (event) => {
      const value = fieldOf(event, keys);
      if (typeof value !== 'string') return false;
      return operator === '=' ? test(value) : !test(value);
    };
  }

  private match(regex: RegExp, what: string): string {
    const found = regex.exec(this.text.slice(this.at))?.[0];
    if (found === undefined) throw new Error(`expected ${what} at "${this.text.slice(this.at)}"`);
    this.at += found.length;
    return found;
  }

  private skipSpace(): void {
    while (this.text[this.at] === ' ') this.at += 1;
  }
}

function fieldOf(event: unknown, keys: readonly string[]): unknown {
  let value = event;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
