/**
 * Starts the reference server as the measured process: plain `node` on compiled JS with the
 * inspector on 127.0.0.1:0, alone in its own process. Reads its JSON ready line (stdout) and the
 * inspector URL (stderr); reports an early exit with the tail of its output.
 *
 * With `clinic`, the child is clinic's CLI and the server its child (`clinic doctor -- node
 * --inspect=127.0.0.1:0 main.js`: the flag passes through, stdio is inherited, so the ready line
 * and the inspector URL arrive as before). The server's pid comes from its ready line; stopping
 * sends SIGINT to the server (after checking it is our clinic's child), and clinic writes its
 * output once the server has exited. `exited` is clinic's exit, i.e. after that analysis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClinicKind } from '../config/types.js';
import { CLINIC_ENV, clinicArgs } from '../profile/clinic.js';
import { ROUTES, TOKEN_ENV, type ClockStartRequest, type ClockStartResponse, type ServerReadyLine } from '../../common/http.js';
import { CLOCK_ENV, EPOCH_PENDING, clockEnv, type ClockSpec } from '../../common/sim-clock.js';
import type { LeakId } from '../../common/leaks.js';
import { TargetError } from '../errors.js';
import { LineTail, eachLine } from './child-lines.js';

/** dist/server/main.js, found from this compiled file (dist/harness/run/). */
export const SERVER_ENTRY = fileURLToPath(new URL('../../server/main.js', import.meta.url));

/**
 * Real ms clinic may take to write its output after the server exits before the harness kills
 * it. Measured here: doctor 7.5 s, heapprofiler 5 s after a 5 s idle server; a soak's trace
 * events make doctor's analysis longer, hence the margin.
 */
export const CLINIC_FINISH_TIMEOUT_MS = 120_000;

/** Real ms the clock-start request may take (an idle server answers in a few ms). */
const CLOCK_START_TIMEOUT_MS = 10_000;

export interface ServerHandle {
  readonly url: string;
  readonly metricsUrl: string;
  /** Bearer token its /metrics requires (generated per spawn; only the harness knows it). */
  readonly metricsToken: string;
  readonly inspectorUrl: string;
  /** The measured server's pid (under clinic: clinic's child, from the ready line). */
  readonly pid: number;
  /** clinic's pid when the server runs under clinic, else null. */
  readonly wrapperPid: number | null;
  /** Resolves when the spawned process (the server, or clinic around it) exits, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Last lines of stdout/stderr, for error messages. */
  tail(): string;
  /**
   * Starts the server's simulated time at the run's epoch (wall-clock ms of simulated 0). Until
   * then its clock is provisional (spawned with `SOAK_SIM_EPOCH=pending`); call it once.
   */
  startClock(epochMs: number): Promise<ClockStartResponse>;
  /**
   * Stops the server (SIGTERM; under clinic SIGINT, then waits for clinic's output) and kills
   * what is left after `timeoutMs`. Resolves true when it ended on its own, false when killed.
   */
  stop(timeoutMs?: number): Promise<boolean>;
}

/** Run the server under clinic: `node <bin> <tool> --dest <dest> -- node … main.js`. */
export interface ClinicWrap {
  readonly kind: ClinicKind;
  /** clinic's CLI script (resolveClinicBin). */
  readonly bin: string;
  /** Folder for its output; also its working folder (doctor writes node_trace.*.log there). */
  readonly dest: string;
}

export interface SpawnServerOptions {
  readonly storeUri: string;
  readonly leaks: readonly LeakId[];
  /** The server's clock: the run's scale (or schedule) and timer floor; its epoch comes with `startClock`. */
  readonly clock: Omit<ClockSpec, 'epochMs'>;
  readonly readyTimeoutMs?: number;
  readonly extraEnv?: Record<string, string>;
  readonly clinic?: ClinicWrap;
  /**
   * Own process group: a terminal's Ctrl+C then reaches only the harness, which stops the server
   * itself — after it has read what a profiler holds. A 'exit' hook kills what is left by pid if
   * the harness exits first (a second Ctrl+C).
   */
  readonly detached?: boolean;
}

