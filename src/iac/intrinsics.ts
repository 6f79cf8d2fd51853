/**
 * CloudFormation intrinsic functions, resolved as far as a template allows before deploy. What only
 * the deploy knows (a resource's `Ref`/`GetAtt`, `ImportValue`, the account id) becomes a
 * `PlanTime` marker that the record builder turns into an unknown part.
 *
 * Values that have several possible outcomes are judged in each: a parameter with `AllowedValues`
 * and no value given takes each allowed value, and a condition that cannot be decided takes both
 * branches. The `Choices` passed in picks one outcome per key for a run (see `explore`).
 */

/** A value known only at deploy time; `detail` names the expression (never a literal value). */
export class PlanTime {
  constructor(readonly detail: string) {}
}

/** `Ref: AWS::NoValue`: the property is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface Choices {
  /** The option taken for `key` in this run; the same key always gets the same answer within a run. */
  choose<T>(key: string, options: readonly T[]): T;
}

export interface ParameterDef {
  readonly Type?: string;
  readonly Default?: unknown;
  readonly AllowedValues?: readonly unknown[];
}

export interface TemplateScope {
  readonly parameters: Readonly<Record<string, ParameterDef>>;
  /** Values the user gave (`--iac-param`), as strings. */
  readonly given: ReadonlyMap<string, string>;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  /** Pseudo parameters known for this template (a cdk.out environment gives the region and account). */
  readonly pseudo: Readonly<Record<string, string>>;
}

/**
 * The account of records whose account is only known at deploy time. `AWS::AccountId` resolves to
 * it, so "the stack's own account" stays comparable with the record's account (a `SourceAccount`
 * condition on it ties the caller to the function's own account); when the role ARN names the real
 * account, the record builder puts that in its place.
 */
export const PLAN_ACCOUNT = '000000000000';

const knownPseudo: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::AccountId': PLAN_ACCOUNT,
};

export class Resolver {
  private readonly conditionCache = new Map<string, boolean>();

  constructor(
    private readonly scope: TemplateScope,
    private readonly choices: Choices,
  ) {}

