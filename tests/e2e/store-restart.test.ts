/**
 * A store that restarts mid-run, through the real CLI: the run uses a wire store this file owns
 * (MONGODB_URI), which is stopped and started again on the same port once the soak samples. The
 * harness must see another store process answering (harness/probes/store-probe.ts), end the run
 * as a target failure (exit 4) naming the cause, and keep what it sampled (samples.ndjson and a
 * partial report).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startWireStore } from '../../store/wire-process.js';
import type { RunningStore } from '../../store/store-types.js';
import { runCli } from './run-cli.js';

const OUT = join(import.meta.dirname, '../../reports/e2e');

let store: RunningStore | undefined;
afterAll(async () => {
  await store?.stop();
});

describe('a store restart mid-run', () => {
  it('ends the run with exit 4, the cause in the report, and the samples kept', async () => {
    store = await startWireStore();
    const port = Number(new URL(store.uri).port);
    let restarting: Promise<void> | null = null;
    const run = await runCli(['--users', '4', '--hours', '25', '--no-snapshots', '--no-http', '--ci', '--out', OUT], {
      env: { MONGODB_URI: store.uri, SOAK_STORE: 'uri' },
      onSpawn: (child) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          // Once the soak is sampling (the first progress line), restart the store on its port.
          if (restarting === null && /^sim /m.test(chunk.toString())) {
            const old = store!;
            restarting = (async () => {
              await old.stop();
              store = await startWireStore({ port });
            })();
          }
        });
      },
    });
    expect(restarting).not.toBeNull();
    await restarting;
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.stderr).toMatch(/the store restarted mid-run: the store's pid changed from \d+ to \d+/);
    const report = run.report();
    expect(report.run.exitCode).toBe(4);
    expect(report.run.error).toMatch(/the store restarted mid-run/);
    expect(report.samples.count).toBeGreaterThan(0);
    const samples = readFileSync(join(run.runDir!, 'samples.ndjson'), 'utf8').trim().split('\n');
    expect(samples.length).toBe(report.samples.count);
    const last = JSON.parse(samples.at(-1)!) as { storeError?: string };
    expect(last.storeError).toMatch(/the store restarted mid-run/);
    expect(existsSync(join(run.runDir!, 'summary.md'))).toBe(true);
  });
});
