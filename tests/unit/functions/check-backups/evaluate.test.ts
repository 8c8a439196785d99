import { readFileSync } from 'node:fs';
import {
  type BackupFacts,
  type BackupPolicy,
  evaluateBackups,
  reportPlan,
  summarize,
} from '../../../../functions/check-backups/evaluate.js';
import { fixturePath } from '../../../support/fixtures.js';

// The fixture's stopped instance: LatestRestorableTime 2016-06-13T21:00:00Z, retention 7 days.
const fixture = JSON.parse(
  readFileSync(fixturePath('rds-describe-db-instances-stopped-with-LatestRestorableTime.awscli-example.json'), 'utf8'),
).DBInstances[0];
const NOW = new Date('2016-06-13T21:05:00Z');
const H = 3_600_000;

const policy: BackupPolicy = {
  backupMaxAgeHours: 26,
  restoreLagThresholdMinutes: 15,
  backupRetentionDays: 7,
  manualSnapshotQuota: 100,
  manualSnapshotWarnFraction: 0.8,
  cacheSnapshotRequired: true,
};

function facts(over: Partial<BackupFacts> = {}): BackupFacts {
  return {
    instance: {
      identifier: fixture.DBInstanceIdentifier,
      status: fixture.DBInstanceStatus,
      backupRetentionPeriod: fixture.BackupRetentionPeriod,
      latestRestorableTime: new Date(fixture.LatestRestorableTime),
    },
    automatedSnapshots: [{ id: 'rds:a', status: 'available', createdAt: new Date(NOW.getTime() - 20 * H) }],
    manualSnapshotCount: 10,
    manualSnapshotQuota: 100,
    cacheSnapshots: [{ id: 'c', status: 'available', createdAt: new Date(NOW.getTime() - 20 * H) }],
    ...over,
  };
}
const status = (f: BackupFacts, p: BackupPolicy = policy) =>
  Object.fromEntries(evaluateBackups(f, p, NOW).findings.map((x) => [x.check, x.status]));