/** The parent pid of `pid` from /proc, or null where there is no /proc (or the process is gone). */
function parentPid(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : null;
  } catch {
    return null;
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

/** A per-spawn secret: 32 random bytes, hex. */
const newToken = () => randomBytes(32).toString('hex');

export async function spawnServer(options: SpawnServerOptions): Promise<ServerHandle> {
  // The clock-start token is good for one request; the metrics token for the server's life. Both
  // reach the server by env (not argv, which any local user can read in ps).
  const clockToken = newToken();
  const metricsToken = newToken();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.extraEnv,
    [TOKEN_ENV.clock]: clockToken,
    [TOKEN_ENV.metrics]: metricsToken,
    MONGODB_URI: options.storeUri,
    SOAK_LEAKS: options.leaks.join(',') || 'none',
    ...clockEnv({ ...options.clock, epochMs: 0 }),
    [CLOCK_ENV.epoch]: EPOCH_PENDING,
    PORT: '0',
    ...(options.clinic ? CLINIC_ENV : {}),
  };
  const serverCommand = [process.execPath, '--inspect=127.0.0.1:0', SERVER_ENTRY];
  const wrap = options.clinic;
  if (wrap) mkdirSync(wrap.dest, { recursive: true });
  const args = wrap ? clinicArgs(wrap.bin, wrap.kind, wrap.dest, serverCommand) : serverCommand.slice(1);
  const child: ChildProcess = spawn(process.execPath, args, {
    env,
    cwd: wrap?.dest,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  const tail = new LineTail();
  // pids to kill if the harness exits while they still run (only those we started: clinic, its server).
  const leftovers = new Set<number>(child.pid === undefined ? [] : [child.pid]);
  const killLeftovers = () => leftovers.forEach((pid) => kill(pid, 'SIGKILL'));
  if (options.detached) process.on('exit', killLeftovers);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killLeftovers);
      resolve({ code, signal });
    });
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
    const serverPid = (ready as ServerReadyLine | null)?.pid;
    if (wrap && serverPid !== undefined && parentPid(serverPid) === child.pid) kill(serverPid, 'SIGKILL');
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const readyLine = ready as unknown as ServerReadyLine;
  const serverPid = wrap ? readyLine.pid : child.pid!;
  if (wrap) leftovers.add(serverPid);
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url: readyLine.url,
    metricsUrl: readyLine.metricsUrl,
    metricsToken,
    inspectorUrl: inspectorUrl as unknown as string,
    pid: serverPid,
    wrapperPid: wrap ? child.pid! : null,
    exited,
    tail: () => tail.text(),
    startClock: async (epochMs) => {
      if (readyLine.clockPending !== true) throw new TargetError('ERR_TARGET', `the server at ${readyLine.url} did not start with a pending clock`);
      const body: ClockStartRequest = { epochMs };
      let res: Response;
      try {
        res = await fetch(`${readyLine.url}${ROUTES.clockStart}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${clockToken}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(CLOCK_START_TIMEOUT_MS),
        });
      } catch (error) {
        throw new TargetError('ERR_TARGET', `could not start the server's clock: ${(error as Error).message}`);
      }
      const text = await res.text();
      if (!res.ok) throw new TargetError('ERR_TARGET', `could not start the server's clock: HTTP ${res.status} ${text}`);
      return JSON.parse(text) as ClockStartResponse;
    },
    stop: async (stopTimeoutMs = wrap ? CLINIC_FINISH_TIMEOUT_MS : 10_000) => {
      if (!running()) return true;
      if (wrap) {
        // SIGINT is what clinic's profilers finish on (Ctrl+C). clinic heapprofiler's CLI does not
        // forward it, so it goes to the server itself — only while the server is still our
        // clinic's child (pids are reused); otherwise to clinic, which doctor forwards.
        if (parentPid(serverPid) === child.pid) kill(serverPid, 'SIGINT');
        else child.kill('SIGINT');
      } else {
        child.kill('SIGTERM');
      }
      let forced = false;
      const t = setTimeout(() => {
        forced = true;
        if (wrap && parentPid(serverPid) === child.pid) kill(serverPid, 'SIGKILL');
        child.kill('SIGKILL');
      }, stopTimeoutMs);
      await exited;
      clearTimeout(t);
      return !forced;
    },
  };
}
