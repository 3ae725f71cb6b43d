import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { type Clock, systemClock } from '../world/clock';
import type { SimRequest, SimResponse, SystemSimulator } from '../types';
import { ADMIN_PREFIX, handleAdmin } from './admin';
import { type FaultDecision, SystemFaults } from './fault-state';

/** Reads a Node request into the simulators' transport-free shape. */
export async function readSimRequest(
  req: IncomingMessage,
  baseUrl: string,
): Promise<SimRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value)
      ? value.join(', ')
      : value;
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: new URL(req.url ?? '/', baseUrl),
    headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}

/**
 * A JSON answer. Each system passes the content type and headers its vendor
 * sends, since clients may look at them.
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string>,
): SimResponse {
  return { status, headers, body: JSON.stringify(body) };
}

export function writeSimResponse(res: ServerResponse, response: SimResponse) {
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body ?? '');
}

export interface RunningServer {
  url: string;
  faults: SystemFaults;
  close(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  host?: string;
  /** Clock of rate-limit windows and outages; the simulator's clock. */
  clock?: Clock;
  /** Fault state to apply; a fault-free one when omitted. */
  faults?: SystemFaults;
}

/**
 * Serves one system simulator on a port, behind its fault injection and
 * with the admin endpoint under `/__admin/`.
 */
export async function serveSystem(
  simulator: SystemSimulator,
  options: ServeOptions = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const faults =
    options.faults ?? new SystemFaults(simulator, options.clock ?? systemClock);
  let url = '';
  const server: Server = createServer(async (req, res) => {
    try {
      const request = await readSimRequest(req, url);
      if (request.url.pathname.startsWith(ADMIN_PREFIX)) {
        writeSimResponse(res, handleAdmin(request, simulator, faults));
        return;
      }
      const delay = faults.latencyMs();
      if (delay > 0) {
        await sleep(delay);
      }
      await answer(res, simulator, request, faults.decide());
    } catch (error) {
      if (!res.headersSent) {
        writeSimResponse(res, simulator.errorResponse(500, String(error)));
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host}:${port}`;
  return {
    url,
    faults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      }),
  };
}

async function answer(
  res: ServerResponse,
  simulator: SystemSimulator,
  request: SimRequest,
  decision: FaultDecision,
): Promise<void> {
  if (decision.action === 'reset') {
    res.socket?.resetAndDestroy();
    return;
  }
  if (decision.action === 'respond') {
    writeSimResponse(res, decision.response);
    return;
  }
  if (decision.action === 'hostile') {
    await (decision.body === 'gzipBomb'
      ? writeGzipBomb(res, decision.bytes)
      : writeOversized(res, decision.bytes));
    return;
  }
  const response = await simulator.handle(request);
  if (decision.body === 'empty') {
    res.writeHead(response.status < 300 ? response.status : 200, {
      ...response.headers,
      ...decision.headers,
      'content-length': '0',
    });
    res.end();
    return;
  }
  const headers = { ...response.headers, ...decision.headers };
  const body = Buffer.from(response.body ?? '', 'utf8');
  switch (decision.body) {
    case 'malformed': {
      // Cut mid-document but with a matching length: the transport succeeds, JSON.parse fails.
      const cut = body.subarray(0, Math.floor(body.length / 2));
      res.writeHead(response.status, {
        ...headers,
        'content-length': String(cut.length),
      });
      res.end(cut);
      return;
    }
    case 'truncate':
      // Announce the full length, send half, hang up: the client sees a premature close.
      res.writeHead(response.status, {
        ...headers,
        'content-length': String(body.length),
      });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () =>
        res.socket?.destroy(),
      );
      return;
    case 'slow': {
      res.writeHead(response.status, {
        ...headers,
        'content-length': String(body.length),
      });
      const chunk = Math.max(1, Math.ceil(body.length / 10));
      for (let offset = 0; offset < body.length; offset += chunk) {
        res.write(body.subarray(offset, offset + chunk));
        await sleep(decision.chunkDelayMs ?? 200);
      }
      res.end();
      return;
    }
    default:
      writeSimResponse(res, { ...response, headers });
  }
}

const HOSTILE_CHUNK = 64 * 1024;

/** Writes `chunk` until `total` bytes are out or the client hangs up. */
async function pump(
  res: ServerResponse,
  total: number,
  chunk: Buffer,
): Promise<void> {
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  for (let sent = 0; sent < total && !closed; sent += chunk.length) {
    if (!res.write(chunk)) {
      await new Promise<void>(resolve => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
}

/**
 * A valid JSON document of about `bytes`, streamed without a length as a
 * broken export or a hostile server would; never built in memory.
 */
async function writeOversized(res: ServerResponse, bytes: number) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"result":[');
  const item = `"${'x'.repeat(HOSTILE_CHUNK - 4)}",`;
  await pump(res, bytes, Buffer.from(item));
  res.end('""]}');
}

let bombMember: Buffer | undefined;

/**
 * A gzip body expanding to `bytes` of blanks: one compressed 1 MiB member,
 * repeated (gzip allows concatenated members), so the simulator spends
 * nothing on compressing it.
 */
async function writeGzipBomb(res: ServerResponse, bytes: number) {
  bombMember ??= gzipSync(Buffer.alloc(1024 * 1024, 0x20), { level: 9 });
  const members = Math.max(1, Math.ceil(bytes / (1024 * 1024)));
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'content-length': String(members * bombMember.length),
  });
  await pump(res, members * bombMember.length, bombMember);
  res.end();
}
