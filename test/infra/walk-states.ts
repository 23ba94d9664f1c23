/**
 * Follows a rendered state machine definition from its StartAt, the way Step Functions moves the
 * state between states, for the parts of the language the run's definition uses: Pass (Result,
 * or Parameters with States.MathAdd), Choice (StringEquals, NumericLessThan, IsPresent), Task (its result
 * supplied by the test), Succeed and Fail, with `$.a.b` paths. Retry and Catch are not followed:
 * a task's result is what the test says it returned.
 */

interface StateDefinition {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Result?: unknown;
  readonly ResultPath?: string | null;
  readonly Parameters?: Record<string, unknown>;
  readonly Choices?: readonly ChoiceRule[];
  readonly Default?: string;
}

interface ChoiceRule {
  readonly Variable: string;
  readonly StringEquals?: string;
  readonly NumericLessThan?: number;
  readonly IsPresent?: boolean;
  readonly Next: string;
}

export interface Definition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, StateDefinition>>;
}

export interface Step {
  readonly state: string;
  /** The state's input. */
  readonly input: Record<string, unknown>;
}

export interface Walk {
  readonly steps: readonly Step[];
  /** The last state entered (a Succeed or Fail). */
  readonly end: string;
}

type Json = Record<string, unknown>;

function read(data: Json, path: string): unknown {
  if (!path.startsWith('$.')) throw new Error(`unsupported path ${path}`);
  return path
    .slice(2)
    .split('.')
    .reduce<unknown>((value, key) => (value as Json | undefined)?.[key], data);
}

function write(data: Json, path: string | null | undefined, value: unknown): Json {
  if (path === null) return data;
  if (path === undefined || path === '$') return value as Json;
  const keys = path.slice(2).split('.');
  const copy = structuredClone(data);
  let target = copy;
  for (const key of keys.slice(0, -1)) {
    target[key] = { ...((target[key] as Json | undefined) ?? {}) };
    target = target[key] as Json;
  }
  target[keys[keys.length - 1] as string] = value;
  return copy;
}

function evaluate(data: Json, parameters: Record<string, unknown>, context: Json = {}): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (!key.endsWith('.$')) {
      out[key] =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? evaluate(data, value as Record<string, unknown>, context)
          : value;
      continue;
    }
    const expression = String(value);
    const add = /^States\.MathAdd\((\$[^,]*), (-?\d+)\)$/.exec(expression);
    out[key.slice(0, -2)] = add
      ? Number(read(data, add[1] as string)) + Number(add[2])
      : expression.startsWith('$$.')
        ? (read(context, expression.slice(1)) ?? `<context ${expression}>`)
        : read(data, expression);
  }
  return out;
}

function matches(data: Json, rule: ChoiceRule): boolean {
  const value = read(data, rule.Variable);
  if (rule.StringEquals !== undefined) return value === rule.StringEquals;
  if (rule.NumericLessThan !== undefined) return typeof value === 'number' && value < rule.NumericLessThan;
  if (rule.IsPresent !== undefined) return (value !== undefined) === rule.IsPresent;
  throw new Error(`unsupported choice rule ${JSON.stringify(rule)}`);
}

/**
 * Walks from StartAt with `input` until a Succeed or Fail. `taskResult(state, payload)` is what a
 * Task returns, given what it was sent (its Parameters, evaluated). Stops with an error after `maxSteps`, so a loop that never ends fails the test.
 */
export function walk(
  definition: Definition,
  input: Json,
  taskResult: (state: string, input: Json) => unknown,
  options: { readonly maxSteps?: number; readonly context?: Json } = {},
): Walk {
  const { maxSteps = 1_000, context = {} } = options;
  const steps: Step[] = [];
  let name = definition.StartAt;
  let data = input;
  for (let count = 0; count < maxSteps; count++) {
    const state = definition.States[name];
    if (!state) throw new Error(`no state ${name}`);
    steps.push({ state: name, input: data });
    switch (state.Type) {
      case 'Succeed':
      case 'Fail':
        return { steps, end: name };
      case 'Pass':
        data = write(
          data,
          state.ResultPath,
          state.Parameters ? evaluate(data, state.Parameters, context) : (state.Result ?? data),
        );
        break;
      case 'Task': {
        const payload = state.Parameters ? evaluate(data, state.Parameters, context) : data;
        data = write(data, state.ResultPath, taskResult(name, payload));
        break;
      }
      case 'Choice': {
        const next = state.Choices?.find((rule) => matches(data, rule))?.Next ?? state.Default;
        if (!next) throw new Error(`choice ${name} has no match and no default`);
        name = next;
        continue;
      }
      default:
        throw new Error(`unsupported state type ${state.Type}`);
    }
    if (!state.Next) throw new Error(`${name} has no Next`);
    name = state.Next;
  }
  throw new Error(`no end after ${maxSteps} states`);
}
