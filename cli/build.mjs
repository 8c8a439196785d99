/**
 * Bundles the operator CLI (`cli/bin.ts`) into one ESM file, `dist/cli/interactions-ops.mjs`, that
 * plain `node` runs: no TypeScript transpiler at run time, and a start that loads one file.
 * `node cli/build.mjs [outfile]`; `buildCli()` is the same for tests.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where package.json's `bin` (cli/bin.mjs) looks for the bundle. */
export const CLI_BUNDLE = join(root, 'dist', 'cli', 'interactions-ops.mjs');

// CommonJS dependencies (commander, parts of the SDK) `require` Node builtins; ESM has no `require` unless we create one.
const ESM_BANNER = [
  "import { createRequire as __cliCreateRequire } from 'node:module';",
  'const require = __cliCreateRequire(import.meta.url);',
].join('\n');

/**
 * Bundles the CLI.
 * @param {string} [outfile] @default CLI_BUNDLE
 * @returns {Promise<{ file: string, bytes: number }>}
 */
export async function buildCli(outfile = CLI_BUNDLE) {
  const result = await build({
    entryPoints: [join(root, 'cli', 'bin.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    // Operators run it on their own machines and CI runners: Node 24 is the floor (package.json engines).
    target: ['node24'],
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: `#!/usr/bin/env node\n${ESM_BANNER}` },
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.mjs'))?.[1].bytes ?? 0;
  return { file: outfile, bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { file, bytes } = await buildCli(process.argv[2]);
  console.log(`${file}  ${Math.round(bytes / 1024)} KB`);
}
