/**
 * The run's state machine drives a long export as a loop of slices: the rendered definition is
 * walked with the outputs an export returns (in progress, then complete or incomplete), and its
 * retries, catches, time limit and history bound are read from the template.
 */
import validateAsl from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorNames } from '../../functions/lambda/contract.ts';
import { SLICES_PER_EXECUTION } from '../../infra/constructs/export-slices.ts';
import { RUN_TIME_LIMIT } from '../../infra/constructs/site-run.ts';
import { templatePolicies } from './permissions/template-policies.ts';
import { type SynthesizedStack, synthesize } from './stack-fixture.ts';
import { type Definition, walk } from './walk-states.ts';

const config = {
  store: 's3://acme-rollcall-archive/rollcall',
  sites: [
    { id: 'acme', provider: 'periscope-v1', credentials: { secretId: 'rollcall/acme' } },
    { id: 'intranet', provider: 'lumapps', credentials: { secretId: 'rollcall/intranet' } },
  ],
};

const INPUT = { site: 'acme', scheduledAt: '2026-11-22T02:00:00Z' };
/** The execution the schedule started: its id is the token of the run's chain of slices. */
const FIRST_EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:Rollcall-acme-run:first';
const CHAINED = { ...INPUT, holder: FIRST_EXECUTION };
const RUN = '20261122T020000Z';
/** Step Functions' hard limit on one execution's history. */
const HISTORY_LIMIT = 25_000;

let stack: SynthesizedStack;
let definition: Definition & { readonly TimeoutSeconds: number };
let machineName: string;
beforeAll(() => {
  stack = synthesize(config);
  const policies = templatePolicies(stack.template.toJSON() as Parameters<typeof templatePolicies>[0]);
  const machine = Object.values(stack.resources('AWS::StepFunctions::StateMachine')).find((candidate) =>
    JSON.stringify(candidate.Properties.DefinitionString).includes('rollcall acme:'),
  );
  if (!machine) throw new Error('no state machine for site acme');
  definition = JSON.parse(String(policies.resolve(machine.Properties.DefinitionString)));
  machineName = String(machine.Properties.StateMachineName);
}, 180_000);

const inProgress = (slices: number) => ({
  site: 'acme',
  runId: RUN,
  scheduledAt: '2026-11-22T02:00:00.000Z',
  status: 'in-progress',
  checkpointKey: `work/site=acme/run=${RUN}/checkpoint.json`,
  slices,
  progress: `users page ${slices * 100}`,
});
const finished = (status: 'complete' | 'incomplete') => ({
  site: 'acme',
  runId: RUN,
  scheduledAt: '2026-11-22T02:00:00.000Z',
  status,
  counts: { users: 250_000, groups: 40, memberships: 600_000 },
  manifestKey: `snapshots/site=acme/date=2026-11-22/run=${RUN}/manifest.json`,
});

/**
 * One execution with an export that needs `slices` invocations in all (the run's slices so far
 * given by `before`), ending `status`. Returns the walk and what each task was sent.
 */
function execution(
  slices: number,
  status: 'complete' | 'incomplete' = 'complete',
  before = 0,
  input: Record<string, unknown> = INPUT,
) {
  const sent: { state: string; payload: Record<string, unknown> }[] = [];
  let invocations = 0;
  const context = { Execution: { Id: before === 0 ? FIRST_EXECUTION : 'arn:execution:later' } };
  const result = walk(
    definition,
    { ...input },
    (state, payload) => {
      sent.push({ state, payload });
      if (state === 'Export') {
        invocations++;
        return before + invocations < slices ? inProgress(before + invocations) : finished(status);
      }
      if (state === 'ContinueAsNewExecution') return { ExecutionArn: 'arn:next', StartDate: 'now' };
      return {};
    },
    { context },
  );
  return { ...result, sent, exports: sent.filter((call) => call.state === 'Export') };
}

