/**
 * Recognises the AWS SDK errors that mean "AWS is not set up on this machine" (no region, no
 * credentials, an expired session, rejected keys) anywhere in an error's cause chain, and says in
 * one sentence what to set. The SDK's own messages name none of the settings.
 */
export function awsSetupProblem(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    const { name, message } = link;
    if (name === 'Error' && /^Region is missing$/i.test(message))
      return 'no AWS region is set: set AWS_REGION (e.g. export AWS_REGION=eu-west-1), or a region for your AWS_PROFILE in ~/.aws/config';
    if (
      /SSO session .*(expired|invalid)|token .*expired|session .*expired/i.test(message) ||
      EXPIRED.has(name)
    )
      return 'the AWS session has expired: sign in again (aws sso login, or new temporary keys in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN)';
    if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message))
      return 'no AWS credentials were found: set AWS_PROFILE (after aws configure or aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';
    if (REJECTED.has(name))
      return `AWS rejected the credentials (${name}): check AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and that they belong to the right account`;
  }
  return undefined;
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired', 'RequestExpired']);
const REJECTED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
]);

/** The error and each `cause` under it, at most a few deep (a cycle cannot loop forever). */
export function causeChain(error: unknown): Error[] {
  const chain: Error[] = [];
  let current = error;
  while (current instanceof Error && chain.length < 8) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}