  /** Resolves every intrinsic in `value`; `NO_VALUE` entries are dropped from maps and lists. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        const r = this.resolve(item);
        if (r !== NO_VALUE) out.push(r);
      }
      return out;
    }
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0] as [string, unknown];
      if (key === 'Ref' || key.startsWith('Fn::') || key === 'Condition') {
        if (key === 'Condition' && typeof arg !== 'string') return this.resolveMap(entries);
        return this.intrinsic(key, arg);
      }
    }
    return this.resolveMap(entries);
  }

  private resolveMap(entries: [string, unknown][]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const r = this.resolve(v);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** A condition's truth in this run: decided from parameters when possible, else both ways. */
  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const expr = this.scope.conditions[name];
    const value = expr === undefined ? new PlanTime(`Condition ${name}`) : this.resolve(expr);
    const decided = typeof value === 'boolean' ? value : this.choices.choose(`condition:${name}`, [true, false]);
    this.conditionCache.set(name, decided);
    return decided;
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Condition':
        return this.condition(String(arg));
      case 'Fn::If': {
        const [name, whenTrue, whenFalse] = list(arg);
        return this.resolve(this.condition(String(name)) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = list(arg).map((x) => this.resolve(x));
        return anyPlanTime(a, b) ?? String(a) === String(b);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const values = list(arg).map((x) => this.resolve(x));
        const unknown = anyPlanTime(...values);
        if (unknown) return unknown;
        return fn === 'Fn::And' ? values.every((v) => v === true) : values.some((v) => v === true);
      }
      case 'Fn::Not': {
        const [v] = list(arg).map((x) => this.resolve(x));
        return v instanceof PlanTime ? v : v !== true;
      }
      case 'Fn::Join': {
        const [delimiter, items] = list(arg);
        const values = this.resolve(items);
        if (values instanceof PlanTime) return values;
        const parts = list(values);
        return anyPlanTime(...parts) ?? parts.map(String).join(typeof delimiter === 'string' ? delimiter : '');
      }
      case 'Fn::Select': {
        const [index, items] = list(arg).map((x) => this.resolve(x));
        if (index instanceof PlanTime) return index;
        if (items instanceof PlanTime) return items;
        return list(items)[Number(index)] ?? new PlanTime('Fn::Select out of range');
      }
      case 'Fn::Split': {
        const [delimiter, source] = list(arg).map((x) => this.resolve(x));
        return source instanceof PlanTime ? source : String(source).split(String(delimiter));
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::FindInMap': {
        const [map, top, second] = list(arg).map((x) => this.resolve(x));
        const unknown = anyPlanTime(map, top, second);
        if (unknown) return new PlanTime(`Fn::FindInMap ${String(map)}`);
        const found = (this.scope.mappings[String(map)] as Record<string, Record<string, unknown>> | undefined)?.[
          String(top)
        ]?.[String(second)];
        return found === undefined ? new PlanTime(`Fn::FindInMap ${String(map)}`) : found;
      }
      case 'Fn::Base64': {
        const v = this.resolve(arg);
        return v instanceof PlanTime ? v : Buffer.from(String(v)).toString('base64');
      }
      case 'Fn::Length': {
        const v = this.resolve(arg);
        return v instanceof PlanTime ? v : list(v).length;
      }
      case 'Fn::ToJsonString': {
        const v = this.resolve(arg);
        return containsPlanTime(v) ? new PlanTime('Fn::ToJsonString') : JSON.stringify(v);
      }
      case 'Fn::GetAtt': {
        const [resource, attribute] = typeof arg === 'string' ? arg.split('.', 2) : list(arg);
        return new PlanTime(`Fn::GetAtt ${String(resource)}.${String(attribute)}`);
      }
      default:
        // Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::Transform: known only when the stack deploys.
        return new PlanTime(fn);
    }
  }

  private ref(name: string): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE;
    // `--iac-param AWS::AccountId=...` / `AWS::Region=...`: a pipeline that knows its target says so
    // (a cdk.out environment that names them comes first).
    if (name.startsWith('AWS::'))
      return this.scope.pseudo[name] ?? this.scope.given.get(name) ?? knownPseudo[name] ?? new PlanTime(`Ref ${name}`);
    const parameter = this.scope.parameters[name];
    if (!parameter) return new PlanTime(`Ref ${name}`);
    const isList = /^List<|^CommaDelimitedList$/.test(parameter.Type ?? '');
    const asValue = (v: unknown): unknown => (isList && typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v);
    const given = this.scope.given.get(name);
    if (given !== undefined) return asValue(given);
    const allowed = parameter.AllowedValues;
    if (allowed && allowed.length > 1) {
      // The default first, so the first run (the record kept in the snapshot) is the default deployment.
      const ordered =
        parameter.Default === undefined
          ? allowed
          : [parameter.Default, ...allowed.filter((v) => String(v) !== String(parameter.Default))];
      return asValue(this.choices.choose(`parameter:${name}`, ordered));
    }
    if (parameter.Default !== undefined) return asValue(parameter.Default);
    if (allowed?.length === 1) return asValue(allowed[0]);
    return new PlanTime(`Ref ${name} (no value: pass --iac-param ${name}=VALUE)`);
  }

  private sub(arg: unknown): unknown {
    const [template, vars] = typeof arg === 'string' ? [arg, {}] : list(arg);
    const variables = (vars ?? {}) as Record<string, unknown>;
    let unknown: PlanTime | undefined;
    const text = String(template).replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      const v =
        name in variables
          ? this.resolve(variables[name])
          : name.includes('.')
            ? new PlanTime(`Fn::GetAtt ${name}`)
            : this.ref(name);
      if (v instanceof PlanTime) {
        unknown ??= new PlanTime(`Fn::Sub with ${v.detail}`);
        return whole;
      }
      return String(v);
    });
    return unknown ?? text;
  }
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function anyPlanTime(...values: unknown[]): PlanTime | undefined {
  return values.find((v): v is PlanTime => v instanceof PlanTime);
}

export function containsPlanTime(value: unknown): boolean {
  if (value instanceof PlanTime) return true;
  if (Array.isArray(value)) return value.some(containsPlanTime);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsPlanTime);
  return false;
}

/**
 * Runs `run` once per combination of choices it meets (depth-first, first option first), up to
 * `max` runs. The first run takes every first option: parameter defaults, conditions true.
 */
export function explore<T>(run: (choices: Choices) => T, max = 64): { results: T[]; truncated: boolean } {
  const results: T[] = [];
  let script: number[] = [];
  for (;;) {
    const taken: { pick: number; count: number }[] = [];
    const fixed = new Map<string, number>();
    const choices: Choices = {
      choose<O>(key: string, options: readonly O[]): O {
        let pick = fixed.get(key);
        if (pick === undefined) {
          pick = script[taken.length] ?? 0;
          taken.push({ pick, count: options.length });
          fixed.set(key, pick);
        }
        return options[pick] as O;
      },
    };
    results.push(run(choices));
    let j = taken.length - 1;
    while (j >= 0 && (taken[j] as { pick: number; count: number }).pick + 1 >= (taken[j]?.count ?? 0)) j--;
    if (j < 0) return { results, truncated: false };
    if (results.length >= max) return { results, truncated: true };
    script = [...taken.slice(0, j).map((t) => t.pick), (taken[j]?.pick ?? 0) + 1];
  }
}
