/**
 * Starts the reference server as the measured process: plain `node` on compiled JS with the
 * inspector on 127.0.0.1:0, alone in its own process. Reads its JSON ready line (stdout) and the
 * inspector URL (stderr); reports an early exit with the tail of its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerReadyLine } from '../../common/http.js';
import { CLOCK_ENV } from '../../common/sim-clock.js';
import type { LeakId } from '../../common/leaks.js';
import { TargetError } from '../errors.js';
import { LineTail, eachLine } from './child-lines.js';

/** dist/server/main.js, found from this compiled file (dist/harness/run/). */
export const SERVER_ENTRY = fileURLToPath(new URL('../../server/main.js', import.meta.url));

export interface ServerHandle {
  readonly url: string;
  readonly metricsUrl: string;
  readonly inspectorUrl: string;
  readonly pid: number;
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last lines of stdout/stderr, for error messages. */
  tail(): string;
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnServerOptions {
  readonly storeUri: string;
  readonly leaks: readonly LeakId[];
  readonly timeScale: number;
  readonly epochMs: number;
  /** Real-ms floor of the server's periodic timers (see common/sim-clock.ts). @default none */
  readonly intervalFloorMs?: number;
  readonly readyTimeoutMs?: number;
  readonly extraEnv?: Record<string, string>;
}

export async function spawnServer(options: SpawnServerOptions): Promise<ServerHandle> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.extraEnv,
    MONGODB_URI: options.storeUri,
    SOAK_LEAKS: options.leaks.join(',') || 'none',
    [CLOCK_ENV.scale]: String(options.timeScale),
    [CLOCK_ENV.epoch]: String(options.epochMs),
    ...(options.intervalFloorMs === undefined ? {} : { [CLOCK_ENV.intervalFloor]: String(options.intervalFloorMs) }),
    PORT: '0',
  };
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', SERVER_ENTRY], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = new LineTail();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  let ready: ServerReadyLine | null = null;
  let inspectorUrl: string | null = null;
  const started = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (ready && inspectorUrl) resolve();
    };
    eachLine(child.stdout!, (line) => {
      tail.push(line);
      if (ready === null && line.startsWith('{')) {
        try {
          const parsed = JSON.parse(line) as ServerReadyLine;
          if (parsed.event === 'listening') ready = parsed;
          check();
        } catch {
          /* not the ready line */
        }
      }
    });
    eachLine(child.stderr!, (line) => {
      tail.push(line);
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(line);
      if (m?.[1] && inspectorUrl === null) {
        inspectorUrl = m[1];
        check();
      }
    });
    child.once('error', (error) => reject(new TargetError('ERR_TARGET', `could not start the server: ${error.message}`)));
    void exited.then(({ code, signal }) =>
      reject(new TargetError('ERR_SERVER_CRASHED', `the server exited before it was ready (code ${code}, signal ${signal}):\n${tail.text()}`)),
    );
  });
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TargetError('ERR_TARGET', `the server was not ready within ${timeoutMs} ms:\n${tail.text()}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([started, timeout]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const readyLine = ready as unknown as ServerReadyLine;
  return {
    url: readyLine.url,
    metricsUrl: readyLine.metricsUrl,
    inspectorUrl: inspectorUrl as unknown as string,
    pid: child.pid!,
    exited,
    tail: () => tail.text(),
    stop: async (stopTimeoutMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(t);
    },
  };
}
