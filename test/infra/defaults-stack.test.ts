import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/load-config.ts';
import { buildRollcallApp } from '../../infra/build-app.ts';
import { archiveBucketOf, type SynthesizedStack, synthesize } from './stack-fixture.ts';

/** The smallest deployable config: no prefix, no deployment section — every default applies. */
const config = {
  store: 's3://acme-rollcall-archive',
  sites: [{ id: 'acme', provider: 'trivore', credentials: { secretId: 'rollcall/acme' } }],
};

let stack: SynthesizedStack;
beforeAll(() => {
  stack = synthesize(config);
}, 180_000);

describe('a stack built on defaults', () => {
  it('names the archive bucket after the store and puts no prefix before the layout', () => {
    expect(archiveBucketOf(stack).Properties.BucketName).toBe('acme-rollcall-archive');
    expect(JSON.stringify(stack.template.toJSON().Outputs.Store)).toContain('"s3://"');
    const archive = archiveBucketOf(stack).logicalId;
    stack.template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Parameters: Match.objectLike({
          'storage.location.template': {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's partition placeholders, not a template
            'Fn::Join': ['', ['s3://', { Ref: archive }, '/snapshots/site=${site}/date=${day}/']],
          },
        }),
      }),
    });
  });

  it('keeps any version at most 400 days: current 393, noncurrent 7, without Object Lock', () => {
    const archive = archiveBucketOf(stack);
    expect(archive.Properties.ObjectLockEnabled).toBeUndefined();
    expect((archive.Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules).toContainEqual(
      expect.objectContaining({
        Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
        ExpirationInDays: 393,
        NoncurrentVersionExpiration: { NoncurrentDays: 7 },
      }),
    );
  });

  it('keeps logs 90 days', () => {
    for (const logGroup of Object.values(stack.resources('AWS::Logs::LogGroup'))) {
      expect(logGroup.Properties.RetentionInDays).toBe(90);
    }
  });

  it('creates the auditors’ reports policy only: no snapshot access, no role, no e-mail subscription', () => {
    expect(Object.keys(stack.resources('AWS::IAM::ManagedPolicy'))).toHaveLength(1);
    expect(JSON.stringify(stack.resources('AWS::IAM::ManagedPolicy'))).not.toContain('/snapshots/');
    expect(JSON.stringify(stack.resources('AWS::IAM::Role'))).not.toContain('auditors');
    expect(stack.resources('AWS::SNS::Subscription')).toEqual({});
  });
});

describe('cdk-nag on every synth', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const { app, stack: unchecked } = buildRollcallApp(parseConfig(JSON.stringify(config), 'test config'));
    const role = unchecked.sites[0]?.exportFunction.function.role;
    role?.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });
});
