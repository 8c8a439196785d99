import {
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandOutput,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import {
  DBInstanceNotFoundFault,
  type DBSnapshot,
  DescribeDBInstancesCommand,
  type DescribeDBInstancesCommandOutput,
  DescribeDBSnapshotsCommand,
  type DescribeDBSnapshotsCommandOutput,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { parseCacheSizeGiB } from '../../../cli/commands/backup/list-backups.js';
import { loadAwsFixture, run } from './harness.js';

const rds = mockClient(RDSClient);
const elasticache = mockClient(ElastiCacheClient);

const NOW = new Date('2016-06-14T03:00:00Z');
const INSTANCE = 'interactions-prod-postgres';
const DATES = ['SnapshotCreateTime', 'InstanceCreateTime', 'LatestRestorableTime', 'OriginalSnapshotCreateTime'];

// Real response shapes (AWS CLI examples), re-targeted at our instance.
const instanceFixture = loadAwsFixture<DescribeDBInstancesCommandOutput>(
  'rds-describe-db-instances-stopped-with-LatestRestorableTime.awscli-example.json',
  DATES,
);
const manualFixture = loadAwsFixture<DescribeDBSnapshotsCommandOutput>(
  'rds-describe-db-snapshots-manual-available.awscli-example.json',
  DATES,
).DBSnapshots?.[0] as DBSnapshot;

const instance = { ...instanceFixture.DBInstances?.[0], DBInstanceIdentifier: INSTANCE };
const managedManual: DBSnapshot = {
  ...manualFixture,
  DBSnapshotIdentifier: 'interactions-pre-migration',
  DBInstanceIdentifier: INSTANCE,
  Encrypted: true,
  TagList: [
    { Key: 'interactions:managed-by', Value: 'interactions-automation' },
    { Key: 'interactions:execution', Value: 'cli-interactions-pre-migration-20160613T120000' },
  ],
  SnapshotCreateTime: new Date('2016-06-13T12:00:00Z'),
};
const handMadeManual: DBSnapshot = { ...manualFixture, DBInstanceIdentifier: INSTANCE, TagList: [] };
const automated = (day: number): DBSnapshot => ({
  ...manualFixture,
  DBSnapshotIdentifier: `rds:${INSTANCE}-2016-06-${day}-08-10`,
  DBInstanceIdentifier: INSTANCE,
  SnapshotType: 'automated',
  Encrypted: true,
  AllocatedStorage: 50,
  SnapshotCreateTime: new Date(`2016-06-${day}T08:10:00Z`),
  TagList: [],
});

const cachePage1: DescribeSnapshotsCommandOutput = {
  $metadata: {},
  Marker: 'cache-2',
  Snapshots: [
    {
      SnapshotName: 'automatic.interactions-prod-2016-06-14-02-00',
      ReplicationGroupId: 'interactions-prod',
      SnapshotStatus: 'available',
      SnapshotSource: 'automated',
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc',
      NodeSnapshots: [
        { CacheNodeId: '0001', CacheSize: '512 MB', SnapshotCreateTime: new Date('2016-06-14T02:00:05Z') },
        { CacheNodeId: '0002', CacheSize: '512 MB', SnapshotCreateTime: new Date('2016-06-14T02:00:03Z') },
      ],
    },
  ],
};
const cachePage2: DescribeSnapshotsCommandOutput = {
  $metadata: {},
  Snapshots: [
    {
      SnapshotName: 'interactions-prod-before-upgrade',
      ReplicationGroupId: 'interactions-prod',
      SnapshotStatus: 'creating',
      SnapshotSource: 'manual',
      NodeSnapshots: [
        { CacheNodeId: '0001', CacheSize: '1.5 GB', SnapshotCreateTime: new Date('2016-06-13T20:00:00Z') },
      ],
    },
  ],
};

beforeEach(() => {
  rds.reset();
  elasticache.reset();
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: INSTANCE }).resolves({ DBInstances: [instance] });
  // The instance's snapshots come in two pages; the second only answers the first page's Marker.
  rds
    .on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: INSTANCE })
    .resolves({ DBSnapshots: [automated(13), managedManual], Marker: 'db-2' });
  rds
    .on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: INSTANCE, Marker: 'db-2' })
    .resolves({ DBSnapshots: [handMadeManual, automated(12), automated(11)] });
  rds
    .on(DescribeDBSnapshotsCommand, { SnapshotType: 'manual' })
    .resolves({ DBSnapshots: [managedManual, handMadeManual, { DBSnapshotIdentifier: 'other-app' }] });
  elasticache.on(DescribeSnapshotsCommand, { ReplicationGroupId: 'interactions-prod' }).resolves(cachePage1);
  elasticache
    .on(DescribeSnapshotsCommand, { ReplicationGroupId: 'interactions-prod', Marker: 'cache-2' })
    .resolves(cachePage2);
});

