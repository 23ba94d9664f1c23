/**
 * LumApps' per-minute quota answer: HTTP 400 whose Google-style error envelope gives the reason
 * `RATE_LIMIT_EXCEEDED` (its SDK sleeps about a minute and retries on it). Read from `reason`
 * and `status` of the envelope, where Cloud Endpoints puts it.
 */
export function isLumAppsRateLimit(status: number, body: unknown): boolean {
  if (status !== 400 || typeof body !== 'object' || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { status: code, errors } = error as { status?: unknown; errors?: unknown };
  if (code === RATE_LIMIT_EXCEEDED) return true;
  return (
    Array.isArray(errors) &&
    errors.some(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        (item as { reason?: unknown }).reason === RATE_LIMIT_EXCEEDED,
    )
  );
}

const RATE_LIMIT_EXCEEDED = 'RATE_LIMIT_EXCEEDED';