describe('the run state machine, slice by slice', () => {
  it('is valid Amazon States Language (asl-validator)', () => {
    const result = validateAsl(definition, { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('runs an export that fits one slice as before: export, audit, evidence workbook, notify', () => {
    const run = execution(1);
    expect(run.end).toBe('Done');
    expect(run.sent.map((call) => call.state)).toEqual(['Export', 'Audit', 'Evidence', 'NotifyComplete']);
    expect(run.exports[0]?.payload).toEqual(CHAINED);
    expect(run.sent[1]?.payload).toEqual({ site: 'acme', runId: RUN });
  });

  it('invokes the export again with the same input while it is in progress, then audits once', () => {
    const run = execution(7);
    expect(run.end).toBe('Done');
    expect(run.exports).toHaveLength(7);
    // Each slice gets the execution's input and the chain's token, nothing else: the export finds
    // its checkpoint by the run, and no checkpoint travels through the state.
    for (const call of run.exports) expect(call.payload).toEqual(CHAINED);
    expect(run.sent.filter((call) => call.state === 'Audit')).toHaveLength(1);
    expect(run.steps.filter((step) => step.state === 'ContinueAsNewExecution')).toEqual([]);
  });

  it('notifies an incomplete export after its last slice, without auditing it', () => {
    const run = execution(3, 'incomplete');
    expect(run.end).toBe('ExportIncomplete');
    expect(run.exports).toHaveLength(3);
    expect(run.sent.map((call) => call.state)).not.toContain('Audit');
  });

  it(`continues as a new execution with the same input after ${SLICES_PER_EXECUTION} slices, which resumes and finishes`, () => {
    const first = execution(SLICES_PER_EXECUTION + 5);
    expect(first.end).toBe('ContinuedAsNew');
    expect(first.exports).toHaveLength(SLICES_PER_EXECUTION);
    const started = first.sent.find((call) => call.state === 'ContinueAsNewExecution')?.payload;
    expect(started).toMatchObject({
      StateMachineArn: expect.stringMatching(new RegExp(`:stateMachine:${machineName}$`)),
    });
    // The same input, and the console's link to the execution that started it.
    // The same input and the same chain, so the new execution's slices take the lease over from
    // this one's; and the console's link to the execution that started it.
    expect(started?.Input).toEqual({
      ...CHAINED,
      AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: FIRST_EXECUTION,
    });
    expect(machineName).toBe('Rollcall-acme-run');

    // The new execution counts its own slices from zero and ends the run.
    const second = execution(SLICES_PER_EXECUTION + 5, 'complete', SLICES_PER_EXECUTION, CHAINED);
    expect(second.end).toBe('Done');
    expect(second.exports).toHaveLength(5);
    for (const call of second.exports) expect(call.payload).toEqual(CHAINED);
  });

  it('retries each slice on transient errors and on a run another execution holds, and catches the rest', () => {
    const { States } = definition as unknown as {
      States: Record<string, { Type: string; Resource?: string; Retry?: unknown[]; Catch?: unknown[] }>;
    };
    // One Export state serves every slice: each slice is retried on its own.
    const exportTasks = Object.entries(States).filter(([, state]) =>
      String(state.Resource).includes('ExportLambda'),
    );
    expect(exportTasks.map(([name]) => name)).toEqual(['Export']);
    expect(States.Export?.Retry).toContainEqual(
      expect.objectContaining({ ErrorEquals: [errorNames.transient], MaxAttempts: 3 }),
    );
    expect(States.Export?.Retry).toContainEqual(
      expect.objectContaining({ ErrorEquals: [errorNames.runBusy], IntervalSeconds: 300 }),
    );
    // A slice stopped at Lambda's 15 minutes goes on from its last durable part, once more.
    expect(States.Export?.Retry).toContainEqual(
      expect.objectContaining({ ErrorEquals: ['Sandbox.Timedout'], MaxAttempts: 2 }),
    );
    for (const name of ['Export', 'Audit', 'Evidence', 'ContinueAsNewExecution']) {
      expect(States[name]?.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailed' },
      ]);
    }
  });

  it('gives an execution time for all its slices and the audit, and keeps its history far below the limit', () => {
    const { States } = definition as unknown as {
      States: Record<string, { Type: string; Retry?: { MaxAttempts: number }[] }>;
    };
    const exportFunction = Object.values(stack.resources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.Description === 'rollcall: exports site acme',
    );
    const auditFunction = Object.values(stack.resources('AWS::Lambda::Function')).find(
      (fn) => fn.Properties.Description === 'rollcall: audits site acme',
    );
    const evidenceFunction = Object.values(stack.resources('AWS::Lambda::Function')).find((fn) =>
      String(fn.Properties.Description).includes('evidence'),
    );
    const exportSeconds = Number(exportFunction?.Properties.Timeout);
    const evidenceSeconds = Number(evidenceFunction?.Properties.Timeout);
    expect(evidenceSeconds).toBeGreaterThan(0);
    expect(exportSeconds).toBe(15 * 60);
    expect(definition.TimeoutSeconds).toBe(RUN_TIME_LIMIT.toSeconds());
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(
      SLICES_PER_EXECUTION * exportSeconds + Number(auditFunction?.Properties.Timeout) + evidenceSeconds,
    );

    // The longest execution: every slice in progress, then continue-as-new. Each state entered
    // and left is 2 events; each attempt of a task 3 more (scheduled, started, ended), and a task
    // is attempted at most once plus every Retry's MaxAttempts.
    const longest = execution(SLICES_PER_EXECUTION + 1);
    const attempts = (state: string) =>
      1 + (States[state]?.Retry ?? []).reduce((sum, retry) => sum + retry.MaxAttempts, 0);
    const events = longest.steps.reduce(
      (sum, step) => sum + 2 + (States[step.state]?.Type === 'Task' ? 3 * attempts(step.state) : 0),
      0,
    );
    // 573 today: 2.3 % of the limit.
    expect(events).toBeLessThan(HISTORY_LIMIT / 40);
  });
});
