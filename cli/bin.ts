#!/usr/bin/env -S npx tsx
/**
 * Entry point: `npm run --silent ops -- <command> ...` (runs this file with tsx). The exit code is
 * set, not forced, so buffered output is flushed before the process ends.
 */
import { defaultDeps } from './context.js';
import { runCli } from './main.js';

process.exitCode = await runCli(process.argv.slice(2), defaultDeps());
