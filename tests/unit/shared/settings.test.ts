import { ConfigurationError } from '../../../shared/errors.js';
import { baseSettingsShape, defineSettings } from '../../../shared/settings.js';
import * as z from '../../../shared/zod.js';

describe('defineSettings', () => {
  it('returns typed, validated values', () => {
    const result = defineSettings(
      { REPORTS_BUCKET: z.string().check(z.minLength(3)), MAX: z.coerce.number().check(z.int()) },
      { REPORTS_BUCKET: 'interactions-dev-automation-reports', MAX: '5' },
    );
    expect(result).toEqual({ REPORTS_BUCKET: 'interactions-dev-automation-reports', MAX: 5 });
  });

  it('fails naming every missing or invalid variable', () => {
    const act = () => defineSettings(baseSettingsShape, { ENVIRONMENT: 'qa', WORKFLOW: 'nope' });
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(/ENVIRONMENT: .*"dev"/);
    expect(act).toThrow(/WORKFLOW: /);
  });

  it('reports an absent variable as required, and treats empty as absent', () => {
    expect(() => defineSettings({ REPORTS_BUCKET: z.string() }, { REPORTS_BUCKET: '' })).toThrow(
      'Invalid environment variables: REPORTS_BUCKET: required',
    );
  });

  it('never echoes variables it was not asked for', () => {
    try {
      defineSettings({ A: z.string() }, { AWS_SECRET_ACCESS_KEY: 'secret-value' });
      throw new Error('expected a failure');
    } catch (error) {
      expect(String(error)).not.toContain('secret-value');
    }
  });

  it("requires the function's identity: environment and region", () => {
    expect(defineSettings(baseSettingsShape, { ENVIRONMENT: 'prod', AWS_REGION: 'eu-west-1' })).toEqual({
      ENVIRONMENT: 'prod',
      AWS_REGION: 'eu-west-1',
    });
    expect(() => defineSettings(baseSettingsShape, { ENVIRONMENT: 'prod' })).toThrow('AWS_REGION: required');
    expect(() => defineSettings(baseSettingsShape, { AWS_REGION: 'eu-west-1' })).toThrow('ENVIRONMENT: required');
  });
});
