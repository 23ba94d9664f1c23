import { type Reply, reply } from '../shared/http.ts';

/** Trivore's error envelope on every failure: `{"errorMessage": "...", "statusCode": 403}`. */
export const trivoreError = (status: number, errorMessage: string, headers?: Record<string, string>): Reply =>
  reply(status, { errorMessage, statusCode: status }, headers);

export const missingPermission = (permission: string): Reply =>
  trivoreError(403, `Client does not have required permission ${permission}.`);
