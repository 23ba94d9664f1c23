import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, AssetStaging } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseConfig } from '../../functions/config/load-config.ts';
import { buildRollcallApp, type RollcallApp } from '../../infra/build-app.ts';

export interface TemplateResource {
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
}

/** A synthesized stack: cdk-nag has run (synth throws on any unacknowledged finding). */
export interface SynthesizedStack extends RollcallApp {
  readonly template: Template;
  /** Resources of one CloudFormation type, by logical id. */
  resources(type: string): Record<string, TemplateResource>;
  /** The bundled files of each function asset, by the asset's construct path. */
  bundles(): { path: string; directory: string; files: { name: string; bytes: number }[] }[];
}

/** cdk.json's context (the feature flags `cdk synth` applies), so tests build what synth builds. */
export function cdkContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8'));
  return cdkJson.context as Record<string, unknown>;
}

/** Builds the stack for a config given as JSON, the way `cdk synth` does, once per test file. */
export function synthesize(config: unknown, stackName?: string): SynthesizedStack {
  const built = buildRollcallApp(parseConfig(JSON.stringify(config), 'test config'), {
    app: new App({ context: cdkContext() }),
    configName: 'test config',
    ...(stackName === undefined ? {} : { stackName }),
  });
  built.app.synth();
  const template = Template.fromStack(built.stack);
  return {
    ...built,
    template,
    resources: (type) => template.findResources(type) as ReturnType<SynthesizedStack['resources']>,
    bundles: () =>
      built.stack.node
        .findAll()
        .filter((construct): construct is AssetStaging => construct instanceof AssetStaging)
        .map((staging) => ({
          path: staging.node.path,
          directory: staging.absoluteStagedPath,
          files: readdirSync(staging.absoluteStagedPath).map((name) => ({
            name,
            bytes: statSync(join(staging.absoluteStagedPath, name)).size,
          })),
        })),
  };
}

export interface IamStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: unknown;
}

/** Every identity-policy statement in the template, with the logical id of the policy that holds it. */
export function identityStatements(
  stack: SynthesizedStack,
): { policy: string; statement: IamStatement; roles: unknown }[] {
  const out: { policy: string; statement: IamStatement; roles: unknown }[] = [];
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, resource] of Object.entries(stack.resources(type))) {
      const document = resource.Properties.PolicyDocument as { Statement: IamStatement[] };
      for (const statement of document.Statement)
        out.push({ policy: id, statement, roles: resource.Properties.Roles ?? [] });
    }
  }
  for (const [id, resource] of Object.entries(stack.resources('AWS::IAM::Role'))) {
    for (const inline of (resource.Properties.Policies as {
      PolicyDocument: { Statement: IamStatement[] };
    }[]) ?? []) {
      for (const statement of inline.PolicyDocument.Statement)
        out.push({ policy: id, statement, roles: [{ Ref: id }] });
    }
  }
  return out;
}

export function actionsOf(statement: IamStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: IamStatement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The archive bucket: the one whose access logs go under `archive/`. */
export function archiveBucketOf(stack: SynthesizedStack): TemplateResource & { logicalId: string } {
  const entry = Object.entries(stack.resources('AWS::S3::Bucket')).find(
    ([, bucket]) =>
      (bucket.Properties.LoggingConfiguration as { LogFilePrefix?: string } | undefined)?.LogFilePrefix ===
      'archive/',
  );
  if (!entry) throw new Error('the template has no archive bucket');
  return { logicalId: entry[0], ...entry[1] };
}
