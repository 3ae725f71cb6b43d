import type { ScaleOptions, SystemName } from '@backstage-itops/simulator';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** Simulators running in a child process. */
export interface SimulatorProcess {
  urls: Partial<Record<SystemName, string>>;
  stop(): Promise<void>;
}

const URL_LINE = /^\s+(servicenow|jira|veeam)\s+(http:\/\/\S+)/;
const READY_LINE = /^Stop with Ctrl\+C/;

function simulatorCli(): string {
  return path.join(
    path.dirname(require.resolve('@backstage-itops/simulator/package.json')),
    'src',
    'cli.ts',
  );
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Starts the simulator CLI in scale mode on free ports, in a process of
 * its own so that this process's memory figures are the backend's alone
 * and the simulators get their own event loop. The clock is stopped at
 * `now` so that the world does not move during a sync.
 */
export async function startSimulatorProcess(options: {
  systems: SystemName[];
  scale: ScaleOptions;
  now: Date;
  seed: number;
  /** Fault spec in the CLI's syntax, e.g. `servicenow:oversized=1`. */
  faults?: string;
}): Promise<SimulatorProcess> {
  const { scale } = options;
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      simulatorCli(),
      `--systems=${options.systems.join(',')}`,
      ...options.systems.map(system => `--${system}-port=0`),
      `--seed=${options.seed}`,
      `--now=${options.now.toISOString()}`,
      `--services=${scale.services}`,
      `--incidents=${scale.incidents}`,
      `--changes=${scale.changes}`,
      `--backup-jobs=${scale.backupJobs}`,
      `--backup-sessions=${scale.backupSessions}`,
      ...(options.faults ? [`--faults=${options.faults}`] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const urls: SimulatorProcess['urls'] = {};
  try {
    // The CLI prints one line per system, then how to stop it.
    for await (const line of readline.createInterface({
      input: child.stdout!,
    })) {
      const match = URL_LINE.exec(line);
      if (match) {
        urls[match[1] as SystemName] = match[2];
      } else if (READY_LINE.test(line)) {
        break;
      }
    }
    const missing = options.systems.filter(system => !urls[system]);
    if (missing.length > 0) {
      throw new Error(
        `The simulator process ended without serving ${missing.join(', ')}`,
      );
    }
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  // Nothing reads the rest; an unread pipe would stall the child once full.
  child.stdout!.resume();
  return { urls, stop: () => stopChild(child) };
}
