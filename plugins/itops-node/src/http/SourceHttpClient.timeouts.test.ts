import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SourceHttpClient, SourceRequestError } from './SourceHttpClient';
import type { SourceStageTimeouts } from './types';
import { requestInChild } from './__testUtils__/requestInChild';

// Real sockets rather than msw: the stage timeouts live in the transport
// (undici's dispatcher), which msw would replace.

const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map(close => close()));
});

/** An HTTP server whose handler gets every request; counts them. */
async function serveHttp(
  handler: (res: import('node:http').ServerResponse) => void,
) {
  const requests = { count: 0 };
  const server: Server = createServer((_req, res) => {
    requests.count++;
    handler(res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
  };
}

/** A TCP server that accepts connections and never says a byte. */
async function serveSilence() {
  const sockets: Socket[] = [];
  const server = createTcpServer(socket => sockets.push(socket));
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>(resolve => {
        sockets.forEach(socket => socket.destroy());
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => sockets.length,
  };
}

function client(
  baseUrl: string,
  timeouts: SourceStageTimeouts,
  timeoutMs = 20_000,
) {
  return new SourceHttpClient({
    name: 'test/timeouts',
    baseUrl,
    requestsPerSecond: 1000,
    timeoutMs,
    timeouts,
    auth: { headers: async () => ({ authorization: 'Bearer secret-token' }) },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    sleep: async () => {},
  });
}

async function failure(promise: Promise<unknown>): Promise<SourceRequestError> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  expect(error).toBeInstanceOf(SourceRequestError);
  return error as SourceRequestError;
}

/** What a failure must never carry: the host, the port, the credentials. */
function expectSafe(error: SourceRequestError, port: string) {
  expect(error.message).not.toContain('secret-token');
  expect(error.message).not.toContain('127.0.0.1');
  expect(error.message).not.toContain(port);
  expect(error.status).toBeUndefined();
}

describe('SourceHttpClient stage timeouts', () => {
  it('times out a server that accepts the connection but never sends headers', async () => {
    const upstream = await serveHttp(() => {
      // Never answers.
    });
    const started = Date.now();
    const error = await failure(
      client(upstream.url, { headersMs: 300, bodyMs: 10_000 }).json('/api'),
    );
    expect(error.timeout).toEqual({
      stage: 'headers',
      afterMs: 300,
      limit: 'stage',
    });
    expect(error.message).toMatch(
      /^test\/timeouts GET \/api failed after 2 attempts: timed out waiting for headers: no answer headers within 0\.3 s(;|$)/,
    );
    expect(error.request).toBe('GET /api');
    expect(upstream.requests.count).toBe(2);
    // Long before the attempt's 20 s deadline.
    expect(Date.now() - started).toBeLessThan(10_000);
    expectSafe(error, new URL(upstream.url).port);
  });

  it('times out a body that starts and then stalls, and returns none of it', async () => {
    const upstream = await serveHttp(res => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"result":[{"number":"INC0001"},');
      // The rest never comes.
    });
    const outcome = await requestInChild({
      baseUrl: upstream.url,
      path: '/records',
      timeoutMs: 20_000,
      timeouts: { headersMs: 10_000, bodyMs: 300 },
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.body).toBeUndefined();
    expect(outcome.error).toMatchObject({
      name: 'SourceRequestError',
      request: 'GET /records',
      timeout: { stage: 'body', afterMs: 300, limit: 'stage' },
    });
    const message = outcome.error!.message;
    expect(message).toContain(
      'failed after 2 attempts: timed out reading the body: it stalled for 0.3 s',
    );
    expect(message).not.toContain('INC0001');
    expect(message).not.toContain('secret-token');
    expect(message).not.toContain('127.0.0.1');
    // Retried once, as a read.
    expect(upstream.requests.count).toBe(2);
  });

  it('times out a connection that never completes its TLS handshake', async () => {
    const silent = await serveSilence();
    const error = await failure(
      client(`https://127.0.0.1:${silent.port}`, {
        connectMs: 300,
        headersMs: 10_000,
      }).json('/api'),
    );
    expect(error.timeout).toEqual({
      stage: 'connect',
      afterMs: 300,
      limit: 'stage',
    });
    expect(error.message).toContain(
      'timed out connecting: no connection within 0.3 s',
    );
    expect(silent.connections()).toBeGreaterThanOrEqual(1);
    expectSafe(error, String(silent.port));
  });

  it("names the stage the attempt's overall deadline cut short", async () => {
    const upstream = await serveHttp(res => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // A byte every 100 ms: no pause is long enough for the body bound.
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    const error = await failure(
      client(upstream.url, { bodyMs: 5_000 }, 600).json('/trickle'),
    );
    expect(error.timeout).toEqual({
      stage: 'body',
      afterMs: 600,
      limit: 'attempt',
    });
    expect(error.message).toContain(
      "timed out reading the body: not complete within the attempt's 0.6 s",
    );
  });
});
