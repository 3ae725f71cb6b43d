import { readBoundedText, RefusedAnswer } from './boundedBody';
import { fetchWithinOrigin } from './redirects';
import type { SourceTimeout } from './SourceRequestError';
import { type AttemptTimeouts, timeoutOf } from './transport';
import type { SourceRequestInit, SourceResponse } from './types';

/** How one attempt ended: an answer read in full, or why not. */
export type Attempt<T> =
  | { kind: 'answer'; response: SourceResponse<T>; rawBody: string }
  | { kind: 'network' | 'body'; error: unknown; timeout?: SourceTimeout };

/** What an attempt needs of its client. */
export interface AttemptContext {
  fetch: typeof fetch;
  defaultHeaders: Record<string, string>;
  maxResponseBytes: number;
  timeouts: AttemptTimeouts;
}

export type ParseBody<T> = (text: string, status: number) => Promise<T>;

/**
 * One try of a request: sends it within the attempt's deadline, reads the
 * bounded body and parses it. Throws only a {@link RefusedAnswer} (final)
 * or what fetch throws for a caller's abort; everything else is returned
 * for the retry loop to judge.
 */
export async function attemptRequest<T>(
  context: AttemptContext,
  url: URL,
  method: string,
  init: SourceRequestInit,
  authHeaders: Record<string, string>,
  parse: ParseBody<T>,
): Promise<Attempt<T>> {
  const deadline = AbortSignal.timeout(context.timeouts.attemptMs);
  const signal = init.signal
    ? AbortSignal.any([init.signal, deadline])
    : deadline;
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...context.defaultHeaders,
    ...authHeaders,
    ...init.headers,
  };
  let body: string | undefined;
  if (typeof init.body === 'string') {
    body = init.body;
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  let response: Response;
  try {
    response = await fetchWithinOrigin(context.fetch, url, {
      method,
      headers,
      body,
      signal,
    });
  } catch (error) {
    if (error instanceof RefusedAnswer) {
      throw error;
    }
    return {
      kind: 'network',
      error,
      timeout: timeoutOf(error, 'headers', deadline, context.timeouts),
    };
  }
  let rawBody: string;
  try {
    rawBody = await readBoundedText(response, context.maxResponseBytes);
  } catch (error) {
    if (error instanceof RefusedAnswer) {
      throw error;
    }
    return {
      kind: 'body',
      error,
      timeout: timeoutOf(error, 'body', deadline, context.timeouts),
    };
  }
  if (response.status < 200 || response.status >= 300) {
    const accepted = init.acceptStatuses?.includes(response.status);
    return {
      kind: 'answer',
      rawBody,
      response: {
        status: response.status,
        headers: response.headers,
        body: accepted
          ? await parseOrRaw(parse, rawBody, response.status)
          : (undefined as T),
      },
    };
  }
  try {
    return {
      kind: 'answer',
      rawBody,
      response: {
        status: response.status,
        headers: response.headers,
        body: await parse(rawBody, response.status),
      },
    };
  } catch (error) {
    return { kind: 'body', error };
  }
}

async function parseOrRaw<T>(
  parse: ParseBody<T>,
  text: string,
  status: number,
): Promise<T> {
  try {
    return await parse(text, status);
  } catch {
    return text as unknown as T;
  }
}
