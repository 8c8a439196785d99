/**
 * AWS region display names, as SNS alarm notifications write them in `Region` ("US East (N.
 * Virginia)"; older messages "EU - Ireland"), mapped to region codes. An unknown name is not an
 * error (AWS adds regions): the code is then taken from the alarm ARN, or left unknown.
 */

/** Display names by region code; `EU` and `Europe` are both in use, so matching treats them alike. */
const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-southeast-3': 'Asia Pacific (Jakarta)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ca-central-1': 'Canada (Central)',
  'ca-west-1': 'Canada West (Calgary)',
  'eu-central-1': 'Europe (Frankfurt)',
  'eu-central-2': 'Europe (Zurich)',
  'eu-west-1': 'Europe (Ireland)',
  'eu-west-2': 'Europe (London)',
  'eu-west-3': 'Europe (Paris)',
  'eu-north-1': 'Europe (Stockholm)',
  'eu-south-1': 'Europe (Milan)',
  'eu-south-2': 'Europe (Spain)',
  'il-central-1': 'Israel (Tel Aviv)',
  'me-south-1': 'Middle East (Bahrain)',
  'me-central-1': 'Middle East (UAE)',
  'sa-east-1': 'South America (Sao Paulo)',
  'us-gov-west-1': 'AWS GovCloud (US-West)',
  'us-gov-east-1': 'AWS GovCloud (US-East)',
};

/** "EU - Ireland", "EU (Ireland)" and "Europe (Ireland)" all become `euireland`. */
function comparable(name: string): string {
  return name
    .normalize('NFD')
    .toLowerCase()
    .replace(/\beurope\b/g, 'eu')
    .replace(/[^a-z0-9]/g, '');
}

const CODES_BY_NAME: ReadonlyMap<string, string> = new Map(
  Object.entries(DISPLAY_NAMES).map(([code, name]) => [comparable(name), code]),
);

/** The region code of an SNS `Region` display name, or undefined when the name is not known. */
export function regionCodeOfDisplayName(displayName: string): string | undefined {
  return CODES_BY_NAME.get(comparable(displayName));
}
