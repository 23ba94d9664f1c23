import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on one construct (and its children), with the reason an
 * auditor of the stack would ask for. Kept next to the resource it concerns.
 */
export function acknowledgeNag(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * Acknowledges the wildcard in one resource pattern of an IAM policy on `scope`: the ARN of
 * `resource` followed by `suffix` (such as `/reports/*`), written the way cdk-nag names it.
 */
export function acknowledgeWildcard(
  scope: IConstruct,
  resource: IConstruct,
  suffix: string,
  reason: string,
): void {
  const cfn = resource.node.defaultChild as CfnResource;
  const logicalId = Stack.of(resource).resolve(cfn.logicalId) as string;
  acknowledgeNag(scope, `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>${suffix}]`, reason);
}
