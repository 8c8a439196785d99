/**
 * The README's stack table is drawn by hand: every stack it names exists in the app, in the region
 * it says, and every stack the app makes is in the table. Built with a domain configured so the
 * stacks that exist only then are part of the picture too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { addEnvironment, addGlobal } from '../../infra/app.js';
import { GLOBAL } from '../../infra/config/global.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../../infra/config/index.js';
import { testApp } from '../support/cdk-app.js';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** Stack names of the README's table rows (`| \`interactions-...\` ...`), `<env>` expanded per environment. */
function drawnStacks(markdown: string): Map<string, string> {
  const rows = markdown.split('\n').filter((line) => line.startsWith('| `interactions-'));
  return new Map(
    rows.flatMap((row) => {
      const cells = row.split('|').map((cell) => cell.trim());
      const name = /`(interactions-[^`]+)`/.exec(cells[1] ?? '')?.[1] ?? '';
      const region = cells[2] ?? '';
      const names = name.includes('<env>') ? ENVIRONMENT_NAMES.map((env) => name.replace('<env>', env)) : [name];
      return names.map((stackName): [string, string] => [stackName, region]);
    }),
  );
}

/** The app as infra/bin/app.ts builds it, with a domain so that every kind of stack is made. */
function appStacks(): Stack[] {
  const app = testApp();
  const hosts = (env: string) => ({ app: `app.${env}.example.com`, assets: `assets.${env}.example.com` });
  const global = addGlobal(app, {
    ...GLOBAL,
    domain: {
      zoneName: 'example.com',
      existingHostedZoneId: '',
      hosts: { dev: hosts('dev'), staging: hosts('staging'), prod: hosts('prod') },
    },
  });
  for (const env of ENVIRONMENT_NAMES) addEnvironment(app, loadConfig(env), { global });
  return app.node.children.filter((child): child is Stack => child instanceof Stack);
}

describe("the README's stack table", () => {
  const drawn = drawnStacks(README);
  const stacks = appStacks();

  it('names stacks at all (the table is where the test looks)', () => {
    expect(drawn.size).toBeGreaterThanOrEqual(6);
  });

  it('names only stacks the app creates, conditional ones marked as such', () => {
    // Act
    const missing = [...drawn.keys()].filter((name) => !stacks.some((stack) => stack.stackName === name));

    // Assess: the DR stack exists only where the environment has a DR region, as the table says.
    expect(missing).toEqual(['interactions-dev-dr']);
    expect(README).toMatch(/\| `interactions-<env>-dr` \(staging, prod\) \|/);
  });

  it('lists every stack the app creates', () => {
    const undrawn = stacks.map((stack) => stack.stackName).filter((name) => !drawn.has(name));
    expect(undrawn).toEqual([]);
  });

  it('places each stack in the region the table gives', () => {
    // Prepare: how the table may name a stack's region: literally, or as its environment's
    // `config region` or `drRegion`.
    const regionWords = (stack: Stack): string[] => {
      const envName = /^interactions-(dev|staging|prod)-/.exec(stack.stackName)?.[1];
      if (envName === undefined) return [stack.region];
      const config = loadConfig(envName);
      return [
        stack.region,
        ...(stack.region === config.region ? ['config region'] : []),
        ...(stack.region === config.automation.drRegion ? ['drRegion'] : []),
      ];
    };

    // Act
    const misplaced = stacks.filter((stack) => {
      const region = drawn.get(stack.stackName) ?? '';
      return !regionWords(stack).some((word) => region.includes(word));
    });

    // Assess
    expect(misplaced.map((stack) => `${stack.stackName}: ${stack.region} vs '${drawn.get(stack.stackName)}'`)).toEqual(
      [],
    );
  });
});
