#!/usr/bin/env node
// The package's `bin` (`npx interactions-ops`): runs the bundle `npm run build:cli` writes, so no
// TypeScript transpiler is loaded at run time. Resolved from this file, so any working directory works.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli/interactions-ops.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    'error: interactions-ops is not built: run `npm run build:cli` (or `node cli/build.mjs`) in the checkout first.\n',
  );
  process.exit(1);
}
await import(bundle.href);
