/**
 * One call evaluated by @cloud-copilot/iam-simulate: the principal's identity policies and the
 * resource's policy (bucket, key, topic or queue) together, the way AWS decides a same-account
 * request, including a KMS key policy's say over its key.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, type Principal, type TemplatePolicies } from './template-policies.ts';

export interface Call {
  /** Who makes the call: a role or policy holder of the stack, or an AWS service. */
  readonly principal: Principal | { readonly service: string };
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | string[]>>;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Every request rollcall makes goes over TLS 1.2 or later; the bucket policies deny the rest. */
const transport = { 'aws:SecureTransport': 'true', 'aws:SourceAccount': ACCOUNT };

export async function decide(policies: TemplatePolicies, call: Call): Promise<Decision> {
  const service = 'service' in call.principal ? call.principal.service : undefined;
  const response = await runSimulation(
    {
      request: {
        principal: service ?? (call.principal as Principal).arn,
        action: call.action,
        resource: { resource: call.resource, accountId: ACCOUNT },
        contextVariables: {
          ...(call.action.startsWith('s3:') ? { ...transport, 's3:TlsVersion': '1.3' } : transport),
          ...call.context,
        },
      },
      identityPolicies: service ? [] : [...(call.principal as Principal).policies],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policies.resourcePolicyFor(call.resource),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(
      `iam-simulate refused ${call.action} on ${call.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  return response.overallResult as Decision;
}
