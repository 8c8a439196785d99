/**
 * cdk.json sets every feature flag of the installed aws-cdk-lib to its recommended value, except the
 * deliberate deviations recorded with their reason in docs/cdk-feature-flags.md. An aws-cdk-lib
 * upgrade that brings new flags fails here until they are adopted (or a deviation is recorded).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

const recommended = JSON.parse(read('node_modules/aws-cdk-lib/recommended-feature-flags.json')) as Record<
  string,
  unknown
>;
const context = (JSON.parse(read('cdk.json')) as { context: Record<string, unknown> }).context;

/** Rows of the "Deliberate deviations" table: flag name -> the value the row says we use. */
function recordedDeviations(markdown: string): Map<string, unknown> {
  const section = markdown.split('## Deliberate deviations')[1]?.split('\n## ')[0] ?? '';
  const rows = section.split('\n').filter((line) => line.startsWith('| `@aws-cdk/'));
  return new Map(
    rows.map((row) => {
      const [flag, value] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim().replace(/^`|`$/g, ''));
      return [flag ?? '', JSON.parse(value ?? 'null') as unknown];
    }),
  );
}
const deviations = recordedDeviations(read('docs/cdk-feature-flags.md'));

describe('CDK feature flags in cdk.json', () => {
  it('configures every flag the installed aws-cdk-lib recommends', () => {
    // Act
    const missing = Object.keys(recommended).filter((flag) => !(flag in context));

    // Assess
    expect(missing).toEqual([]);
  });

  it('uses the recommended value unless the deviation is recorded with its reason in the docs', () => {
    // Act
    const unrecorded = Object.entries(recommended)
      .filter(([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value))
      .filter(([flag]) => JSON.stringify(deviations.get(flag)) !== JSON.stringify(context[flag]))
      .map(([flag]) => `${flag}: ${JSON.stringify(context[flag])}`);

    // Assess
    expect(unrecorded).toEqual([]);
  });

  it('records only deviations that cdk.json really makes', () => {
    // Prepare
    expect(deviations.size).toBeGreaterThan(0);

    // Act
    const stale = [...deviations].filter(
      ([flag, value]) =>
        JSON.stringify(context[flag]) !== JSON.stringify(value) ||
        JSON.stringify(recommended[flag]) === JSON.stringify(value),
    );

    // Assess
    expect(stale).toEqual([]);
  });
});
