/*
 * Waiting for the backend's first sync: every named capability has a
 * successful sync, and each probe entity has records of the named areas
 * mapped to it. Used by waitForData.ts (the demo) and the browser
 * benchmarks (bench/), which probe their own entities.
 */
import { getJson, guestToken } from './browser';

export interface SyncProbe {
  /** `kind/namespace/name` */
  entity: string;
  /** Summary areas that must be available, e.g. `changes`. */
  areas: string[];
}

export interface WaitForSyncOptions {
  baseUrl: string;
  /** Capabilities of /api/itops/sync-status that need a successful sync. */
  capabilities: string[];
  probes: SyncProbe[];
  timeoutMs: number;
  /** Between checks; 2 s unless set. */
  intervalMs?: number;
  /** Reports what is still awaited, when it changes. */
  onWait?(what: string): void;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Polls until the backend is up and synced; resolves with the seconds
 * since it first answered, rejects with the last thing awaited after
 * `timeoutMs`.
 */
export async function waitForSync(
  options: WaitForSyncOptions,
): Promise<number> {
  const { baseUrl, capabilities, probes, timeoutMs, onWait } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'backend not up';
  let upAt: number | undefined;
  while (Date.now() < deadline) {
    const before = last;
    try {
      await getJson(baseUrl, '/api/itops/health').catch(error => {
        throw new Error(`backend not up (${error.message})`);
      });
      upAt ??= Date.now();
      const token = await guestToken(baseUrl);
      const { items } = await getJson(baseUrl, '/api/itops/sync-status', token);
      const synced = new Set(
        (items as Array<{ capability: string; lastSuccessAt?: string }>)
          .filter(row => row.lastSuccessAt)
          .map(row => row.capability),
      );
      const missing = capabilities.filter(c => !synced.has(c));
      if (missing.length > 0) {
        last = `waiting for the first sync of ${missing.join(', ')}`;
      } else {
        const waiting = await unmappedProbe(baseUrl, token, probes);
        if (!waiting) {
          return (Date.now() - upAt) / 1000;
        }
        last = waiting;
      }
    } catch (error) {
      last = (error as Error).message;
    }
    if (last !== before) onWait?.(last);
    await sleep(options.intervalMs ?? 2000);
  }
  throw new Error(`Gave up after ${timeoutMs / 1000} s: ${last}`);
}

/** What the first probe still lacks, or undefined when all are mapped. */
async function unmappedProbe(
  baseUrl: string,
  token: string,
  probes: SyncProbe[],
): Promise<string | undefined> {
  for (const probe of probes) {
    const summary = await getJson(
      baseUrl,
      `/api/itops/entities/${probe.entity}/summary`,
      token,
    );
    const unmapped = probe.areas.filter(
      area => summary[area] && summary[area].available !== true,
    );
    if (unmapped.length > 0) {
      return `waiting for ${unmapped.join(', ')} of ${probe.entity}`;
    }
  }
  return undefined;
}
