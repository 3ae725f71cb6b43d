import type { SimResponse } from '../types';
import { jsonResponse } from '../server/http';

/** Response helpers in Jira's and JSM's own shapes. */

const JSON_TYPE = { 'content-type': 'application/json;charset=UTF-8' };

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return jsonResponse(status, body, { ...JSON_TYPE, ...headers });
}

/** The platform API's `ErrorCollection`: `{errorMessages, errors}`. */
export function jiraError(
  status: number,
  messages: string | string[],
  errors: Record<string, string> = {},
  headers: Record<string, string> = {},
): SimResponse {
  return json(
    status,
    { errorMessages: Array.isArray(messages) ? messages : [messages], errors },
    headers,
  );
}

/** The servicedeskapi error shape. */
export function jsmError(
  status: number,
  message: string,
  i18nKey: string,
): SimResponse {
  return json(status, {
    errorMessage: message,
    i18nErrorMessage: { i18nKey, parameters: [] },
  });
}

/**
 * Jira Cloud's burst-limit answer: Retry-After in seconds and the
 * X-RateLimit-* headers, the reset as `yyyy-MM-ddTHH:mmZ`.
 */
export function rateLimited(
  message: string,
  now: Date,
  retryAfterSeconds = 5,
): SimResponse {
  const reset = new Date(now.getTime() + retryAfterSeconds * 1000)
    .toISOString()
    .replace(/:\d{2}\.\d{3}Z$/, 'Z');
  return jiraError(
    429,
    message,
    {},
    {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset,
      'ratelimit-reason': 'jira-burst-based',
    },
  );
}

export function notFound(path: string): SimResponse {
  return jiraError(404, `null for uri: ${path}`);
}

export function methodNotAllowed(): SimResponse {
  return { status: 405, headers: { allow: 'GET, POST' }, body: '' };
}
