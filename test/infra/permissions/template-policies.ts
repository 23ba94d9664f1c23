/**
 * The synthesised template as an IAM policy evaluator needs it: every intrinsic resolved to a
 * concrete ARN in one test account and region, every principal with the identity policies
 * attached to it, and every resource policy (bucket, key, topic, queue) by the ARNs it governs.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

type Json = unknown;
interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
}
export interface PolicyDocument {
  Version?: string;
  Statement: Statement[];
}
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: Json;
  Condition?: Json;
}

/** One principal's identity policies, by the logical id of the policy that holds each. */
export interface Principal {
  readonly arn: string;
  readonly policies: { readonly name: string; readonly policy: PolicyDocument }[];
}

export interface TemplatePolicies {
  /** The physical name or ARN a `Ref` or `Fn::GetAtt` of a resource resolves to. */
  ref(logicalId: string): string;
  arn(logicalId: string): string;
  /** IAM roles by logical id. */
  readonly roles: Readonly<Record<string, Principal>>;
  /** Managed policies by logical id, as if attached to a principal of their own. */
  readonly managedPolicies: Readonly<Record<string, Principal>>;
  /** The resource policy that governs an ARN (an object ARN maps to its bucket's policy). */
  resourcePolicyFor(arn: string): PolicyDocument | undefined;
  /** Any template value with its intrinsics resolved. */
  resolve(value: unknown): unknown;
  /** A resource's properties as written in the template (empty when it has none). */
  properties(logicalId: string): Record<string, unknown>;
  /** Logical ids of the resources of one type. */
  logicalIds(type: string): string[];
  readonly resources: Readonly<Record<string, Resource>>;
}

const pseudo: Record<string, string> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

export function templatePolicies(template: { Resources: Record<string, Resource> }): TemplatePolicies {
  const resources = template.Resources;
  const region = `${REGION}:${ACCOUNT}`;
  const nameOf = (id: string) => {
    const properties = resources[id]?.Properties ?? {};
    return String(properties.BucketName ?? id.toLowerCase());
  };
  const arn = (id: string): string => {
    const type = resources[id]?.Type;
    switch (type) {
      case 'AWS::S3::Bucket':
        return `arn:aws:s3:::${nameOf(id)}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${region}:key/${id}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${id}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${id}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:function:${id}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:log-group:${id}:*`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${ACCOUNT}:role/${id}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${ACCOUNT}:policy/${id}`;
      case 'AWS::StepFunctions::StateMachine':
        // A named state machine's ARN is built from its name (the loop starts itself by name).
        return `arn:aws:states:${region}:stateMachine:${String(resources[id]?.Properties?.StateMachineName ?? id)}`;
      default:
        throw new Error(`no ARN for ${id} (${type})`);
    }
  };
  const ref = (id: string): string => {
    if (pseudo[id]) return pseudo[id];
    const type = resources[id]?.Type;
    if (
      type === 'AWS::SNS::Topic' ||
      type === 'AWS::StepFunctions::StateMachine' ||
      type === 'AWS::IAM::ManagedPolicy'
    ) {
      return arn(id);
    }
    if (type === 'AWS::S3::Bucket') return nameOf(id);
    return id;
  };
  const resolve = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, Json>);
    if (entries.length === 1) {
      const [[key, argument]] = entries as [[string, Json]];
      if (key === 'Ref') return ref(String(argument));
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = argument as [string, string];
        if (attribute === 'Arn' || attribute === 'TopicArn') return arn(id);
        throw new Error(`cannot resolve ${id}.${attribute}`);
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = argument as [string, Json[]];
        return parts.map((part) => String(resolve(part))).join(separator);
      }
      if (key === 'Fn::Sub') {
        return String(argument).replace(/\$\{([^}]+)\}/g, (_, name: string) => ref(name));
      }
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
  };

  const ofType = (type: string) => Object.keys(resources).filter((id) => resources[id]?.Type === type);
  const document = (id: string, key: string) => resolve(resources[id]?.Properties?.[key]) as PolicyDocument;

  const managedPolicies: Record<string, Principal> = {};
  for (const id of ofType('AWS::IAM::ManagedPolicy')) {
    managedPolicies[id] = {
      arn: `arn:aws:iam::${ACCOUNT}:role/holder-of-${id}`,
      policies: [{ name: id, policy: document(id, 'PolicyDocument') }],
    };
  }
  const roles: Record<string, Principal> = {};
  for (const id of ofType('AWS::IAM::Role')) {
    const properties = resources[id]?.Properties ?? {};
    const inline = ((properties.Policies as { PolicyName: string }[] | undefined) ?? []).map(
      (policy, index) => ({
        name: `${id}-inline-${index}`,
        policy: (resolve(policy) as { PolicyDocument: PolicyDocument }).PolicyDocument,
      }),
    );
    const attached = ofType('AWS::IAM::Policy')
      .filter((policyId) =>
        ((resources[policyId]?.Properties?.Roles as Json[]) ?? []).some(
          (role) => (role as { Ref?: string }).Ref === id,
        ),
      )
      .map((policyId) => ({ name: policyId, policy: document(policyId, 'PolicyDocument') }));
    const managed = ((properties.ManagedPolicyArns as Json[]) ?? []).map((reference) => {
      const policyId = (reference as { Ref?: string }).Ref;
      const policy = policyId === undefined ? undefined : managedPolicies[policyId];
      if (!policy)
        throw new Error(`role ${id} has a managed policy outside the stack: ${JSON.stringify(reference)}`);
      return policy.policies[0] as Principal['policies'][number];
    });
    roles[id] = { arn: arn(id), policies: [...inline, ...attached, ...managed] };
  }

  const resourcePolicies = new Map<string, PolicyDocument>();
  for (const id of ofType('AWS::S3::BucketPolicy')) {
    resourcePolicies.set(
      `arn:aws:s3:::${resolve(resources[id]?.Properties?.Bucket)}`,
      document(id, 'PolicyDocument'),
    );
  }
  for (const id of ofType('AWS::KMS::Key')) resourcePolicies.set(arn(id), document(id, 'KeyPolicy'));
  for (const [type, key] of [
    ['AWS::SNS::TopicPolicy', 'Topics'],
    ['AWS::SQS::QueuePolicy', 'Queues'],
  ] as const) {
    for (const id of ofType(type)) {
      for (const target of (resources[id]?.Properties?.[key] ?? []) as { Ref: string }[]) {
        resourcePolicies.set(arn(target.Ref), document(id, 'PolicyDocument'));
      }
    }
  }

  return {
    ref,
    arn,
    roles,
    managedPolicies,
    resources,
    logicalIds: ofType,
    resolve,
    properties: (id) => resources[id]?.Properties ?? {},
    resourcePolicyFor(resourceArn) {
      const bucket = /^arn:aws:s3:::([^/]+)/.exec(resourceArn);
      return resourcePolicies.get(bucket ? `arn:aws:s3:::${bucket[1]}` : resourceArn);
    },
  };
}
