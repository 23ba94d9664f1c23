/**
 * What a config needs beyond the schema before the CDK app deploys it. The CLI runs on a machine
 * of the user's; the stack's functions run in Lambda, where the user's environment variables,
 * files, localhost and link-local services do not exist. A config that leans on any of them
 * would deploy and then fail at 02:00, so synth refuses it now, with the CLI's message style.
 *
 * There is no escape hatch: a Lambda function cannot reach the user's loopback or link-local
 * addresses, and plain http would send the site's API key unencrypted across the internet.
 * Every supported provider is a SaaS API served over https; emulators are for the CLI.
 */
import { isIP } from 'node:net';
import { longestGap, ScheduleError } from '../freshness/schedule-gaps.ts';
import { ConfigError } from '../shared/errors.ts';
import type { RollcallConfig } from './schema.ts';

/** Throws one ConfigError listing each setting that cannot work in Lambda, one line each. */
export function checkDeployable(config: RollcallConfig, fileName: string): void {
  const problems = deployProblems(config).map((problem) => `${fileName}: ${problem}`);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'));
}

/** `key: problem` for each setting the stack cannot deploy; empty when it can. */
export function deployProblems(config: RollcallConfig): string[] {
  const problems: string[] = [];
  if (!config.store.startsWith('s3://')) {
    problems.push(
      `store: "${config.store}" cannot be deployed: the functions run in Lambda and keep the archive in S3; use s3://<bucket>[/<prefix>]`,
    );
  }
  config.sites.forEach((site, index) => {
    const at = `sites[${index}] (${site.id})`;
    const source = Object.keys(site.credentials)[0];
    if (source !== 'secretId') {
      problems.push(
        `${at}.credentials: {"${source}": …} cannot be deployed: a Lambda function has no ${source === 'env' ? 'environment variable' : 'file'} of yours; store the JSON in AWS Secrets Manager and use {"secretId": "<name or ARN>"}`,
      );
    }
    try {
      // The site's freshness alarm is derived from its schedule: one it cannot read cannot deploy.
      longestGap(site.schedule, site.timezone, new Date());
    } catch (error) {
      if (!(error instanceof ScheduleError)) throw error;
      problems.push(`${at}.schedule: ${error.message}`);
    }
    if (site.baseUrl !== undefined) {
      const problem = baseUrlProblem(new URL(site.baseUrl));
      if (problem) problems.push(`${at}.baseUrl: "${site.baseUrl}" ${problem}`);
    }
  });
  return problems;
}

function baseUrlProblem(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isLoopback(host)) {
    return 'is a loopback address: from Lambda it is the function itself, not your machine';
  }
  if (isLinkLocal(host)) {
    return 'is a link-local address, which a Lambda function cannot reach';
  }
  if (url.protocol !== 'https:') {
    return "is not https: the site's API key would cross the internet unencrypted";
  }
  return undefined;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.') || host === '0.0.0.0';
  if (isIP(host) === 6) return host === '::1' || host === '::' || host.startsWith('::ffff:7f');
  return false;
}

function isLinkLocal(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('169.254.');
  if (isIP(host) === 6) return /^fe[89ab][0-9a-f]:/.test(host);
  return false;
}
