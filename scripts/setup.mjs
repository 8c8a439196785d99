#!/usr/bin/env node
/**
 * `npm run setup [-- <npm ci options>]`: `npm ci`, with npm itself running on the Node.js the project
 * needs. npm checks every package's `engines` against the Node.js that runs npm, so a plain `npm ci`
 * on an older system Node.js warns EBADENGINE for the packages that need Node.js 22+, although they
 * will run on the Node.js 24 the same install puts in node_modules/.bin. Where the system's Node.js
 * is older, this runs `npm ci` on the pinned Node.js package for the platform (fetched once into
 * npx's cache), then installs the project into npx's cache as `npx interactions-ops` would (see
 * `npmCiCommands`); otherwise it is exactly `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { npmCiCommands } from './node-runtime.mjs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const runtime = { version: process.version, platform: process.platform, arch: process.arch };
const plan = npmCiCommands(manifest, runtime, process.argv.slice(2));
if ('error' in plan) {
  console.error(plan.error);
  process.exit(1);
}
if (plan.note) console.log(plan.note);
for (const [index, [command = 'npm', ...args]] of plan.commands.entries()) {
  // After `npm ci` comes only the priming of npx's cache, whose output (a version) says nothing.
  const stdout = index === 0 ? 'inherit' : 'ignore';
  const result = spawnSync(command, args, { stdio: ['inherit', stdout, 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}
