/**
 * ARNs as they appear in a synthesized policy: plain strings, or `Fn::Join`s of strings and
 * references (`{ Ref: 'AWS::Partition' }`, `Fn::ImportValue`, `Fn::GetAtt`). Rendered to text with
 * placeholders, then classified by service and resource type (`rds` + `db`, `ecs` + `service`)
 * only when the text proves it: a reference that might hide colons in front of the type makes
 * the ARN unclassifiable.
 */

/** Pseudo parameters that never contain `:` or `/`, so they cannot shift the ARN's fields. */
const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': '{Partition}',
  'AWS::Region': '{Region}',
  'AWS::AccountId': '{AccountId}',
  'AWS::URLSuffix': '{URLSuffix}',
};

/** Marks a reference whose value is unknown at synth (it may contain anything). */
const UNKNOWN = '{?';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A readable name for an unknown reference, without the `:` and `/` that would split the ARN. */
const opaque = (name: string): string => `${UNKNOWN}${name.replace(/[:/"\\]/g, '.')}}`;

/**
 * The text of a resolved CloudFormation value: literals as they are, pseudo parameters as
 * `{Partition}`-style placeholders, any other reference as `{?name}`.
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isRecord(value)) {
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(renderValue).join(join[0]);
    }
    if (typeof value.Ref === 'string') return PSEUDO_PARAMETERS[value.Ref] ?? opaque(value.Ref);
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return opaque(getAtt.map(String).join('.'));
    if ('Fn::ImportValue' in value) return opaque('ImportValue');
    const [intrinsic] = Object.keys(value);
    return opaque(intrinsic ?? 'value');
  }
  return opaque('value');
}

/** Service and resource type of an ARN, e.g. `{ service: 'rds', type: 'snapshot' }`. */
export interface ArnResourceType {
  readonly service: string;
  readonly type: string;
}

/**
 * The service and resource type of a rendered ARN, or undefined when they cannot be known:
 * not an ARN, a wildcard or unknown reference in the service or type, or an unknown reference in
 * front of the type (it could hold colons). Handles `...:db:name` and `...:service/cluster/name`.
 */
export function arnResourceType(arn: string): ArnResourceType | undefined {
  const fields = arn.split(':');
  const [prefix, , service, , , resource] = fields;
  if (prefix !== 'arn' || service === undefined || resource === undefined) return undefined;
  if (fields.slice(0, 5).some((field) => field.includes(UNKNOWN))) return undefined;
  const type = resource.split('/')[0] ?? '';
  if (/[*?{]/.test(service) || service === '' || /[*?{]/.test(type) || type === '') return undefined;
  return { service, type };
}
