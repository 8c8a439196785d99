import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  TEMPORARY_DB_STATES as S,
  TemporaryDbInstance,
  type TemporaryDbInstanceProps,
} from '../../../workflows/common/temporary-db-instance.js';
import { stackWithFailurePath } from './support.js';

function build(overrides: Partial<TemporaryDbInstanceProps> = {}) {
  const { stack, failure } = stackWithFailurePath();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const temporary = new TemporaryDbInstance(stack, 'Temporary', {
    envName: 'dev',
    source: rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
      instanceIdentifier: 'interactions-dev-postgres',
      instanceEndpointAddress: 'db.example.internal',
      port: 5432,
      securityGroups: [],
    }),
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1'),
    namePrefix: 'interactions-dev-full-',
    planPath: '$.plan',
    placement: {
      subnetGroupName: 'drill-data',
      securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc })],
      parameterGroupName: 'interactions-dev-pg',
      instanceClass: 'db.t3.small',
    },
    pollInterval: Duration.minutes(1),
    waitBudget: Duration.minutes(30),
    ...overrides,
  });
  return { stack, failure, temporary };
}

describe('TemporaryDbInstance', () => {
  it('refuses a name prefix that would not scope the IAM grants to the drill', () => {
    expect(() => build({ namePrefix: 'interactions-dev-*' })).toThrow(
      'TemporaryDbInstance: namePrefix must look like interactions-<env>-<purpose>-',
    );
  });

  it('refuses a wait budget shorter than one poll', () => {
    expect(() => build({ waitBudget: Duration.seconds(30) })).toThrow('waitBudget must be at least one pollInterval');
  });

  it('builds the delete once: the success path and the failure cleanup enter the same state', () => {
    // Prepare
    const { temporary, failure } = build();

    // Act
    const first = temporary.deletion(failure.startState);
    const second = temporary.deletion(new sfn.Pass(temporary, 'Elsewhere'));

    // Assess
    expect(second).toBe(first);
    expect((first as sfn.Choice).id).toBe(S.toDelete);
  });

  it('needs deletion() before continueAfterDeletion()', () => {
    // Prepare
    const { temporary } = build();

    // Act / Assess
    expect(() => temporary.continueAfterDeletion(new sfn.Pass(temporary, 'Next'))).toThrow('build deletion() first');
  });

  it('reads the endpoint and its own state under statePath', () => {
    // Act
    const { temporary } = build({ statePath: '$.db' });

    // Assess
    expect(temporary.endpointAddressPath).toBe('$.db.described.instances[0].Endpoint.Address');
    expect(temporary.createdPath).toBe('$.db.created');
    expect(temporary.deletionPath).toBe('$.db.deletion');
  });
});
