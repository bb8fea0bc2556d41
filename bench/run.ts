/**
 * `npm run bench` (node dist/bench/run.js [--only NAME]): runs the registered benches and writes
 * each one's figures to bench/results/<name>.json with the date, node version and machine.
 * A bench module's default export returns its figures (already medians over its repetitions).
 * The whole-soak benches (false-alarms, detection-floor, users-1000, leaks-default) run only when named.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BenchFigures = Record<string, unknown>;
type BenchModule = { default: () => Promise<object> };

/** Named benches; add an entry per bench module. */
const BENCHES: Record<string, () => Promise<BenchModule>> = {
  store: () => import('./store-bench.js'),
  'wire-splitter': () => import('./wire-splitter-bench.js'),
  idempotency: () => import('./idempotency-bench.js'),
  'store-outage': () => import('./store-outage-bench.js'),
  harness: () => import('./harness-bench.js'),
  vu: () => import('./vu-bench.js'),
  'socket-vu': () => import('./socket-vu-bench.js'),
  capacity: () => import('./capacity-bench.js'),
  'event-cost': () => import('./event-cost-bench.js'),
  detection: () => import('./detection-bench.js'),
  'checkpoint-power': () => import('./checkpoint-power-bench.js'),
  'joint-rho': () => import('./joint-rho-bench.js'),
  'idle-settle': () => import('./idle-settle-bench.js'),
  'probe-interrupt': () => import('./probe-interrupt-bench.js'),
  'realtime-power': () => import('./realtime-power-bench.js'),
  'false-alarms': () => import('./false-alarms-bench.js'),
  'detection-floor': () => import('./detection-floor-bench.js'),
  'users-1000': () => import('./users-1000-bench.js'),
  'leaks-default': () => import('./leaks-default-bench.js'),
  invariance: () => import('./invariance-bench.js'),
};

/** Whole soaks (minutes to an hour each): only with --only, never in a plain `npm run bench`. */
const OPT_IN = new Set(['false-alarms', 'detection-floor', 'users-1000', 'leaks-default', 'event-cost', 'invariance']);

/** bench/results/ in the repository, from dist/bench/run.js or bench/run.ts alike. */
function resultsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = basename(dirname(here)) === 'dist' ? join(here, '..', '..') : join(here, '..');
  return join(root, 'bench', 'results');
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    totalMemBytes: os.totalmem(),
    platform: process.platform,
    arch: process.arch,
    // 1-minute load average when the bench ended: figures on a shared machine mean little without it.
    loadAvg1m: Number(os.loadavg()[0]!.toFixed(2)),
  };
}

function parseArgs(argv: string[]): { only?: string } | { error: string } {
  const i = argv.indexOf('--only');
  if (i < 0) return argv.length ? { error: `unknown arguments: ${argv.join(' ')}` } : {};
  const name = argv[i + 1];
  if (!name || !(name in BENCHES)) return { error: `--only needs one of: ${Object.keys(BENCHES).join(', ')}` };
  return { only: name };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`bench: ${args.error}\n`);
    return 2;
  }
  const names = args.only ? [args.only] : Object.keys(BENCHES).filter((n) => !OPT_IN.has(n));
  const dir = resultsDir();
  await mkdir(dir, { recursive: true });
  for (const name of names) {
    process.stdout.write(`bench ${name}: running…\n`);
    const started = Date.now();
    const mod = await BENCHES[name]!();
    const figures = await mod.default();
    const result = { bench: name, date: new Date().toISOString(), node: process.version, machine: machine(), durationMs: Date.now() - started, figures };
    const file = join(dir, `${name}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`bench ${name}: ${JSON.stringify(figures)}\n  → ${file}\n`);
  }
  return 0;
}

process.exitCode = await main();
