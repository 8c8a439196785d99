/**
 * Entry point, bundled by `cli/build.mjs` into `dist/cli/interactions-ops.mjs` (run as
 * `npx interactions-ops`, no TypeScript at run time); `npm run --silent ops` runs it with tsx.
 * The first Ctrl-C stops following (the execution keeps running, the CLI says how to follow it);
 * a second one exits at once. The exit code is set, not forced, so output is flushed first.
 */
import { defaultDeps } from './context.js';
import { runCli } from './main.js';

// `interactions-ops --help | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});

process.exitCode = await runCli(process.argv.slice(2), defaultDeps(interrupt.signal));
// An SDK socket or timer may still hold the event loop after an interrupted call.
if (interrupt.signal.aborted) process.exit(process.exitCode);
