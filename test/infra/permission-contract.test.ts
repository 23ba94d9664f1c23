/**
 * Every principal of the stack may make the calls it needs and none it must not, decided by an
 * IAM policy evaluator (@cloud-copilot/iam-simulate) over the synthesised identity policies and
 * the resource policies of the bucket, keys, topic and queue. Then every grant is shown to be
 * needed: removing any one action or resource from any identity policy fails an entry.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ContractEntry, permissionContract } from './permissions/contract.ts';
import { decide } from './permissions/evaluate.ts';
import {
  type PolicyDocument,
  type Principal,
  type TemplatePolicies,
  templatePolicies,
} from './permissions/template-policies.ts';
import { synthesize } from './stack-fixture.ts';

const INTRANET_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rollcall/intranet-AbCdEf';

/** Two sites (a secret by name and one by ARN), auditors with snapshots and a role. */
const config = {
  store: 's3://acme-rollcall-archive/rollcall',
  sites: [
    { id: 'acme', provider: 'periscope-v1', credentials: { secretId: 'rollcall/acme' } },
    {
      id: 'intranet',
      provider: 'lumapps',
      credentials: { secretId: INTRANET_SECRET },
      schedule: 'cron(30 3 ? * MON-FRI *)',
      timezone: 'Europe/Helsinki',
    },
  ],
  deployment: {
    auditors: { includeSnapshots: true, trustedPrincipals: ['arn:aws:iam::123456789012:role/auditor'] },
  },
};

const secretArnOf = (site: string) =>
  site === 'intranet'
    ? INTRANET_SECRET
    : `arn:aws:secretsmanager:eu-west-1:123456789012:secret:rollcall/${site}-Q1w2E3`;

/** Grants wider than any call rollcall makes, each for a reason the contract cannot see. */
const knownSurplus = [
  // CDK's Lambda targets (Step Functions' LambdaInvoke, Scheduler's LambdaInvoke) also grant
  // the function's versions and aliases (`<arn>:*`); rollcall invokes the unqualified ARN.
  // Still one function, and only that site's.
  /(RunStateMachineRole|FreshnessSchedulerRole).*: resource arn:aws:lambda:.*:\*$/,
  // A secret configured by ARN may be a partial ARN, which Secrets Manager completes with a
  // random suffix; the stack cannot tell, so it grants both forms.
  /ExportLambdaRole.*: resource arn:aws:secretsmanager:.*-\?\?\?\?\?\?$/,
];

let policies: TemplatePolicies;
let contract: ContractEntry[];
beforeAll(() => {
  const stack = synthesize(config);
  policies = templatePolicies(stack.template.toJSON() as Parameters<typeof templatePolicies>[0]);
  contract = permissionContract({
    policies,
    siteIds: ['acme', 'intranet'],
    keyPrefix: 'rollcall/',
    secretArnOf,
  });
}, 180_000);

const describeEntry = (entry: ContractEntry, decision: string) =>
  `${entry.who} must ${entry.must === 'allow' ? 'be able to' : 'never'} ${entry.action} on ${entry.resource}${
    entry.context ? ` (${JSON.stringify(entry.context)})` : ''
  }, but the evaluator says ${decision}`;

/** The entries the evaluator decides against the contract, as sentences. */
async function violations(entries: readonly ContractEntry[], over = policies): Promise<string[]> {
  const out: string[] = [];
  for (const entry of entries) {
    const decision = await decide(over, entry);
    if ((decision === 'Allowed') !== (entry.must === 'allow')) out.push(describeEntry(entry, decision));
  }
  return out;
}

describe('the permission contract', () => {
  it('covers every role and managed policy of the stack', () => {
    const covered = new Set(contract.map((entry) => entry.principalId));
    const principals = [...Object.keys(policies.roles), ...Object.keys(policies.managedPolicies)];
    // The auditor role carries the managed policies, which are checked as they are.
    const auditorRole = principals.filter(
      (id) => !covered.has(id) && policies.properties(id).ManagedPolicyArns === undefined,
    );
    expect(auditorRole).toEqual([]);
  });

  it('holds: every call allowed that must be, every call denied that must be', async () => {
    expect(contract.length).toBeGreaterThan(100);
    expect(await violations(contract)).toEqual([]);
  });

  it('needs every grant: removing any one action or resource of an identity policy breaks an entry', async () => {
    const surplus: string[] = [];
    const managed = new Set(Object.keys(policies.managedPolicies));
    const required = contract.filter((entry) => entry.must === 'allow' && 'arn' in entry.principal);
    for (const [holderId, holder] of [
      ...Object.entries(policies.roles),
      ...Object.entries(policies.managedPolicies),
    ]) {
      const entries = required.filter((entry) => (entry.principal as Principal).arn === holder.arn);
      for (const [policyIndex, attached] of holder.policies.entries()) {
        // A managed policy is cut once, as its own holder, not again in each role that carries it.
        if (holderId !== attached.name && managed.has(attached.name)) continue;
        for (const [statementIndex, statement] of attached.policy.Statement.entries()) {
          if (statement.Effect !== 'Allow') continue;
          const actions = [statement.Action ?? []].flat();
          const resources = [statement.Resource ?? []].flat();
          const cuts = [
            ...actions.map((action) => ({
              what: `action ${action}`,
              Action: actions.filter((a) => a !== action),
              Resource: resources,
            })),
            ...(resources.length > 1
              ? resources.map((resource) => ({
                  what: `resource ${resource}`,
                  Action: actions,
                  Resource: resources.filter((r) => r !== resource),
                }))
              : []),
          ];
          for (const cut of cuts) {
            const statements = attached.policy.Statement.flatMap((original, index) =>
              index !== statementIndex
                ? [original]
                : cut.Action.length > 0
                  ? [{ ...original, Action: cut.Action, Resource: cut.Resource }]
                  : [],
            );
            const policy: PolicyDocument = { ...attached.policy, Statement: statements };
            const weakened: Principal = {
              arn: holder.arn,
              policies: holder.policies.map((other, index) =>
                index === policyIndex ? { name: other.name, policy } : other,
              ),
            };
            const affected = entries.map((entry) => ({ ...entry, principal: weakened }));
            const grant = `${holderId}: ${cut.what}`;
            if (
              (await violations(affected)).length === 0 &&
              !knownSurplus.some((known) => known.test(grant))
            ) {
              surplus.push(
                `${holderId} (${attached.name}): ${cut.what} is needed by no entry of the contract`,
              );
            }
          }
        }
      }
    }
    expect(surplus).toEqual([]);
  }, 120_000);
});
