import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { SourceHttpClient, SourceRequestError } from './SourceHttpClient';

// Real sockets rather than msw: what is under test is what the transport
// delivers (decompression, redirects, a body cut off mid-stream).

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  url: string;
  requests: Array<{ path: string; authorization?: string }>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function serve(handler: Handler): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
    });
    handler(req, res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const running = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(running);
  return running;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

function client(baseUrl: string, maxResponseBytes?: number) {
  return new SourceHttpClient({
    name: 'test/bounds',
    baseUrl,
    requestsPerSecond: 1000,
    maxResponseBytes,
    auth: { headers: async () => ({ authorization: 'Bearer secret-token' }) },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
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

describe('SourceHttpClient bounds', () => {
  it('refuses an announced body over the limit without reading or retrying it', async () => {
    const upstream = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(2048),
      });
      res.end(`[${'1,'.repeat(1023)}1]`);
    });
    const error = await failure(client(upstream.url, 1024).json('/big'));
    expect(error.message).toMatch(/exceeds the .* limit/);
    expect(upstream.requests).toHaveLength(1);
  });

  it('stops reading a chunked body at the limit', async () => {
    let written = 0;
    let closed = false;
    const upstream = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.on('close', () => {
        closed = true;
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // Endless: only the client hanging up ends it.
      const pump = () => {
        while (!closed && res.write(chunk)) {
          written += chunk.length;
          if (written > 256 * 1024 * 1024) {
            res.end();
            return;
          }
        }
        if (!closed) {
          res.once('drain', pump);
        }
      };
      pump();
    });
    const error = await failure(
      client(upstream.url, 1024 * 1024).json('/stream'),
    );
    expect(error.message).toMatch(/exceeds the 1 MiB limit/);
    // The client hung up long before the 256 MiB the upstream would send.
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a gzip bomb by its expansion ratio, long before the size limit', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20));
    const upstream = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(bomb.length),
      });
      res.end(bomb);
    });
    const error = await failure(client(upstream.url).json('/bomb'));
    expect(error.message).toMatch(/decompression bomb/);
    expect(bomb.length).toBeLessThan(64 * 1024);
  });

  it('reads an honestly compressed answer', async () => {
    const body = JSON.stringify({
      result: Array.from({ length: 2000 }, (_, i) => ({ n: i, s: `r${i}` })),
    });
    const packed = gzipSync(body);
    const upstream = await serve((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(packed.length),
      });
      res.end(packed);
    });
    const answer = await client(upstream.url).json<{ result: unknown[] }>(
      '/ok',
    );
    expect(answer.body.result).toHaveLength(2000);
  });

  it('follows a redirect within the origin, with its credentials', async () => {
    const upstream = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(301, { location: '/new?x=1' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"moved":true}');
    });
    const answer = await client(upstream.url).json('/old');
    expect(answer.body).toEqual({ moved: true });
    expect(upstream.requests.map(r => r.path)).toEqual(['/old', '/new?x=1']);
    expect(upstream.requests[1].authorization).toBe('Bearer secret-token');
  });

  it('does not follow a redirect to another origin, and sends it nothing', async () => {
    const elsewhere = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"stolen":true}');
    });
    const upstream = await serve((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/collect` });
      res.end();
    });
    const error = await failure(client(upstream.url).json('/api'));
    expect(error.message).toContain('redirect to another origin');
    expect(error.message).not.toContain('secret-token');
    expect(elsewhere.requests).toEqual([]);
    // Final: the same upstream would redirect again.
    expect(upstream.requests).toHaveLength(1);
  });

  it('gives up on a redirect loop', async () => {
    const upstream = await serve((req, res) => {
      res.writeHead(307, { location: req.url === '/a' ? '/b' : '/a' });
      res.end();
    });
    const error = await failure(client(upstream.url).json('/a'));
    expect(error.message).toMatch(/more than 5 redirects/);
  });

  it('takes an empty 200 to a read for a failure, and an empty answer to a POST for none', async () => {
    const upstream = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end();
    });
    const error = await failure(client(upstream.url).json('/records'));
    expect(error.message).toContain('empty answer where JSON was expected');
    // Retried like any broken answer to a read.
    expect(upstream.requests).toHaveLength(3);

    const posted = await client(upstream.url).json('/logout', {
      method: 'POST',
      body: '',
    });
    expect(posted.body).toBeUndefined();
  });

  it('still reads a 204 to a read as no body', async () => {
    const upstream = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const answer = await client(upstream.url).json('/nothing');
    expect(answer.status).toBe(204);
    expect(answer.body).toBeUndefined();
  });
});
