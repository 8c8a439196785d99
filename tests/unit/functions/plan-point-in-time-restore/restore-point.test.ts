import {
  chooseRestorePoint,
  RANDOM_EDGE_MARGIN_MS,
  restoreWindow,
} from '../../../../functions/plan-point-in-time-restore/restore-point.js';
import { ValidationError } from '../../../../shared/errors.js';

const now = new Date('2026-11-29T12:00:00.000Z');
const latest = new Date('2026-11-29T11:55:00.000Z');
const facts = {
  latestRestorableTime: latest,
  backupRetentionDays: 7,
  instanceCreateTime: new Date('2025-01-01T00:00:00Z'),
};
const choose = (overrides: Partial<Parameters<typeof chooseRestorePoint>[0]> = {}) =>
  chooseRestorePoint({ requested: undefined, mode: 'latest', facts, now, random: () => 0.5, ...overrides });

describe('restoreWindow', () => {
  it('spans the retention up to LatestRestorableTime', () => {
    // Act
    const window = restoreWindow(facts, now);

    // Assess
    expect(window).toEqual({ earliest: new Date('2026-11-22T12:00:00.000Z'), latest });
  });

  it('starts no earlier than the instance was created', () => {
    // Act
    const window = restoreWindow({ ...facts, instanceCreateTime: new Date('2026-11-28T00:00:00Z') }, now);

    // Assess
    expect(window.earliest).toEqual(new Date('2026-11-28T00:00:00Z'));
  });

  it('fails clearly when the instance keeps no automated backups', () => {
    expect(() => restoreWindow({ ...facts, backupRetentionDays: 0 }, now)).toThrow(
      'keeps no automated backups (BackupRetentionPeriod 0)',
    );
  });

  it('fails clearly when RDS reports no LatestRestorableTime', () => {
    expect(() => restoreWindow({ ...facts, latestRestorableTime: undefined }, now)).toThrow(ValidationError);
  });
});

describe('chooseRestorePoint', () => {
  it('chooses the latest restorable time by default', () => {
    expect(choose()).toMatchObject({ restorePoint: latest, chosenBy: 'latest' });
  });

  it('chooses a random point inside the window, away from its old edge', () => {
    // Act
    const low = choose({ mode: 'random', random: () => 0 });
    const high = choose({ mode: 'random', random: () => 0.999999 });

    // Assess
    const earliest = new Date('2026-11-22T12:00:00.000Z').getTime();
    expect(low.chosenBy).toBe('random');
    expect(low.restorePoint.getTime()).toBe(earliest + RANDOM_EDGE_MARGIN_MS);
    expect(high.restorePoint.getTime()).toBeLessThanOrEqual(latest.getTime());
    expect(high.restorePoint.getTime()).toBeGreaterThan(latest.getTime() - 1000);
  });

  it('keeps a requested point inside the window', () => {
    // Prepare
    const requested = new Date('2026-11-25T08:30:00Z');

    // Act / Assess
    expect(choose({ requested })).toMatchObject({ restorePoint: requested, chosenBy: 'requested' });
  });

  it('accepts the window edges themselves', () => {
    expect(choose({ requested: latest }).restorePoint).toEqual(latest);
    expect(choose({ requested: new Date('2026-11-22T12:00:00.000Z') }).chosenBy).toBe('requested');
  });

  it('refuses a point after LatestRestorableTime, naming it and the window', () => {
    expect(() => choose({ requested: new Date('2026-11-29T11:56:00Z') })).toThrow(
      'Restore point 2026-11-29T11:56:00.000Z is after the LatestRestorableTime 2026-11-29T11:55:00.000Z of the source instance; the restorable window is 2026-11-22T12:00:00.000Z to 2026-11-29T11:55:00.000Z',
    );
  });

  it('refuses a point one millisecond past either edge: RDS would refuse it only after the drill began', () => {
    expect(() => choose({ requested: new Date(latest.getTime() + 1) })).toThrow(ValidationError);
    expect(() => choose({ requested: new Date('2026-11-22T11:59:59.999Z') })).toThrow(ValidationError);
  });

  it('refuses a point outside the retention, naming the retention and the window', () => {
    expect(() => choose({ requested: new Date('2026-11-22T11:59:59Z') })).toThrow(
      /outside the backup retention of 7 days; the restorable window is 2026-11-22T12:00:00.000Z to /,
    );
  });
});
