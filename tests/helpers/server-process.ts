/**
 * Starts the compiled reference server (`node dist/server/main.js`) as a child process, the way
 * the harness does, and reads its one ServerReadyLine from stdout. Without MONGODB_URI in
 * `env`, the server resolves its own store (SOAK_STORE defaults to `wire` here, so tests do
 * not wait for mongodb-memory-server to give up). Needs `npx tsc -p tsconfig.json` first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServerReadyLine } from '../../common/http.js';
import type { LeakId } from '../../common/leaks.js';

export interface StartServerOptions {
  /** Leak switches (SOAK_LEAKS). @default [] */
  readonly leaks?: readonly LeakId[];
  /** SOAK_TIME_SCALE, simulated ms per real ms. @default 1 */
  readonly timeScale?: number;
  /** SOAK_SIM_EPOCH, wall-clock ms at simulated 0. @default now */
  readonly epochMs?: number;
  /** Extra environment (e.g. MONGODB_URI); merged over process.env. */
  readonly env?: Record<string, string | undefined>;
  /** Adds `--inspect=127.0.0.1:0`. @default false */
  readonly inspect?: boolean;
  /** Give up when no ready line arrives in this many real ms. @default 30_000 */
  readonly timeoutMs?: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly metricsUrl: string;
  readonly pid: number;
  readonly ready: ServerReadyLine;
  /** SIGTERM by PID, then await exit (SIGKILL after 10 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Exit code once exited, else undefined. */
  exitCode(): number | null | undefined;
}

/** Real ms between SIGTERM and SIGKILL in stop(). */
const STOP_GRACE_MS = 10_000;

export function serverEntryPath(): string {
  return fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));
}

export async function startServerProcess(options: StartServerOptions = {}): Promise<ServerProcess> {
  const entry = serverEntryPath();
  if (!existsSync(entry)) throw new Error(`server not built: ${entry} is missing (run \`npx tsc -p tsconfig.json\`)`);
  const env: Record<string, string | undefined> = {
    ...process.env,
    SOAK_STORE: process.env['SOAK_STORE'] ?? 'wire',
    SOAK_LEAKS: (options.leaks ?? []).join(',') || 'none',
    SOAK_TIME_SCALE: String(options.timeScale ?? 1),
    ...(options.epochMs !== undefined ? { SOAK_SIM_EPOCH: String(options.epochMs) } : {}),
    ...options.env,
  };
  const args = [...(options.inspect ? ['--inspect=127.0.0.1:0'] : []), entry];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let code: number | null | undefined;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => {
    stderr += t;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (c, signal) => {
      code = c ?? (signal ? null : c);
      resolve(code);
    }),
  );
  const lines = readline.createInterface({ input: child.stdout });
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const ready = await new Promise<ServerReadyLine>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`server printed no ready line within ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
      lines.on('line', (line) => {
        try {
          const value = JSON.parse(line) as ServerReadyLine;
          if (value.event === 'listening') resolve(value);
        } catch {
          /* not the ready line */
        }
      });
      void exited.then((c) => reject(new Error(`server exited (code ${String(c)}) before its ready line; stderr:\n${stderr}`)));
      child.once('error', reject);
    });
    const pid = child.pid ?? ready.pid;
    return {
      url: ready.url,
      metricsUrl: ready.metricsUrl,
      pid,
      ready,
      stderr: () => stderr,
      exitCode: () => code,
      async stop() {
        if (code !== undefined) return code;
        process.kill(pid, 'SIGTERM');
        const kill = setTimeout(() => {
          if (code === undefined) process.kill(pid, 'SIGKILL');
        }, STOP_GRACE_MS);
        const c = await exited;
        clearTimeout(kill);
        return c;
      },
    };
  } catch (err) {
    if (code === undefined && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Fetches a Prometheus text page and returns `name{labels}` → value (labels as printed). */
export async function scrapeMetrics(url: string): Promise<Record<string, number>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{.*\})?)\s+(\S+)/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}
