import type { SimResponse } from '../types';
import { jsonResponse as sharedJsonResponse } from '../server/http';

/** The `errorCode` enum of VBR's `Error` model; clients should treat it as open. */
export type VeeamErrorCode =
  | 'AccessDenied'
  | 'ExpiredToken'
  | 'InvalidToken'
  | 'InvalidURI'
  | 'MethodNotAllowed'
  | 'NotFound'
  | 'NotImplemented'
  | 'ServiceUnavailable'
  | 'UnexpectedContent'
  | 'UnknownError';

/** Thrown by handlers; the router turns it into a response. */
export class VeeamError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: VeeamErrorCode,
    message: string,
    readonly resourceId?: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): VeeamError {
  return new VeeamError(400, 'UnexpectedContent', message);
}

export function notFound(kind: string, id: string): VeeamError {
  return new VeeamError(
    404,
    'NotFound',
    `${kind} with ID '${id}' was not found.`,
    id,
  );
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return sharedJsonResponse(status, body, {
    'content-type': 'application/json; charset=utf-8',
    ...headers,
  });
}

export function veeamErrorResponse(error: VeeamError): SimResponse {
  const headers: Record<string, string> = {};
  if (error.status === 401) {
    headers['www-authenticate'] = 'Bearer';
  }
  if (error.status === 429 || error.status === 503) {
    headers['retry-after'] = '2';
  }
  return jsonResponse(
    error.status,
    {
      errorCode: error.errorCode,
      message: error.message,
      resourceId: error.resourceId ?? null,
    },
    headers,
  );
}

// VBR documents no 429; a throttling proxy in front of it would still use
// the Error body, and `UnknownError` is the code a client cannot misread.
const CODE_BY_STATUS: Record<number, VeeamErrorCode> = {
  400: 'UnexpectedContent',
  401: 'InvalidToken',
  403: 'AccessDenied',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

export function errorResponseFor(status: number, message: string): SimResponse {
  return veeamErrorResponse(
    new VeeamError(status, CODE_BY_STATUS[status] ?? 'UnknownError', message),
  );
}
