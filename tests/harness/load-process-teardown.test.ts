/**
 * The load process dying under the harness as a terminal's Ctrl+C leaves it (the whole process
 * group gets SIGINT): the harness's teardown still asks it to stop, and the IPC write then fails
 * (EPIPE). That failure must come back as a logged line, not an unhandled 'error' event that ends
 * the harness before it writes the partial report (seen in CI: tests/e2e/profile.test.ts).
 * A real load process (dist/, as the CLI forks it), with one user and no server to reach.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as LoadProcessModule from '../../harness/run/load-process.js';

/** Blocks this thread for `ms` real ms: the child dies and its pipe closes while this process cannot see it yet. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('the load process dying while the harness tears down', () => {
  it('a stop sent into its closed pipe is no crash: stop() resolves with the last report', async () => {
    const compiled = pathToFileURL(join(import.meta.dirname, '../../dist/harness/run/load-process.js')).href;
    const { startLoadProcess } = (await import(compiled)) as typeof LoadProcessModule;
    const load = await startLoadProcess({ serverUrl: 'http://127.0.0.1:9', users: 1, hours: 1, clock: { scale: 60, epochMs: Date.now() + 60_000 }, reportEveryRealMs: 0 });
    const uncaught: Error[] = [];
    const onUncaught = (err: Error) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      process.kill(load.pid, 'SIGKILL');
      // Dead and its pipe closed, but this process has not yet run the child's 'exit' or
      // 'disconnect': the handle still looks connected, as in the teardown race.
      blockFor(300);
      await load.reportNow(1_000);
      const report = await load.stop(5_000);
      expect(report).toBeNull();
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught.map((e) => e.message)).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
