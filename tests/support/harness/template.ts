/**
 * Pulls a state machine's definition out of a synthesized CloudFormation template and resolves
 * the intrinsics CDK puts in it (Fn::Join, Ref, Fn::GetAtt, ...) to fake but well-formed,
 * deterministic values, so the JSON can be validated and executed locally.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** Account, region and partition every fake ARN uses. */
export const FAKE_ACCOUNT = '123456789012';
export const FAKE_REGION = 'us-east-1';
export const FAKE_PARTITION = 'aws';

/** A Lambda function of the template, and the name its fake ARN carries. */
export interface TemplateFunction {
  readonly logicalId: string;
  /** `FunctionName` when the template sets it as a plain string, else the logical id. */
  readonly functionName: string;
  readonly arn: string;
}

/** A state machine ready for the harness. */
export interface ExtractedStateMachine {
  /** The ASL definition, every intrinsic resolved. */
  readonly definition: AslDefinition;
  /** `StateMachineName` when set as a plain string, else the logical id. */
  readonly name: string;
  readonly logicalId?: string;
  /** Lambda functions of the template, for matching task ARNs to handlers. */
  readonly functions: readonly TemplateFunction[];
}

/** The parts of an ASL definition the harness reads (kept loose: definitions are JSON). */
export interface AslDefinition {
  StartAt: string;
  States: Record<string, AslState>;
  TimeoutSeconds?: number;
  QueryLanguage?: string;
  [key: string]: unknown;
}

/** One ASL state, loosely typed. */
export type AslState = Record<string, unknown> & { Type: string };

/** Selects one state machine of a template. */
export interface ExtractOptions {
  /** Matches the `StateMachineName` property. */
  readonly name?: string;
  /** Matches the logical id exactly, or as a unique prefix (CDK appends a hash). */
  readonly logicalId?: string;
}

type CfnResource = { Type: string; Properties?: Record<string, unknown> };
type CfnTemplate = { Resources?: Record<string, CfnResource> };

function templateJson(source: Stack | Template | Record<string, unknown>): CfnTemplate {
  if (source instanceof Stack) return Template.fromStack(source).toJSON() as CfnTemplate;
  if (source instanceof Template) return source.toJSON() as CfnTemplate;
  return source as CfnTemplate;
}

function serviceOf(type: string): string {
  return (type.split('::')[1] ?? 'unknown').toLowerCase();
}

function plainString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Fake but well-formed ARNs: the shape each service uses, named after the physical or logical name. */
function fakeArn(logicalId: string, resource: CfnResource): string {
  const p = resource.Properties ?? {};
  const prefix = `arn:${FAKE_PARTITION}`;
  switch (resource.Type) {
    case 'AWS::Lambda::Function':
      return `${prefix}:lambda:${FAKE_REGION}:${FAKE_ACCOUNT}:function:${plainString(p.FunctionName) ?? logicalId}`;
    case 'AWS::SNS::Topic':
      return `${prefix}:sns:${FAKE_REGION}:${FAKE_ACCOUNT}:${plainString(p.TopicName) ?? logicalId}`;
    case 'AWS::SQS::Queue':
      return `${prefix}:sqs:${FAKE_REGION}:${FAKE_ACCOUNT}:${plainString(p.QueueName) ?? logicalId}`;
    case 'AWS::StepFunctions::StateMachine':
      return `${prefix}:states:${FAKE_REGION}:${FAKE_ACCOUNT}:stateMachine:${plainString(p.StateMachineName) ?? logicalId}`;
    case 'AWS::IAM::Role':
      return `${prefix}:iam::${FAKE_ACCOUNT}:role/${plainString(p.RoleName) ?? logicalId}`;
    case 'AWS::S3::Bucket':
      return `${prefix}:s3:::${plainString(p.BucketName) ?? logicalId.toLowerCase()}`;
    case 'AWS::RDS::DBInstance':
      return `${prefix}:rds:${FAKE_REGION}:${FAKE_ACCOUNT}:db:${plainString(p.DBInstanceIdentifier) ?? logicalId.toLowerCase()}`;
    case 'AWS::Logs::LogGroup':
      return `${prefix}:logs:${FAKE_REGION}:${FAKE_ACCOUNT}:log-group:${plainString(p.LogGroupName) ?? logicalId}:*`;
    default:
      return `${prefix}:${serviceOf(resource.Type)}:${FAKE_REGION}:${FAKE_ACCOUNT}:${logicalId}`;
  }
}

