/** Reading the file a remediation command is given, with a usage error naming the option and path. */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../context.js';
import { shown } from '../../inputs.js';

/** The text of the file given to `option`; missing option or unreadable file is a usage error (exit 2). */
export function readOptionFile(path: unknown, option: string): string {
  if (typeof path !== 'string' || path === '') throw new UsageError(`missing ${option} <file>`);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new UsageError(`cannot read ${option} '${shown(path)}': ${why}`);
  }
}