/** Splits the table part of the output into cells (columns are separated by two or more spaces). */
function tableCells(stdout: string): string[][] {
  const lines = stdout.split('\n');
  return lines.slice(0, lines.indexOf('')).map((line) => line.split(/\s{2,}/));
}

describe('backup list-backups', () => {
  it('prints every backup newest first, followed by the backup health summary', async () => {
    // Act
    const result = await run(['backup', 'list-backups', 'prod'], { now: () => NOW });

    // Assess
    expect(result.code).toBe(0);
    expect(tableCells(result.stdout)).toEqual([
      ['TYPE', 'ID', 'CREATED', 'STATUS', 'SIZE GiB', 'ENCRYPTED', 'MANAGED'],
      ['rds-manual', 'mydbsnapshot', '2018-02-08T22:28:08Z', 'available', '20', 'no', 'no'],
      [
        'cache-automated',
        'automatic.interactions-prod-2016-06-14-02-00',
        '2016-06-14T02:00:03Z',
        'available',
        '1',
        'yes',
        '-',
      ],
      ['cache-manual', 'interactions-prod-before-upgrade', '2016-06-13T20:00:00Z', 'creating', '1.5', '-', '-'],
      ['rds-manual', 'interactions-pre-migration', '2016-06-13T12:00:00Z', 'available', '20', 'yes', 'yes'],
      ['rds-automated', `rds:${INSTANCE}-2016-06-13-08-10`, '2016-06-13T08:10:00Z', 'available', '50', 'yes', 'no'],
      ['rds-automated', `rds:${INSTANCE}-2016-06-12-08-10`, '2016-06-12T08:10:00Z', 'available', '50', 'yes', 'no'],
      ['rds-automated', `rds:${INSTANCE}-2016-06-11-08-10`, '2016-06-11T08:10:00Z', 'available', '50', 'yes', 'no'],
    ]);
    expect(result.stdout.slice(result.stdout.indexOf('\n\n') + 2)).toBe(
      [
        `${INSTANCE} (stopped): retention 7 days, backup window 08:03-08:33 UTC`,
        `Newest automated backup: rds:${INSTANCE}-2016-06-13-08-10, 18h 50m ago`,
        'Restore window: 2016-06-11T08:10:00Z .. 2016-06-13T21:00:00Z',
        'Manual snapshots: 2 of this instance, 3 / 100 in us-east-1',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('');
    // Read-only, and both paginations followed.
    expect(rds.commandCalls(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: INSTANCE })).toHaveLength(2);
    expect(elasticache.commandCalls(DescribeSnapshotsCommand)).toHaveLength(2);
    const readOnly = [...rds.calls(), ...elasticache.calls()].every((call) =>
      /^Describe/.test((call.args[0] as { constructor: { name: string } }).constructor.name),
    );
    expect(readOnly).toBe(true);
  });

  it('prints the same data as JSON with --json', async () => {
    const result = await run(['backup', 'list-backups', 'prod', '--json'], { now: () => NOW });

    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.environment).toBe('prod');
    expect(output.region).toBe('us-east-1');
    expect(output.backups).toHaveLength(7);
    expect(output.backups[3]).toEqual({
      type: 'rds-manual',
      id: 'interactions-pre-migration',
      createdAt: '2016-06-13T12:00:00Z',
      status: 'available',
      sizeGiB: 20,
      encrypted: true,
      managedByAutomation: true,
    });
    expect(output.backups[2]).toEqual({
      type: 'cache-manual',
      id: 'interactions-prod-before-upgrade',
      createdAt: '2016-06-13T20:00:00Z',
      status: 'creating',
      sizeGiB: 1.5,
    });
    expect(output.summary).toEqual({
      instance: { id: INSTANCE, status: 'stopped', backupRetentionDays: 7, backupWindow: '08:03-08:33' },
      newestAutomatedBackup: {
        id: `rds:${INSTANCE}-2016-06-13-08-10`,
        createdAt: '2016-06-13T08:10:00Z',
        ageHours: 18.83,
      },
      restoreWindow: { earliest: '2016-06-11T08:10:00Z', latest: '2016-06-13T21:00:00Z' },
      manualSnapshots: { instance: 2, region: 3, quota: 100 },
      warnings: [],
    });
  });

  it('warns when the newest automated backup is older than the environment allows', async () => {
    // prod allows 26 h; the newest automated snapshot is 51 h 50 m old here.
    const result = await run(['backup', 'list-backups', 'prod'], { now: () => new Date('2016-06-15T12:00:00Z') });

    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: newest automated backup is 51 h old (limit 26 h)\n');
  });

  it('warns when there is no automated backup and backups are disabled', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [{ ...instance, BackupRetentionPeriod: 0 }] });
    rds.on(DescribeDBSnapshotsCommand, { DBInstanceIdentifier: INSTANCE }).resolves({ DBSnapshots: [managedManual] });
    elasticache.on(DescribeSnapshotsCommand).resolves({ Snapshots: [] });

    const result = await run(['backup', 'list-backups', 'prod', '--json'], { now: () => NOW });

    expect(result.code).toBe(0);
    const { summary } = JSON.parse(result.stdout);
    expect(summary.newestAutomatedBackup).toBeNull();
    expect(summary.restoreWindow).toEqual({ latest: '2016-06-13T21:00:00Z' });
    expect(summary.warnings).toEqual([
      `no automated backup of ${INSTANCE}`,
      'automated backups are disabled (retention 0)',
    ]);
  });

  it('exits 1 naming the instance when it does not exist', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .rejects(new DBInstanceNotFoundFault({ message: `DBInstance ${INSTANCE} not found.`, $metadata: {} }));

    const result = await run(['backup', 'list-backups', 'prod']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: database instance '${INSTANCE}' not found in us-east-1\n`);
    expect(result.stdout).toBe('');
  });

  it('reads the environment named on the command line in the region given', async () => {
    const result = await run(['backup', 'list-backups', 'staging', '--region', 'eu-west-1']);

    expect(result.regions).toEqual(['eu-west-1']);
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'interactions-staging-postgres',
    });
    // No mock answers for staging: the instance is reported missing.
    expect(result.code).toBe(1);
  });
});

describe('parseCacheSizeGiB', () => {
  it.each([
    ['512 MB', 0.5],
    ['1.5 GB', 1.5],
    ['2 TB', 2048],
    ['1048576 KB', 1],
    ['0 MB', 0],
  ])('%s is %d GiB', (text, gib) => {
    expect(parseCacheSizeGiB(text)).toBeCloseTo(gib, 6);
  });

  it.each([undefined, '', 'large', '5 parsecs'])('%j is unknown', (text) => {
    expect(parseCacheSizeGiB(text)).toBeUndefined();
  });
});