/** What `Ref` returns: an ARN for the resources whose Ref is an ARN, else the physical name. */
function fakeRef(logicalId: string, resource: CfnResource): string {
  const p = resource.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::SNS::Topic':
    case 'AWS::StepFunctions::StateMachine':
      return fakeArn(logicalId, resource);
    case 'AWS::SQS::Queue':
      return `https://sqs.${FAKE_REGION}.amazonaws.com/${FAKE_ACCOUNT}/${plainString(p.QueueName) ?? logicalId}`;
    case 'AWS::Lambda::Function':
      return plainString(p.FunctionName) ?? logicalId;
    case 'AWS::RDS::DBInstance':
      return plainString(p.DBInstanceIdentifier) ?? logicalId.toLowerCase();
    case 'AWS::S3::Bucket':
      return plainString(p.BucketName) ?? logicalId.toLowerCase();
    default: {
      // Most resources Ref to their physical name: take the one property that looks like it.
      const named = Object.entries(p).find(([k, v]) => /(Name|Identifier|Id)$/.test(k) && typeof v === 'string');
      return (named?.[1] as string | undefined) ?? logicalId;
    }
  }
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': FAKE_PARTITION,
  'AWS::Region': FAKE_REGION,
  'AWS::AccountId': FAKE_ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'harness-stack',
  'AWS::StackId': `arn:${FAKE_PARTITION}:cloudformation:${FAKE_REGION}:${FAKE_ACCOUNT}:stack/harness-stack/00000000-0000-0000-0000-000000000000`,
  'AWS::NoValue': '',
};

/** Resolves CloudFormation intrinsics against a template, with deterministic fake values. */
export function resolveIntrinsics(value: unknown, template: CfnTemplate): unknown {
  const resources = template.Resources ?? {};
  const resource = (id: string): CfnResource => {
    const r = resources[id];
    if (!r) throw new Error(`Template has no resource "${id}" (referenced by the state machine definition)`);
    return r;
  };
  const ref = (id: string): string => PSEUDO[id] ?? fakeRef(id, resource(id));
  const getAtt = (id: string, attr: string): string => {
    const r = resource(id);
    if (attr === 'Arn') return fakeArn(id, r);
    if (attr === 'Name' || attr.endsWith('Name')) return fakeRef(id, r);
    return `${id}.${attr}`;
  };
  const str = (v: unknown): string => {
    const resolved = resolve(v);
    if (typeof resolved !== 'string' && typeof resolved !== 'number') {
      throw new Error(`Expected an intrinsic to resolve to a string, got ${JSON.stringify(resolved)}`);
    }
    return String(resolved);
  };
  function resolve(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(resolve);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v as Record<string, unknown>);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined) {
      switch (key) {
        case 'Ref':
          return ref(str(arg));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(arg) ? arg : String(arg).split('.');
          return getAtt(str(id), str(attr));
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          const list = resolve(parts) as unknown[];
          return list.map((p) => str(p)).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (resolve(list) as unknown[])[Number(resolve(index))];
        }
        case 'Fn::Split': {
          const [sep, source] = arg as [string, unknown];
          return str(source).split(sep);
        }
        case 'Fn::Sub': {
          const [text, vars] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
          return text.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
            if (name in vars) return str(vars[name]);
            if (PSEUDO[name] !== undefined) return PSEUDO[name];
            const [id, attr] = name.split('.');
            return attr === undefined ? ref(id ?? name) : getAtt(id ?? name, attr);
          });
        }
        case 'Fn::ImportValue':
          return `imported-${str(arg)}`;
        default:
          if (key.startsWith('Fn::')) throw new Error(`Intrinsic ${key} is not supported by the workflow harness`);
      }
    }
    return Object.fromEntries(entries.map(([k, val]) => [k, resolve(val)]));
  }
  return resolve(value);
}

