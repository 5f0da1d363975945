/**
 * Resolution of CloudFormation intrinsic functions against the resources the local deployer created, so a function's
 * environment in the synthesized template (`Ref`, `Fn::GetAtt`, `Fn::Join` …) becomes local names and URLs.
 */
import { ValidationError } from '../../lib/core/errors.ts';

/** What references resolve to: per logical id, its `Ref` value and its `Fn::GetAtt` attributes. */
export interface ResolutionScope {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly refs: ReadonlyMap<string, string>;
  readonly attributes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Template parameters with their defaults (CDK adds `BootstrapVersion`). */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** Marks `AWS::NoValue`: the property is dropped. */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves every intrinsic in `value` (deeply). Unknown references throw a `ValidationError` naming the path.
 *
 * @example
 * ```ts
 * resolveIntrinsics({ 'Fn::Join': ['', ['{"default":"', { Ref: 'Queue' }, '"}']] }, scope);
 * // '{"default":"http://127.0.0.1:4566/000000000000/sundial-default"}'
 * ```
 */
export function resolveIntrinsics(value: unknown, scope: ResolutionScope, path = '$'): unknown {
  const resolved = resolve(value, scope, path);
  return resolved === NO_VALUE ? undefined : resolved;
}

function pseudo(name: string, scope: ResolutionScope): string | typeof NO_VALUE | undefined {
  switch (name) {
    case 'AWS::Region':
      return scope.region;
    case 'AWS::AccountId':
      return scope.accountId;
    case 'AWS::StackName':
      return scope.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${scope.region}:${scope.accountId}:stack/${scope.stackName}/local`;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

function ref(name: string, scope: ResolutionScope, path: string): string | typeof NO_VALUE {
  const value = pseudo(name, scope) ?? scope.refs.get(name) ?? scope.parameters?.[name];
  if (value === undefined) {
    throw new ValidationError(
      `${path}: { "Ref": "${name}" } names no resource, parameter or pseudo parameter of the template; ` +
        'the local stack resolves references to the tables, queues and functions it created.',
    );
  }
  return value;
}

function getAtt(logicalId: string, attribute: string, scope: ResolutionScope, path: string): string {
  const value = scope.attributes.get(logicalId)?.[attribute];
  if (value === undefined) {
    const known = Object.keys(scope.attributes.get(logicalId) ?? {});
    throw new ValidationError(
      `${path}: Fn::GetAtt ${logicalId}.${attribute} is not known locally (attributes of ${logicalId}: ` +
        `${known.length > 0 ? known.join(', ') : 'none'}).`,
    );
  }
  return value;
}

function resolve(value: unknown, scope: ResolutionScope, path: string): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => resolve(v, scope, `${path}[${i}]`)).filter((v) => v !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    const at = `${path}.${key}`;
    switch (key) {
      case 'Ref':
        return ref(String(arg), scope, at);
      case 'Fn::GetAtt': {
        const [id, attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split(/\.(.*)/s);
        return getAtt(id!, attr!, scope, at);
      }
      case 'Fn::Join': {
        const [separator, list] = arg as [string, unknown];
        return (resolve(list, scope, at) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolve(list, scope, at) as unknown[])[Number(resolve(index, scope, at))];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return String(resolve(source, scope, at)).split(separator);
      }
      case 'Fn::Sub':
        return substitute(arg, scope, at);
      case 'Fn::If':
      case 'Fn::GetAZs':
      case 'Fn::ImportValue':
      case 'Fn::FindInMap':
        throw new ValidationError(`${at}: ${key} is not supported by the local deployer; use Ref/GetAtt/Join/Sub.`);
      default:
        break;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const resolved = resolve(v, scope, `${path}.${key}`);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function substitute(arg: unknown, scope: ResolutionScope, path: string): string {
  const [template, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
  return template.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    if (name in variables) return String(resolve(variables[name], scope, `${path}.${name}`));
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return getAtt(name.slice(0, dot), name.slice(dot + 1), scope, path);
    return String(ref(name, scope, path));
  });
}
