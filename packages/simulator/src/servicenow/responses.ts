import type { SimResponse } from '../types';
import { jsonResponse as sharedJsonResponse } from '../server/http';

/** Headers a real instance sends with every REST answer. */
const COMMON_HEADERS = {
  'content-type': 'application/json;charset=UTF-8',
  'cache-control': 'no-cache,no-store,must-revalidate,max-age=-1',
  pragma: 'no-store,no-cache',
  expires: '0',
};

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SimResponse {
  return sharedJsonResponse(status, body, { ...COMMON_HEADERS, ...headers });
}

/** The error envelope of all platform REST APIs. */
export function errorBody(message: string, detail: string | null) {
  return { error: { message, detail }, status: 'failure' };
}

export function notAuthenticated(): SimResponse {
  return jsonResponse(
    401,
    errorBody('User Not Authenticated', 'Required to provide Auth information'),
  );
}

export function notFound(): SimResponse {
  return jsonResponse(
    404,
    errorBody(
      'No Record found',
      "Record doesn't exist or ACL restricts the record retrieval",
    ),
  );
}
