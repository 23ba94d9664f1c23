/**
 * The environment the stack gives each function, parsed once per container (at cold start).
 * Every problem is a RollcallConfigError that names the variable and says what is wrong.
 */
import * as z from 'zod';
import { describeIssues } from '../config/load-config.ts';
import { type SiteConfig, siteSchema } from '../config/schema.ts';
import { SITE_VARIABLE, STORE_VARIABLE } from './contract.ts';
import { RollcallConfigError } from './errors.ts';

export interface HandlerEnvironment {
  /** `s3://<bucket>[/<prefix>]`: where snapshots and reports are kept. */
  readonly storeUri: string;
  /** The one site this function works for, with the config schema's defaults applied. */
  readonly site: SiteConfig;
}

const environmentSchema = z.object({
  [STORE_VARIABLE]: z
    .string({ error: 'is not set (the stack sets it to s3://<bucket>[/<prefix>])' })
    .regex(/^s3:\/\/[^/]/, 'must be s3://<bucket>[/<prefix>]'),
  [SITE_VARIABLE]: z
    .string({ error: "is not set (the stack sets it to the site's config as JSON)" })
    .min(1, "is empty (the stack sets it to the site's config as JSON)"),
});

export function parseEnvironment(env: Readonly<Record<string, string | undefined>>): HandlerEnvironment {
  const variables = environmentSchema.safeParse(env);
  if (!variables.success) {
    throw new RollcallConfigError(
      variables.error.issues
        .map((issue) => {
          const name = String(issue.path[0]);
          const value = env[name];
          // The store's URI is no secret, and seeing it is the quickest way to spot the mistake.
          return name === STORE_VARIABLE && value !== undefined
            ? `${name} "${value}" ${issue.message}`
            : `${name} ${issue.message}`;
        })
        .join('; ')
        .concat('.'),
    );
  }
  const text = variables.data[SITE_VARIABLE];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RollcallConfigError(
      `${SITE_VARIABLE} is not valid JSON (${(error as Error).message}); it must hold one site's config as in rollcall.config.json.`,
    );
  }
  const site = siteSchema.safeParse(json);
  if (!site.success) {
    throw new RollcallConfigError(describeIssues(SITE_VARIABLE, site.error, json).split('\n').join('; '));
  }
  return { storeUri: variables.data[STORE_VARIABLE], site: site.data };
}
