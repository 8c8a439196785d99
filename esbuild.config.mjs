/**
 * Bundles every `functions/<name>/handler.ts` into `dist/functions/<name>/index.mjs` (what the CDK
 * app deploys). ESM with the AWS SDK bundled: measured 3x faster init than the runtime's SDK
 * (docs: toolchain.md). `node esbuild.config.mjs [name...]` bundles all (or the named) functions
 * and prints their sizes; `bundleFunctions()` is the same for the jest global setup and the bench.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));

/** Folders of `functions/` that contain a `handler.ts`, sorted. */
export function functionNames(functionsDir = join(root, 'functions')) {
  if (!existsSync(functionsDir)) return [];
  return readdirSync(functionsDir)
    .filter((name) => existsSync(join(functionsDir, name, 'handler.ts')))
    .sort();
}

// Some dependencies `require` Node builtins; ESM output has no `require` unless we create one.
const ESM_BANNER = [
  "import { createRequire as __automationCreateRequire } from 'node:module';",
  'const require = __automationCreateRequire(import.meta.url);',
].join('\n');

/**
 * Bundles the functions.
 * @param {object} [options]
 * @param {string[]} [options.names] functions to bundle; @default every folder with a handler.ts
 * @param {string} [options.outdir] output root; @default dist/functions
 * @param {'deploy'|'nodejs-function-default'} [options.style] @default 'deploy': ESM, minified, SDK
 *   bundled, Lambda-only shims. 'nodejs-function-default' reproduces what CDK's NodejsFunction does
 *   with no bundling options (CommonJS, not minified, no source map, `@aws-sdk/*` left to the
 *   runtime), for the bench's comparison only.
 * @returns {Promise<{ name: string, file: string, bytes: number }[]>}
 */
export async function bundleFunctions(options = {}) {
  const { names = functionNames(), outdir = join(root, 'dist', 'functions'), style = 'deploy' } = options;
  const deploy = style === 'deploy';
  const format = deploy ? 'esm' : 'cjs';
  const unknown = names.filter((name) => !existsSync(join(root, 'functions', name, 'handler.ts')));
  if (unknown.length > 0) throw new Error(`No functions/<name>/handler.ts for: ${unknown.join(', ')}`);
  if (names.length === 0) return [];
  const extension = format === 'esm' ? '.mjs' : '.cjs';
  const entryPoints = Object.fromEntries(
    names.map((name) => [join(name, 'index'), join(root, 'functions', name, 'handler.ts')]),
  );
  const result = await build({
    entryPoints,
    outdir,
    outExtension: { '.js': extension },
    bundle: true,
    platform: 'node',
    // Lambda runs Node 24, and so do the tests and bench (package.json engines).
    target: ['node24'],
    format,
    minify: deploy,
    sourcemap: deploy ? 'external' : false,
    sourcesContent: false,
    // The ESM builds of the SDK and Powertools tree-shake far better than their CommonJS mains.
    ...(deploy ? { mainFields: ['module', 'main'] } : {}),
    // NodejsFunction's default leaves the SDK to the runtime; we bundle it (faster init, pinned version).
    external: deploy ? [] : ['@aws-sdk/*'],
    // Lambda passes credentials in environment variables: the default chain is dead weight there.
    // semver only serves X-Ray's SDK v2 patcher, which is never used (shared/bundle-shims/semver.ts).
    alias: deploy
      ? {
          '@aws-sdk/credential-provider-node': join(root, 'shared', 'bundle-shims', 'credential-provider-node.ts'),
          semver: join(root, 'shared', 'bundle-shims', 'semver.ts'),
        }
      : {},
    banner: deploy ? { js: ESM_BANNER } : {},
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  warnAboutZodNamedImport(result.metafile);
  writeFileSync(join(outdir, `meta-${style}.json`), JSON.stringify(result.metafile));
  return names.map((name) => {
    const file = join(outdir, name, `index${extension}`);
    return { name, file, bytes: statSync(file).size };
  });
}

/**
 * The functions use `zod/mini` with only the English locale, through shared/zod.ts (19-27 KB of
 * zod per bundle). Names the bundles that lost that: classic `zod` bundled (+60 KB: something imports
 * 'zod' instead of shared/zod.js), or locales beyond `en` (+260 KB: `import { z }` keeps every export,
 * and `z.locales.en()` keeps every locale).
 */
function warnAboutZodNamedImport(metafile) {
  for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
    // Inputs esbuild looked at but dropped are listed with 0 bytes.
    const bundled = Object.keys(inputs).filter((input) => inputs[input].bytesInOutput > 0);
    const classic = bundled.some((input) => /zod\/v4\/classic\//.test(input));
    const locales = bundled.filter((input) => /zod\/v4\/locales\/(?!en\.js)/.test(input));
    if (classic) {
      console.warn(`${output}: bundles classic zod; import \`* as z\` from shared/zod.js (zod/mini), not 'zod'`);
    }
    if (locales.length > 0) {
      console.warn(
        `${output}: bundles ${locales.length} zod locales; import \`* as z\` from shared/zod.js, never \`{ z }\` or \`z.locales\``,
      );
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const args = process.argv.slice(2);
  // --quiet: the CDK app (cdk.json) bundles before every synth and prints only warnings.
  const quiet = args.includes('--quiet');
  const requested = args.filter((arg) => arg !== '--quiet');
  const bundles = await bundleFunctions(requested.length > 0 ? { names: requested } : {});
  for (const { name, file, bytes } of quiet ? [] : bundles) {
    console.log(`${name.padEnd(32)} ${(bytes / 1024).toFixed(1).padStart(8)} KB  ${relative(root, file)}`);
  }
  if (!quiet)
    console.log(`bundled ${bundles.length} functions in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}
