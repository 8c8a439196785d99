#!/usr/bin/env node
/**
 * `postinstall`: npm runs it with the PATH its scripts get, so `node` here is the Node.js every npm
 * script and npx command of this project will run (node_modules/.bin/node where package.json
 * provides one for the platform, else the system's). Fails the install, saying what to install, when
 * that Node.js is older than `engines.node`: tests on an older one fail in confusing ways (a missing
 * `Promise.withResolvers` inside aws-local-stepfunctions is caught by the state machines' own
 * `States.ALL` handlers).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { nodeTooOld, requiredNodeMajor } from './node-runtime.mjs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const problem = nodeTooOld(manifest, { version: process.version, platform: process.platform, arch: process.arch });
if (problem) {
  console.error(problem);
  process.exit(1);
}
const major = Number(process.versions.node.split('.')[0]);
const required = requiredNodeMajor(manifest);
const where = relative(process.cwd(), process.execPath);
console.log(
  `npm scripts and npx commands here run Node.js ${process.version} (${where.startsWith('..') ? process.execPath : where})` +
    (major > required ? `; the Lambda functions run Node.js ${required}` : ''),
);
