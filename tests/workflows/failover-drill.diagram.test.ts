/**
 * workflows/failover-drill/README.md carries the diagram of the synthesized staging definition (prod
 * does not deploy the drill by default, so docs/workflows has no page for it): this fails when the
 * definition changed and the README was not updated, and prints the current diagram to paste.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aslToMermaid } from '../../scripts/asl-to-mermaid.js';
import { extractStateMachine } from '../support/harness/template.js';
import { synthesizeWorkflow } from '../support/testbed/workflows.js';

const README = join(__dirname, '..', '..', 'workflows', 'failover-drill', 'README.md');
const BLOCK =
  /<!-- generated:failover-drill-diagram:start -->\n```mermaid\n([\s\S]*?)\n```\n<!-- generated:failover-drill-diagram:end -->/;

it('the README diagram is the synthesized staging definition', () => {
  // Prepare
  const { stack } = synthesizeWorkflow('failover-drill', 'staging', {});
  const sm = extractStateMachine(stack, { name: 'interactions-staging-failover-drill' });
  const current = aslToMermaid(sm.definition as never).trimEnd();

  // Act
  const documented = BLOCK.exec(readFileSync(README, 'utf8'))?.[1];

  // Assess
  if (documented !== current) {
    process.stdout.write(`Paste into ${README} between the generated markers:\n${current}\n`);
  }
  expect(documented).toBe(current);
});
