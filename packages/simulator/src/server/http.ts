import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimRequest, SimResponse, SystemSimulator } from '../types';

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

export function writeSimResponse(res: ServerResponse, response: SimResponse) {
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body ?? '');
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one system simulator on a loopback port, without faults: the
 * building block for the full server and for contract tests.
 */
export async function serveSystem(
  simulator: SystemSimulator,
  options: { port?: number; host?: string } = {},
): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  let url = '';
  const server: Server = createServer(async (req, res) => {
    try {
      const request = await readSimRequest(req, url);
      writeSimResponse(res, await simulator.handle(request));
    } catch (error) {
      writeSimResponse(res, simulator.errorResponse(500, String(error)));
    }
  });
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, host, resolve),
  );
  const { port } = server.address() as AddressInfo;
  url = `http://${host}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close(error => (error ? reject(error) : resolve()));
      }),
  };
}
