import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { SourceTimeout } from '../SourceRequestError';
import type { SourceStageTimeouts } from '../types';

/** What a request made in the child process ended with. */
export interface ChildOutcome {
  ok: boolean;
  body?: unknown;
  error?: {
    name: string;
    message: string;
    request?: string;
    status?: number;
    timeout?: SourceTimeout;
  };
}

/**
 * Makes one `json` request with a real `SourceHttpClient` in a separate
 * Node process. Under jest, undici (loaded in jest's realm) and Node's fetch
 * (the main realm) do not recognise each other's errors, and fetch drops
 * the cause of a body that stalled; in a plain process, as in production,
 * the cause survives, so this is where the body timeout can be seen.
 */
export function requestInChild(options: {
  baseUrl: string;
  path: string;
  timeoutMs: number;
  timeouts: SourceStageTimeouts;
}): Promise<ChildOutcome> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [
        '-r',
        require.resolve('sucrase/register/ts'),
        resolve(__dirname, 'childRequest.ts'),
        JSON.stringify(options),
      ],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          fail(new Error(`child failed: ${error.message}\n${stderr}`));
          return;
        }
        done(JSON.parse(stdout.trim().split('\n').pop()!) as ChildOutcome);
      },
    );
  });
}
