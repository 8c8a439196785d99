/**
 * Real AWS payloads the tests build on, copied into tests/fixtures/ (sources in its SOURCES.md) so
 * the suite runs from any clone, with or without the team's reference folder beside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

/** Path of a fixture file in tests/fixtures/. */
export function fixturePath(file: string): string {
  return join(FIXTURES_DIR, file);
}

/** A fixture parsed as JSON. */
export function readFixture<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(fixturePath(file), 'utf8')) as T;
}
