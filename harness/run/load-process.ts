/**
 * The load process: virtual users in worker threads, in a process of their own (forked from the
 * harness, never sharing the measured server's heap). Talks IPC: it sends `ready`, periodic
 * `report`s, `done` when the scenario's hours are over, `error` on failure; it takes
 * `report-now` and `stop` (answered with a final `stopped` report). Protocol: scenarios/load-main.ts.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOptions, LoadReport } from '../../scenarios/load.js';
import { TargetError } from '../errors.js';
import { LineTail, eachLine } from './child-lines.js';

export const LOAD_ENTRY = fileURLToPath(new URL('../../scenarios/load-main.js', import.meta.url));

/** What the load process takes as argv[2]: the programmatic API's options, as JSON. */
export type LoadProcessConfig = LoadOptions;
export type { LoadReport };

type LoadMessage =
  | { type: 'ready' }
  | { type: 'report' | 'done' | 'stopped'; report: LoadReport }
  | { type: 'error'; message: string };

export interface LoadHandle {
  readonly pid: number;
  /** The newest report received (null before the first). */
  latest(): LoadReport | null;
  /**
   * Asks for a fresh report; resolves with it (or the latest, after timeoutMs). With `gc`, each
   * worker reads its heap after forced GCs (a quiet checkpoint): resolves with that report, or
   * null after timeoutMs.
   */
  reportNow(timeoutMs?: number, options?: { readonly gc?: boolean }): Promise<LoadReport | null>;
  /** Resolves when the load says its scenario is done. */
  readonly done: Promise<void>;
  /** Rejects when the load process fails. */
  readonly failed: Promise<never>;
  stop(timeoutMs?: number): Promise<LoadReport | null>;
}

export async function startLoadProcess(config: LoadProcessConfig, readyTimeoutMs = 60_000): Promise<LoadHandle> {
  // --expose-gc: V8 flags are process-wide, so every worker thread gets `gc` for its quiet heap reading (scenarios/worker-heap.ts).
  const child: ChildProcess = fork(LOAD_ENTRY, [JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], execArgv: [...process.execArgv, '--expose-gc'] });
  const tail = new LineTail();
  eachLine(child.stdout!, (l) => tail.push(l));
  eachLine(child.stderr!, (l) => tail.push(l));
  let latest: LoadReport | null = null;
  // Each waiter takes a report and says whether it was the one it waited for (a quiet
  // checkpoint's waits for the report with the clients' heap, not a periodic one).
  let waiters: Array<(r: LoadReport) => boolean> = [];
  let resolveDone!: () => void;
  let rejectFailed!: (e: Error) => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const failed = new Promise<never>((_, rej) => (rejectFailed = rej));
  failed.catch(() => undefined); // observed by the orchestrator via race; never unhandled
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A message to a load that is dying (a terminal's Ctrl+C signals the whole process group, so the
  // load may be exiting while the harness tears down) fails with EPIPE. With a callback the error
  // comes back here instead of as an unhandled 'error' event that would end the harness before
  // it writes the partial report; the load's exit is handled by its 'exit' listeners.
  const post = (message: object): void => {
    if (!child.connected) return;
    child.send(message, (err) => {
      if (err) tail.push(`harness: message to the load not delivered (${err.message})`);
    });
  };
  child.on('error', (err) => tail.push(`harness: load process error (${err.message})`));

  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (raw) => {
      const msg = raw as LoadMessage;
      if (msg.type === 'ready') resolve();
      else if (msg.type === 'report' || msg.type === 'done' || msg.type === 'stopped') {
        const report = msg.report;
        latest = report;
        waiters = waiters.filter((fn) => !fn(report));
        if (msg.type === 'done') {
          // The scenario is over and the load exits by itself: that exit is not a failure.
          stopping = true;
          resolveDone();
        }
      }
      else if (msg.type === 'error') {
        const e = new TargetError('ERR_LOAD', `the load process failed: ${msg.message}`);
        reject(e);
        rejectFailed(e);
      }
    });
    child.once('exit', (code, signal) => {
      const e = new TargetError('ERR_LOAD', `the load process exited (code ${code}, signal ${signal}):\n${tail.text()}`);
      reject(e);
      if (!stopping) rejectFailed(e);
    });
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new TargetError('ERR_LOAD', `the load process was not ready within ${readyTimeoutMs} ms:\n${tail.text()}`)), readyTimeoutMs);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }

  const reportNow = (timeoutMs = 5_000, options: { readonly gc?: boolean } = {}) =>
    new Promise<LoadReport | null>((resolve) => {
      if (!child.connected) return resolve(latest);
      const gc = options.gc === true;
      const t = setTimeout(() => resolve(gc ? null : latest), timeoutMs);
      waiters.push((r) => {
        if (gc && !r.clientHeap) return false;
        clearTimeout(t);
        resolve(r);
        return true;
      });
      post(gc ? { type: 'report-now', gc } : { type: 'report-now' });
    });

  return {
    pid: child.pid!,
    latest: () => latest,
    reportNow,
    done,
    failed,
    stop: async (timeoutMs = 20_000) => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return latest;
      const final = new Promise<LoadReport | null>((resolve) => {
        waiters.push((r) => (resolve(r), true));
        void exited.then(() => resolve(latest));
      });
      post({ type: 'stop' });
      const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const report = await final;
      await exited;
      clearTimeout(kill);
      return report;
    },
  };
}