describe('evaluateBackups', () => {
  it('passes every check on the fixture instance with fresh snapshots', () => {
    const result = evaluateBackups(facts(), policy, NOW);
    expect(result.severity).toBe('ok');
    expect(result.findings.map((f) => f.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });

  describe('automated-backup-freshness', () => {
    const at = (hours: number) =>
      facts({
        automatedSnapshots: [{ id: 'rds:a', status: 'available', createdAt: new Date(NOW.getTime() - hours * H) }],
      });
    it('is fresh at exactly 26 h', () => expect(status(at(26))['automated-backup-freshness']).toBe('ok'));
    it('fails one second past 26 h', () => {
      const f = facts({
        automatedSnapshots: [{ id: 'rds:a', status: 'available', createdAt: new Date(NOW.getTime() - 26 * H - 1000) }],
      });
      expect(status(f)['automated-backup-freshness']).toBe('fail');
    });
    it('fails when there is no automated snapshot', () =>
      expect(status(facts({ automatedSnapshots: [] }))['automated-backup-freshness']).toBe('fail'));
    it('ignores snapshots that are not available', () => {
      const f = facts({
        automatedSnapshots: [
          { id: 'rds:new', status: 'creating', createdAt: new Date(NOW.getTime() - 1 * H) },
          { id: 'rds:old', status: 'available', createdAt: new Date(NOW.getTime() - 30 * H) },
        ],
      });
      expect(status(f)['automated-backup-freshness']).toBe('fail');
    });
    it('publishes the age in hours', () => {
      const finding = evaluateBackups(at(12.5), policy, NOW).findings[0];
      expect(finding?.metric).toEqual({ name: 'BackupAgeHours', value: 12.5, unit: 'None' });
    });
  });

  describe('restore-window', () => {
    const lag = (minutes: number) =>
      facts({ instance: { ...facts().instance, latestRestorableTime: new Date(NOW.getTime() - minutes * 60_000) } });
    it('passes at exactly the threshold', () => expect(status(lag(15))['restore-window']).toBe('ok'));
    it('fails past the threshold', () => expect(status(lag(15.01))['restore-window']).toBe('fail'));
    it('fails without LatestRestorableTime', () =>
      expect(
        status(facts({ instance: { ...facts().instance, latestRestorableTime: undefined } }))['restore-window'],
      ).toBe('fail'));
    it('names a stopped instance in the detail (fixture)', () => {
      const finding = evaluateBackups(facts(), policy, NOW).findings.find((f) => f.check === 'restore-window');
      expect(finding?.detail).toContain('instance is stopped');
      expect(finding?.metric?.value).toBe(5);
    });
  });

  describe('backup-retention', () => {
    it('fails on a mismatch', () =>
      expect(status(facts(), { ...policy, backupRetentionDays: 30 })['backup-retention']).toBe('fail'));
    it('fails when backups are disabled', () => {
      const result = evaluateBackups(
        facts({ instance: { ...facts().instance, backupRetentionPeriod: 0 } }),
        policy,
        NOW,
      );
      expect(result.findings.find((f) => f.check === 'backup-retention')?.detail).toContain('disabled');
    });
  });

  describe('manual-snapshot-quota', () => {
    it.each([
      [79, 'ok'],
      [80, 'warn'],
      [99, 'warn'],
      [100, 'fail'],
      [120, 'fail'],
    ])('%i of 100 is %s', (count, expected) => {
      expect(status(facts({ manualSnapshotCount: count }))['manual-snapshot-quota']).toBe(expected);
    });
    it('uses the account quota when reported', () => {
      expect(status(facts({ manualSnapshotCount: 100, manualSnapshotQuota: 200 }))['manual-snapshot-quota']).toBe('ok');
    });
    it('falls back to the policy quota', () => {
      expect(status(facts({ manualSnapshotCount: 100, manualSnapshotQuota: undefined }))['manual-snapshot-quota']).toBe(
        'fail',
      );
    });
  });

  describe('cache-snapshot-freshness', () => {
    it('fails when no cache snapshot exists', () =>
      expect(status(facts({ cacheSnapshots: [] }))['cache-snapshot-freshness']).toBe('fail'));
    it('fails when the newest is older than 26 h', () => {
      const f = facts({
        cacheSnapshots: [{ id: 'c', status: 'available', createdAt: new Date(NOW.getTime() - 27 * H) }],
      });
      expect(status(f)['cache-snapshot-freshness']).toBe('fail');
    });
    it('passes at exactly 26 h', () => {
      const f = facts({
        cacheSnapshots: [{ id: 'c', status: 'available', createdAt: new Date(NOW.getTime() - 26 * H) }],
      });
      expect(status(f)['cache-snapshot-freshness']).toBe('ok');
    });
    it('is ok when not configured, even without snapshots', () => {
      expect(
        status(facts({ cacheSnapshots: undefined }), { ...policy, cacheSnapshotRequired: false })[
          'cache-snapshot-freshness'
        ],
      ).toBe('ok');
    });
    it('fails when required but not listed', () =>
      expect(status(facts({ cacheSnapshots: undefined }))['cache-snapshot-freshness']).toBe('fail'));
  });

  it('takes the worst status as severity', () => {
    expect(evaluateBackups(facts({ manualSnapshotCount: 85 }), policy, NOW).severity).toBe('warn');
    expect(evaluateBackups(facts({ manualSnapshotCount: 85, cacheSnapshots: [] }), policy, NOW).severity).toBe('fail');
  });
});

describe('reportPlan', () => {
  it('sends failures to the failure severity as FAILED', () => {
    expect(reportPlan(evaluateBackups(facts({ cacheSnapshots: [] }), policy, NOW), 'high')).toEqual({
      status: 'FAILED',
      severity: 'high',
      publish: true,
    });
  });
  it('sends warnings to low as SUCCEEDED', () => {
    expect(reportPlan(evaluateBackups(facts({ manualSnapshotCount: 85 }), policy, NOW), 'high')).toEqual({
      status: 'SUCCEEDED',
      severity: 'low',
      publish: true,
    });
  });
  it('files the report of an all-ok night without notifying anyone', () => {
    expect(reportPlan(evaluateBackups(facts(), policy, NOW), 'high')).toEqual({
      status: 'SUCCEEDED',
      severity: 'low',
      publish: false,
    });
  });
});

describe('summarize', () => {
  it('lists the failing checks', () => {
    expect(summarize(evaluateBackups(facts({ cacheSnapshots: [] }), policy, NOW), 'db')).toMatch(
      /cache-snapshot-freshness FAIL/,
    );
  });
  it('stays within the notifier limit of 1000 characters', () => {
    const many = evaluateBackups(
      facts({ cacheSnapshots: [], automatedSnapshots: [], manualSnapshotCount: 500 }),
      policy,
      NOW,
    );
    expect(summarize(many, 'x'.repeat(900)).length).toBeLessThanOrEqual(1000);
  });
});
