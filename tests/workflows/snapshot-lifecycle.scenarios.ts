/**
 * The scenarios of the snapshot lifecycle both snapshot workflows share, written once and run by
 * each workflow's test file against its own testbed (one testbed per file: it owns the file's SNS
 * mock and local S3 server). What differs per service comes from its fixture
 * (snapshot-lifecycle.fixtures.ts). Every Lambda task runs its real handler.
 */

import { SNAPSHOT_VERIFIED_STATE } from '../../shared/naming.js';
import { UNREPORTED_FAILURE } from '../../workflows/common/failure-path.js';
import { validateDefinition } from '../support/state-machine-harness.js';
import { retentionDaysTagged } from '../support/workflow-testbed.js';
import { FAILURE_TAIL, POLL, type SnapshotLifecycleFixture, SUCCESS_TAIL } from './snapshot-lifecycle.fixtures.js';

/** Registers the shared lifecycle scenarios for the fixture's service. */
export function describeSnapshotLifecycle(fixture: SnapshotLifecycleFixture): void {
  const { service, run, errors, ownTags, created } = fixture;
  const available = fixture.described('available');
  const alreadyExists = { Throw: { Error: errors.alreadyExists, Cause: 'A snapshot with that name already exists.' } };
  /** The service's prefix of SDK-integration error names (`Rds`, `ElastiCache`). */
  const servicePrefix = errors.network.split('.')[0];

  describe(`${service} snapshot lifecycle`, () => {
    it('has a valid JSONPath definition with an overall timeout', () => {
      validateDefinition(fixture.definition);
      expect(fixture.definition.TimeoutSeconds).toBe(fixture.timeoutSeconds);
    });

    it('enters the state housekeeping reads as "verified" only right after Verify snapshot', () => {
      // Housekeeping keeps a failed run's snapshot when the run's history shows this state.
      const entering = Object.entries(fixture.definition.States).filter(
        ([, state]) => (state as { Next?: string }).Next === SNAPSHOT_VERIFIED_STATE,
      );
      expect(entering.map(([name]) => name)).toEqual(['Verify snapshot']);
    });

    it("keeps the snapshot for the request's retainDays: its expires-at tag, which housekeeping deletes by", async () => {
      // Prepare
      const startedAt = new Date();

      // Act
      const result = await run({ ...created, 'Describe snapshot': available }, { ...fixture.input, retainDays: 400 });

      // Assess
      expect(result).toHaveSucceeded();
      expect(retentionDaysTagged(result, 'Create snapshot', startedAt)).toBe(400);
    });

    it("keeps the snapshot for the environment's retention when the request sets none", async () => {
      // Prepare
      const startedAt = new Date();

      // Act
      const result = await run({ ...created, 'Describe snapshot': available });

      // Assess: prod keeps manual snapshots 35 days (config automation.manualSnapshotRetentionDays)
      expect(result).toHaveSucceeded();
      expect(retentionDaysTagged(result, 'Create snapshot', startedAt)).toBe(35);
    });

    it('rejects a malformed request before any AWS call', async () => {
      // Act
      const result = await run(created, fixture.malformed.input);

      // Assess
      expect(result).toHaveFailedWith('ValidationError', fixture.malformed.cause);
      expect(result).toHavePassedThrough('Validate request', 'Snapshot created?');
      expect(result).not.toHavePassedThrough('Create snapshot');
      expect(result).toHaveEndedWith(...FAILURE_TAIL);
      expect(result.sdkCalls).toEqual([]);
    });

    it('rejects a retainDays out of range before any AWS call', async () => {
      // Act
      const result = await run(created, { ...fixture.input, retainDays: 0 });

      // Assess
      expect(result).toHaveFailedWith('ValidationError', 'request.retainDays');
      expect(result.sdkCalls).toEqual([]);
    });

    it('fails on a duplicate name and deletes nothing', async () => {
      // Prepare: the name is held by a snapshot of another execution of the automation in this
      // environment (managed-by and environment match: only the execution tag tells it apart)
      const otherExecution = [ownTags[0], { Key: 'interactions:execution', Value: 'someone-elses-run' }, ownTags[2]];

      // Act
      const result = await run({ ...created, 'Create snapshot': alreadyExists, ...fixture.existing(otherExecution) });

      // Assess
      expect(result).toHaveFailedWith('ResourceConflictError', 'already exists');
      expect(result.cause).toContain('left untouched');
      expect(result).toHaveEndedWith(
        ...fixture.lookupStates,
        'Note this execution',
        'Check owner tags',
        'Created by this execution?',
        'Reject duplicate name',
        'Snapshot created?',
        ...FAILURE_TAIL,
      );
      expect(result).not.toHavePassedThrough('Delete snapshot');
      expect(fixture.deletes()).toEqual([]);
    });

    it.each([
      ['an untagged snapshot', []],
      ['a snapshot whose tag list is missing', undefined],
      ['a snapshot tagged with this execution but not managed by the automation', [ownTags[1], ownTags[2]]],
      ['a snapshot of another environment with the same execution name', [ownTags[0], ownTags[1]]],
    ])('rejects a duplicate name held by %s', async (_label, tags) => {
      // Act
      const result = await run({ ...created, 'Create snapshot': alreadyExists, ...fixture.existing(tags) });

      // Assess
      expect(result).toHaveFailedWith('ResourceConflictError');
      expect(result).toHavePassedThrough('Reject duplicate name');
      expect(result).not.toHavePassedThrough('Adopt own snapshot');
      expect(result).not.toHavePassedThrough('Delete snapshot');
    });

    it('adopts its own snapshot when a retried create finds the first attempt went through', async () => {
      // Act
      const result = await run({
        ...created,
        'Create snapshot': [{ Throw: { Error: errors.network, Cause: 'Read timed out' } }, alreadyExists],
        ...fixture.existing(ownTags, 'creating'),
        'Describe snapshot': available,
      });

      // Assess
      expect(result).toHaveSucceeded();
      expect(result.retries['Create snapshot']).toBe(1);
      const adopted = result.path.indexOf('Created by this execution?');
      expect(result.path.slice(adopted, adopted + 3)).toEqual([
        'Created by this execution?',
        'Adopt own snapshot',
        'Start waiting',
      ]);
      expect(result).toHavePassedThrough(
        'Describe existing snapshot',
        'Adopt own snapshot',
        ...POLL,
        'Verify snapshot',
      );
      expect(result).toHaveEndedWith(...SUCCESS_TAIL);
      expect(result).not.toHavePassedThrough('Reject duplicate name');
      expect(result.output?.snapshot.id).toBe(fixture.snapshotName);
    });

    it('keeps the verified snapshot when the success notification fails, and reports the failure', async () => {
      // Prepare
      fixture.guardFinds('available', ownTags);

      // Act
      const result = await run({
        ...created,
        'Describe snapshot': available,
        'Notify success': { Throw: { Error: 'S3.AccessDenied', Cause: 'report bucket refused the write' } },
      });

      // Assess
      expect(result).toHaveFailedWith('S3.AccessDenied');
      expect(result).toHaveEndedWith('Verify snapshot', 'Notify success', 'Snapshot created?', ...FAILURE_TAIL);
      expect(result).not.toHavePassedThrough('Delete snapshot');
      expect(fixture.deletes()).toEqual([]);
      expect(result).toHaveNotified({ status: 'FAILED', error: 'S3.AccessDenied' });
    });

    it(`fails with QuotaExceededError when ${service} refuses the create for quota, deleting nothing`, async () => {
      // Act
      const result = await run({
        ...created,
        'Create snapshot': { Throw: { Error: errors.quotaExceeded, Cause: 'quota' } },
      });

      // Assess
      expect(result).toHaveFailedWith('QuotaExceededError', 'quota is exhausted');
      expect(result).toHavePassedThrough('Create snapshot', 'Reject quota exceeded');
      expect(result).toHaveEndedWith('Reject quota exceeded', 'Snapshot created?', ...FAILURE_TAIL);
      expect(result).not.toHavePassedThrough('Delete snapshot');
    });

    it(`deletes its own snapshot, notifies and fails when ${service} reports the snapshot failed`, async () => {
      // Prepare
      fixture.guardFinds('failed', ownTags);

      // Act
      const result = await run({ ...created, 'Describe snapshot': fixture.described('failed') });

      // Assess
      expect(result).toHaveFailedWith('ResourceFailedError', 'failed');
      expect(result).toHaveEndedWith(
        'Snapshot available?',
        'Snapshot creation failed',
        'Snapshot created?',
        'Delete snapshot',
        ...FAILURE_TAIL,
      );
      expect(fixture.deletes()).toEqual([fixture.deleteInput]);
      expect(result).toHaveNotified({ status: 'FAILED', severity: 'high', error: 'ResourceFailedError' });
      expect(fixture.notifications.published()[0]?.TopicArn).toBe(fixture.notifications.topics.high);
    });

    it('still deletes its own snapshot, then ends with UnreportedFailure when the failure notification fails too', async () => {
      // Prepare: the snapshot failed; the failure notification cannot be delivered
      fixture.guardFinds('failed', ownTags);

      // Act
      const result = await run({
        ...created,
        'Describe snapshot': fixture.described('failed'),
        'Notify failure': { Throw: { Error: 'S3.AccessDenied', Cause: 'report bucket refused the write' } },
      });

      // Assess: cleanup came first; nobody was notified, so the execution fails in the way the alarm pages for
      expect(result).toHaveFailedWith(UNREPORTED_FAILURE, 'ResourceFailedError');
      expect(result).toHaveEndedWith(
        'Delete snapshot',
        'Notify failure',
        'Build unreported failure message',
        'Fail unreported',
      );
      expect(fixture.deletes()).toEqual([fixture.deleteInput]);
    });

    it('counts a throttled Describe as a poll and keeps waiting (no retry inside the time-bounded loop)', async () => {
      // Act
      const result = await run({ ...created, 'Describe snapshot': [{ Throw: errors.throttled }, available] });

      // Assess
      expect(result).toHaveSucceeded();
      expect(result.retries['Describe snapshot']).toBeUndefined();
      expect(result.path.filter((state) => state === 'Describe snapshot')).toHaveLength(2);
    });

    it('notifies and fails, deleting nothing, when the create fails for a reason it cannot retry', async () => {
      // Prepare: an error that is neither transient, nor a duplicate name, nor the quota
      const invalid = {
        Error: `${servicePrefix}.InvalidParameterValueException`,
        Cause: 'The source is not available.',
      };

      // Act
      const result = await run({ ...created, 'Create snapshot': { Throw: invalid } });

      // Assess
      expect(result).toHaveFailedWith(invalid.Error);
      expect(result).toHaveEndedWith('Create snapshot', 'Snapshot created?', ...FAILURE_TAIL);
      expect(fixture.deletes()).toEqual([]);
      expect(result).toHaveNotified({ status: 'FAILED', error: invalid.Error });
    });

    it('deletes its own snapshot, notifies and fails when a Describe of the wait fails for a reason it cannot retry', async () => {
      // Prepare: not transient, so not counted as a poll; the snapshot exists and is this execution's
      const invalid = {
        Error: `${servicePrefix}.InvalidParameterValueException`,
        Cause: 'Access to the snapshot was refused.',
      };
      fixture.guardFinds('available', ownTags);

      // Act
      const result = await run({ ...created, 'Describe snapshot': { Throw: invalid } });

      // Assess
      expect(result).toHaveFailedWith(invalid.Error);
      expect(result).toHaveEndedWith('Describe snapshot', 'Snapshot created?', 'Delete snapshot', ...FAILURE_TAIL);
      expect(fixture.deletes()).toEqual([fixture.deleteInput]);
      expect(result).toHaveNotified({ status: 'FAILED', error: invalid.Error });
    });

    it('keeps waiting when a Describe right after the create does not find the snapshot yet', async () => {
      // Act: the first Describe does not see the new snapshot (eventual consistency), the second does
      const result = await run({
        ...created,
        'Describe snapshot': [{ Throw: { Error: errors.notFound, Cause: 'Snapshot not found.' } }, available],
      });

      // Assess
      expect(result).toHaveSucceeded();
      expect(result.path.filter((state) => state === 'Describe snapshot')).toHaveLength(2);
      expect(fixture.deletes()).toEqual([]);
    });

    it.each([
      ['a snapshot still creating', 'creating'],
      ['an empty Describe result (not yet visible)', undefined],
    ])(
      'gives up waiting on %s within the budget, cleans up (leaving a still-creating snapshot to the sweeper) and notifies',
      async (_label, status) => {
        // Prepare: the guard finds the snapshot still creating, which the service refuses to delete
        fixture.guardFinds('creating', ownTags);

        // Act
        const result = await run({
          ...created,
          'Describe snapshot': status === undefined ? fixture.notYetVisible : fixture.described(status),
        });

        // Assess
        expect(result).toHaveFailedWith('WaitTimedOutError', `was not available after ${fixture.polls} polls`);
        expect(result.path.filter((state) => state === 'Describe snapshot')).toHaveLength(fixture.polls);
        expect(result).toHaveEndedWith(
          'Snapshot available?',
          'Snapshot wait timed out',
          'Snapshot created?',
          'Delete snapshot',
          ...FAILURE_TAIL,
        );
        expect(result.virtualSeconds).toBeLessThan(fixture.timeoutSeconds);
        expect(fixture.deletes()).toEqual([]);
        expect(result.lambdaInvocations.find((i) => i.state === 'Delete snapshot')?.result).toMatchObject({
          outcome: 'left-for-sweeper',
        });
        expect(result).toHaveNotified({ status: 'FAILED', error: 'WaitTimedOutError' });
      },
    );

    it('reports a refused cleanup (snapshot not ours) and still notifies and fails', async () => {
      // Prepare: verification fails, and the guard finds the snapshot without this execution's tags
      fixture.guardFinds('available', []);

      // Act
      const result = await run({ ...created, 'Describe snapshot': fixture.unverifiable });

      // Assess
      expect(result).toHaveFailedWith('VerificationFailedError');
      expect(result).toHaveEndedWith('Delete snapshot', ...FAILURE_TAIL);
      expect(fixture.deletes()).toEqual([]);
      expect(result.lambdaInvocations.find((i) => i.state === 'Delete snapshot')?.error?.Error).toBe('TagGuardError');
      expect(result).toHaveNotified({ status: 'FAILED', error: 'VerificationFailedError' });
    });
  });
}
