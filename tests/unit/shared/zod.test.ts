import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../../../shared/zod.js';

/** Every .ts file under `dir`, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('shared/zod', () => {
  it('reports issues in English, as classic zod does (zod/mini alone says only "Invalid input")', () => {
    // Act
    const result = z.safeParse(z.object({ name: z.string().check(z.minLength(3)), env: z.enum(['dev', 'prod']) }), {
      name: 'ab',
      env: 'qa',
    });
    // Assess
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'Too small: expected string to have >=3 characters',
      'Invalid option: expected one of "dev"|"prod"',
    ]);
  });

  it('is zod/mini, not classic zod', () => {
    expect('min' in z.string()).toBe(false);
  });

  it('is the only way the functions import zod (classic zod adds about 60 KB to a bundle)', () => {
    const direct = [...sources('shared'), ...sources('functions')].filter(
      (file) => file !== join('shared', 'zod.ts') && /from 'zod(\/[^']*)?'/.test(readFileSync(file, 'utf8')),
    );
    expect(direct).toEqual([]);
  });
});
