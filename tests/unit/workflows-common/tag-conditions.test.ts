import {
  alreadyManagedConditions,
  createRequestConditions,
  managedResourceConditions,
  ownedResourceConditions,
  tagOnCreateConditions,
} from '../../../workflows/common/tag-conditions.js';

describe('ownedResourceConditions', () => {
  it('requires managed-by, the environment and an execution tag on the resource', () => {
    expect(ownedResourceConditions('prod')).toEqual({
      StringEquals: {
        'aws:ResourceTag/interactions:managed-by': 'interactions-automation',
        'aws:ResourceTag/interactions:environment': 'prod',
      },
      Null: { 'aws:ResourceTag/interactions:execution': 'false' },
    });
  });

  it('uses the service-specific key prefix it is given', () => {
    expect(ownedResourceConditions('dev', 'rds:snapshot-tag')).toEqual({
      StringEquals: {
        'rds:snapshot-tag/interactions:managed-by': 'interactions-automation',
        'rds:snapshot-tag/interactions:environment': 'dev',
      },
      Null: { 'rds:snapshot-tag/interactions:execution': 'false' },
    });
    expect(Object.keys(ownedResourceConditions('dev', 'rds:db-tag').StringEquals ?? {})).toEqual([
      'rds:db-tag/interactions:managed-by',
      'rds:db-tag/interactions:environment',
    ]);
  });

  it('returns a new object each time, so one grant cannot alter another', () => {
    const first = ownedResourceConditions('staging');
    (first.StringEquals as Record<string, string>)['aws:ResourceTag/interactions:environment'] = 'prod';
    expect(ownedResourceConditions('staging').StringEquals).toMatchObject({
      'aws:ResourceTag/interactions:environment': 'staging',
    });
  });
});

describe('managedResourceConditions', () => {
  it('requires managed-by and the environment but no particular execution', () => {
    expect(managedResourceConditions('prod', 'rds:snapshot-tag')).toEqual({
      StringEquals: {
        'rds:snapshot-tag/interactions:managed-by': 'interactions-automation',
        'rds:snapshot-tag/interactions:environment': 'prod',
      },
    });
  });
});

describe('createRequestConditions', () => {
  it('requires the create request to tag managed-by and the environment', () => {
    expect(createRequestConditions('staging')).toEqual({
      StringEquals: {
        'aws:RequestTag/interactions:managed-by': 'interactions-automation',
        'aws:RequestTag/interactions:environment': 'staging',
      },
    });
  });
});

describe('tagOnCreateConditions', () => {
  it("requires createRequestConditions' tags and also an execution and an expiry in the request", () => {
    // Act
    const conditions = tagOnCreateConditions('dev');

    // Assess
    expect(conditions.StringEquals).toEqual(createRequestConditions('dev').StringEquals);
    expect(conditions.Null).toEqual({
      'aws:RequestTag/interactions:execution': 'false',
      'aws:RequestTag/interactions:expires-at': 'false',
    });
  });

  it('allows the automation tag keys and the extra keys it is given, and no other', () => {
    const automationKeys = [
      'interactions:managed-by',
      'interactions:execution',
      'interactions:expires-at',
      'interactions:environment',
    ];
    expect(tagOnCreateConditions('prod')['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': automationKeys });
    expect(tagOnCreateConditions('prod', ['team'])['ForAllValues:StringEquals']).toEqual({
      'aws:TagKeys': [...automationKeys, 'team'],
    });
  });
});

describe('alreadyManagedConditions', () => {
  it('matches a resource that already carries interactions:managed-by, in the service key it is given', () => {
    expect(alreadyManagedConditions('rds:snapshot-tag')).toEqual({
      Null: { 'rds:snapshot-tag/interactions:managed-by': 'false' },
    });
    expect(alreadyManagedConditions()).toEqual({ Null: { 'aws:ResourceTag/interactions:managed-by': 'false' } });
  });
});
