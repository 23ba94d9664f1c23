import { createHash } from 'node:crypto';
import { Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/**
 * In-progress slices one execution runs before it hands the run to a new execution of the same
 * state machine: 12 slices of the 15-minute export function, 3 hours. A slice costs its execution
 * at most 47 history events (the task's entry and exit, up to 13 attempts of 3 events with every
 * retry spent, the count and two choices), so an execution stays below 600 of Step Functions'
 * 25,000; and 3 hours of slices fit the execution's RUN_TIME_LIMIT with the audit and retries.
 */
export const SLICES_PER_EXECUTION = 12;

/** Step Functions' longest state machine name. */
const MAX_STATE_MACHINE_NAME = 80;

/**
 * The site's state machine's name: `<stack>-<site>-run`, readable in the console. The loop starts
 * its own state machine again by this name (a constructed ARN: a reference to the machine from its
 * own definition and role would be circular). Shortened with a hash when a long stack name and
 * site id pass 80 characters.
 */
export function runStateMachineName(scope: Construct, siteId: string): string {
  const name = `${Stack.of(scope).stackName}-${siteId}-run`;
  if (name.length <= MAX_STATE_MACHINE_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_STATE_MACHINE_NAME - hash.length - 1)}-${hash}`;
}

export interface ExportSliceLoopProps {
  /** The export task: `{ site, scheduledAt }` in, its output at `$.export`, with its Retry and Catch. */
  readonly exportStep: tasks.LambdaInvoke;
  /** The name of the state machine the loop belongs to (runStateMachineName). */
  readonly stateMachineName: string;
  /** Where a run whose export ended (complete or incomplete) goes on. */
  readonly whenFinished: sfn.IChainable;
  /** Where a failure to continue as a new execution goes (notify, fail). */
  readonly failed: sfn.IChainable;
}

/**
 * The export as a loop of slices: Export → more to do? → count → Export … until the export ends,
 * then `whenFinished`. Each slice is the same task with the same input; the export resumes from the
 * run's checkpoint, and only its key travels in the state. After SLICES_PER_EXECUTION slices the
 * execution starts a new one with the same input (continue-as-new) and succeeds: each execution's
 * history and time stay bounded however long the export runs.
 */
export class ExportSliceLoop {
  /** The loop's first state: the execution's start. */
  readonly start: sfn.Pass;

  constructor(scope: Construct, props: ExportSliceLoopProps) {
    const { exportStep } = props;
    // The count lives in the execution's own state: it restarts at 0 in each new execution.
    this.start = new sfn.Pass(scope, 'StartRun', {
      comment: 'Counts the slices this execution runs.',
      result: sfn.Result.fromObject({ slices: 0 }),
      resultPath: '$.thisExecution',
    });
    const countSlice = new sfn.Pass(scope, 'CountSlice', {
      parameters: { slices: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.thisExecution.slices'), 1) },
      resultPath: '$.thisExecution',
    });
    const self = sfn.StateMachine.fromStateMachineName(scope, 'ThisStateMachine', props.stateMachineName);
    const continueAsNew = new tasks.StepFunctionsStartExecution(scope, 'ContinueAsNewExecution', {
      comment: 'Hands the run to a new execution: it resumes from the checkpoint.',
      stateMachine: self,
      input: sfn.TaskInput.fromObject({
        site: sfn.JsonPath.stringAt('$.site'),
        scheduledAt: sfn.JsonPath.stringAt('$.scheduledAt'),
        holder: sfn.JsonPath.stringAt('$.chain.holder'),
      }),
      // The console links the new execution to this one (its input names this execution).
      associateWithParent: true,
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      resultSelector: { executionArn: sfn.JsonPath.stringAt('$.ExecutionArn') },
      resultPath: '$.continuedAs',
    });
    continueAsNew.addCatch(props.failed, { resultPath: '$.error' });

    // The chain's token: the id of the execution that started the run, handed on to the executions
    // that continue it. Slices of one chain take the run's lease over from each other; a duplicate
    // execution (a second delivery of the schedule, a manual start) has another token and waits.
    const chain = (name: string, holder: string) =>
      new sfn.Pass(scope, name, { parameters: { holder }, resultPath: '$.chain' });
    this.start.next(
      new sfn.Choice(scope, 'ContinuesARun?')
        .when(
          sfn.Condition.isPresent('$.holder'),
          chain('SameChain', sfn.JsonPath.stringAt('$.holder')).next(exportStep),
        )
        .otherwise(chain('NewChain', sfn.JsonPath.executionId).next(exportStep)),
    );
    exportStep.next(
      new sfn.Choice(scope, 'MoreToDo?')
        .when(
          sfn.Condition.stringEquals('$.export.status', 'in-progress'),
          countSlice.next(
            new sfn.Choice(scope, 'NextSliceHere?')
              .when(sfn.Condition.numberLessThan('$.thisExecution.slices', SLICES_PER_EXECUTION), exportStep)
              .otherwise(continueAsNew.next(new sfn.Succeed(scope, 'ContinuedAsNew'))),
          ),
        )
        .otherwise(props.whenFinished),
    );
  }
}