/** Throws if the definition (or any state in it) uses JSONata: the local engine ignores it silently. */
export function assertJsonPath(definition: unknown, where = 'definition'): void {
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const [i, n] of node.entries()) visit(n, `${path}[${i}]`);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.QueryLanguage === 'JSONata') {
      throw new Error(
        `${where} uses QueryLanguage JSONata at ${path}: aws-local-stepfunctions does not support JSONata ` +
          '(arguments are ignored and conditions never match), so it cannot be tested locally. Use JSONPath.',
      );
    }
    for (const [k, v] of Object.entries(obj)) visit(v, `${path}.${k}`);
  };
  visit(definition, '$');
}

function matchStateMachine(resources: Record<string, CfnResource>, options: ExtractOptions): [string, CfnResource] {
  const machines = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine');
  const describe = (list: [string, CfnResource][]): string =>
    list.map(([id, r]) => `${id} (${plainString(r.Properties?.StateMachineName) ?? 'no name'})`).join(', ') || 'none';
  let candidates = machines;
  if (options.name !== undefined)
    candidates = candidates.filter(([, r]) => r.Properties?.StateMachineName === options.name);
  if (options.logicalId !== undefined) {
    const exact = candidates.filter(([id]) => id === options.logicalId);
    candidates = exact.length > 0 ? exact : candidates.filter(([id]) => id.startsWith(options.logicalId as string));
  }
  const [only, ...rest] = candidates;
  if (!only || rest.length > 0) {
    const wanted = JSON.stringify({ name: options.name, logicalId: options.logicalId });
    throw new Error(
      `Expected exactly one state machine matching ${wanted}, found ${candidates.length}. State machines in the template: ${describe(machines)}`,
    );
  }
  return only;
}

/**
 * Extracts one state machine from a stack, an assertions Template or template JSON, with its
 * definition resolved. Fails when the selection is ambiguous or the definition uses JSONata.
 */
export function extractStateMachine(
  source: Stack | Template | Record<string, unknown>,
  options: ExtractOptions = {},
): ExtractedStateMachine {
  const template = templateJson(source);
  const resources = template.Resources ?? {};
  const [logicalId, resource] = matchStateMachine(resources, options);
  const props = resource.Properties ?? {};
  let definition: unknown;
  if (props.DefinitionString !== undefined) {
    const text = resolveIntrinsics(props.DefinitionString, template);
    if (typeof text !== 'string') throw new Error(`${logicalId}: DefinitionString did not resolve to a string`);
    definition = JSON.parse(text);
  } else if (props.Definition !== undefined) {
    definition = resolveIntrinsics(props.Definition, template);
  } else {
    throw new Error(`${logicalId}: no DefinitionString or Definition (DefinitionS3Location is not supported)`);
  }
  if (props.DefinitionSubstitutions !== undefined) {
    const subs = resolveIntrinsics(props.DefinitionSubstitutions, template) as Record<string, string>;
    definition = JSON.parse(
      JSON.stringify(definition).replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, k: string) => (k in subs ? String(subs[k]) : m)),
    );
  }
  const name = plainString(props.StateMachineName) ?? logicalId;
  assertJsonPath(definition, `State machine ${name}`);
  const functions = Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => ({ logicalId: id, functionName: fakeRef(id, r), arn: fakeArn(id, r) }));
  return { definition: definition as AslDefinition, name, logicalId, functions };
}
