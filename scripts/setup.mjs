#!/usr/bin/env node
/**
 * `npm run setup [-- <npm ci options>]`: `npm ci`, with npm itself running on the Node.js the project
 * needs. npm checks every package's `engines` against the Node.js that runs npm, so a plain `npm ci`
 * on an older system Node.js warns EBADENGINE for the packages that need Node.js 22+, although they
 * will run on the Node.js 24 that the same install puts in node_modules/.bin. Where the system's
 * Node.js is older, this runs `npm ci` through npx with the pinned Node.js package for the platform
 * (fetched once into npx's cache); otherwise it is exactly `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { nodePackageFor, nodeTooOld, requiredNodeMajor } from './node-runtime.mjs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const ciArgs = ['ci', ...process.argv.slice(2)];
const runtime = { version: process.version, platform: process.platform, arch: process.arch };

let command = ['npm', ...ciArgs];
if (nodeTooOld(manifest, runtime)) {
  const nodePackage = nodePackageFor(manifest, runtime.platform, runtime.arch);
  if (!nodePackage) {
    console.error(nodeTooOld(manifest, runtime));
    process.exit(1);
  }
  console.log(
    `npm ci on ${nodePackage} (Node.js ${requiredNodeMajor(manifest)}): the system's Node.js is ${process.version}`,
  );
  // npx puts the package's `node` first on PATH, so `npm` (a `#!/usr/bin/env node` script) runs on it.
  command = ['npx', '--yes', `--package=${nodePackage}`, '--', 'npm', ...ciArgs];
}
const result = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
if (result.error) throw result.error;
process.exit(result.status ?? 1);
