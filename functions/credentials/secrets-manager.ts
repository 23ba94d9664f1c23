import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Reads a secret's string value; `undefined` when the secret does not exist. */
export interface SecretReader {
  read(secretId: string): Promise<string | undefined>;
}

/**
 * Secrets Manager through Powertools Parameters: values are cached for the life of the
 * process (one Lambda invocation or one CLI run) and never logged.
 */
export function createSecretsManagerReader(client: SecretsManagerClient): SecretReader {
  const provider = new SecretsProvider({ awsSdkV3Client: client });
  return {
    async read(secretId) {
      try {
        const value = await provider.get(secretId, { maxAge: 900 });
        return typeof value === 'string'
          ? value
          : value === undefined
            ? undefined
            : Buffer.from(value).toString('utf8');
      } catch (error) {
        if (causeName(error) === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    },
  };
}

function causeName(error: unknown): string | undefined {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof Error ? cause.name : undefined;
}
