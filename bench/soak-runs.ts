/**
 * Whole default soaks as benches (opt-in: `npm run bench -- --only NAME`; each takes minutes to
 * an hour, so `npm run bench` alone skips them). Each runs the real CLI (`dist/harness/cli.js`)
 * in its own process, one run at a time (two at once would share the 2 cores and fake the
 * fidelity), and reads the figures from each run's report.json.
 *  - false-alarms: 10 default runs of the fixed server, seeds 1–10; how many did not pass.
 *  - detection-floor: default runs with a synthetic leak (server/synthetic-leak.ts) at rates
 *    around the 1 MiB/h heap budget; the floor is the smallest rate the heap rule names.
 *  - users-1000: `--users 1000`, 25 simulated hours; wall time and fidelity.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../harness/analysis/report-types.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'harness', 'cli.js');
/** Longest one run may take before the bench stops it (by its PID), real ms: a 1,000-user run is planned at ~40 min. */
const RUN_TIMEOUT_MS = 90 * 60_000;

export interface RunFigures {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly runDir: string | null;
  readonly status: string | null;
  readonly leaks: readonly string[];
  readonly wallSeconds: number | null;
  readonly fidelity: number | null;
  readonly heapSlopeBytesPerHour: number | null;
  readonly heapSlopeCi: readonly [number, number] | null;
  readonly samplingShareOfServerCpu: number | null;
  readonly failingRules: readonly string[];
}

/** One CLI run to its end; its progress lines go to this process's stderr. */
export async function runSoak(args: readonly string[]): Promise<RunFigures> {
  const child = spawn(process.execPath, [CLI, ...args, '--ci'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    process.stderr.write(chunk);
  });
  const timer = setTimeout(() => child.kill('SIGINT'), RUN_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  const runDir = /^report: (.+)$/m.exec(out)?.[1]?.trim() ?? /^report folder: (.+)$/m.exec(out)?.[1]?.trim() ?? null;
  let report: Report | null = null;
  try {
    if (runDir) report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
  } catch {
    report = null;
  }
  const trend = report?.series['server.heapUsed'];
  const heap = trend?.status === 'ok' ? trend : null;
  const f = report?.fidelity;
  return {
    args,
    exitCode,
    runDir,
    status: report?.verdict.status ?? null,
    leaks: report?.verdict.leaks ?? [],
    wallSeconds: report?.run.wallSeconds ?? null,
    fidelity: f && 'ratio' in f ? f.ratio : null,
    heapSlopeBytesPerHour: heap?.slope ?? null,
    heapSlopeCi: heap ? [heap.lo, heap.hi] : null,
    samplingShareOfServerCpu: report?.samples.probe?.shareOfServerCpu ?? null,
    failingRules: report?.verdict.rules.filter((r) => r.status === 'fail').map((r) => r.id) ?? [],
  };
}

export function median(values: readonly number[]): number | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
}

export function summarise(runs: readonly RunFigures[]): object {
  const nums = (pick: (r: RunFigures) => number | null) => runs.map(pick).filter((x): x is number => x !== null);
  return {
    runs: runs.length,
    passed: runs.filter((r) => r.exitCode === 0).length,
    failed: runs.filter((r) => r.exitCode === 1).length,
    other: runs.filter((r) => r.exitCode !== 0 && r.exitCode !== 1).length,
    medianWallSeconds: median(nums((r) => r.wallSeconds)),
    medianFidelity: median(nums((r) => r.fidelity)),
    medianSamplingShareOfServerCpu: median(nums((r) => r.samplingShareOfServerCpu)),
    each: runs,
  };
}
