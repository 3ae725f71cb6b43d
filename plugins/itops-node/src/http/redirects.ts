import { RefusedAnswer } from './boundedBody';

/** Same-origin redirects followed in one attempt. */
const MAX_REDIRECTS = 5;

/**
 * Follows redirects only within the origin of the request. Credentials go
 * to the origin configured for the instance and nowhere else: a redirect
 * to another host (an SSO page, a misconfigured proxy, a hijacked name)
 * fails the request instead of being followed, with or without them.
 */
export async function fetchWithinOrigin(
  fetchFn: typeof fetch,
  url: URL,
  init: RequestInit & { method: string },
): Promise<Response> {
  let current = url;
  let request = init;
  for (let hop = 0; ; hop++) {
    const response = await fetchFn(current, {
      ...request,
      redirect: 'manual',
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) {
      return response;
    }
    await response.body?.cancel();
    const next = new URL(location, current);
    if (next.origin !== url.origin) {
      throw new RefusedAnswer(
        `answered ${response.status}, a redirect to another origin (${next.origin}); not followed`,
        response.status,
      );
    }
    if (hop >= MAX_REDIRECTS) {
      throw new RefusedAnswer(
        `more than ${MAX_REDIRECTS} redirects`,
        response.status,
      );
    }
    // 303, and 301/302 after a POST, turn into a GET without a body.
    if (
      response.status === 303 ||
      ((response.status === 301 || response.status === 302) &&
        request.method === 'POST')
    ) {
      request = { ...request, method: 'GET', body: undefined };
    }
    current = next;
  }
}
