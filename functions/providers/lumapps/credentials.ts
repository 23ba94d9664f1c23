import * as z from 'zod';

export interface LumAppsCredentials {
  /** The organisation (customer) id, as in the back office and the token path. */
  readonly organizationId: string;
  /** The OAuth application's client id and secret, from the LumApps back office. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** The administrator the token acts on behalf of. */
  readonly userEmail: string;
}

const printable = /^[\x21-\x7e]+$/;

// Messages name the rule, never the value: a secret pasted into the wrong field must not be echoed.
export const credentialsSchema: z.ZodType<LumAppsCredentials> = z.strictObject({
  organizationId: z
    .string()
    .min(1, 'the organization id is empty')
    .regex(/^[\w.-]+$/, 'the organization id has only letters, digits, dots, dashes and underscores'),
  clientId: z
    .string()
    .min(1, 'the client id is empty')
    .regex(printable, 'the client id has spaces, line breaks or non-ASCII characters')
    .refine((value) => !value.includes(':'), 'the client id cannot contain ":" (it is sent with HTTP Basic)'),
  clientSecret: z
    .string()
    .min(1, 'the client secret is empty')
    .regex(printable, 'the client secret has spaces, line breaks or non-ASCII characters'),
  userEmail: z
    .string()
    .min(3, 'the user e-mail is empty')
    .regex(/^[^\s@]+@[^\s@]+$/, 'userEmail is not an e-mail address'),
});
