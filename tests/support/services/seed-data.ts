/**
 * A small database in the shape the drills' default checks expect from the seed's backend: Alembic's
 * `alembic_version` and an `interactions` table whose newest `created_at` is chosen by the test.
 */
import type { PostgresServer } from './postgres.js';

/** What `loadSeedData` writes. */
export interface SeedDataOptions {
  /** The newest row's `created_at` (UTC). */
  readonly newestAt: Date;
  /** Rows in `interactions`. @default 3 */
  readonly rows?: number;
}

/** Creates the backend's tables as the application user (which owns the database) and fills them. */
export async function loadSeedData(db: PostgresServer, options: SeedDataOptions): Promise<void> {
  const rows = options.rows ?? 3;
  const newest = options.newestAt.toISOString().replace('T', ' ').replace('Z', '');
  await db.sql(`
    SET ROLE ${db.user};
    CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
    INSERT INTO alembic_version VALUES ('4f2a9c1b7d3e');
    CREATE TABLE interactions (
      id serial PRIMARY KEY,
      channel text NOT NULL,
      created_at timestamp NOT NULL
    );
    INSERT INTO interactions (channel, created_at)
      SELECT 'email', timestamp '${newest}' - (n * interval '1 minute') FROM generate_series(${rows - 1}, 0, -1) AS n;
  `);
}

/** A fingerprint of every row of `interactions` (or 'missing'), to prove a check changed nothing. */
export async function interactionsFingerprint(db: PostgresServer): Promise<string> {
  const [exists] = await db.query<{ table: string | null }>("SELECT to_regclass('public.interactions')::text AS table");
  if (exists?.table === null || exists?.table === undefined) return 'missing';
  const [row] = await db.query<{ fingerprint: string }>(
    "SELECT count(*) || ':' || md5(coalesce(string_agg(i::text, ',' ORDER BY id), '')) AS fingerprint FROM interactions i",
  );
  return row?.fingerprint ?? 'missing';
}
