/**
 * What the harness's probes cost, measured on a real `node --inspect` fixture server:
 * `sample()` blocking time at 10/50/100 MB heaps, heap snapshot pause and file size, and the
 * snapshot diff's parse time and harness peak RSS. Run: `npm run build && node dist/bench/harness-bench.js`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { diffHeapSnapshots } from '../harness/probes/heap-diff.js';
import { InspectorProbe } from '../harness/probes/inspector-probe.js';
import { waitForInspectorUrl } from '../harness/probes/inspector-url.js';

export interface HarnessBenchOptions {
  /** Heap sizes (MB of small objects) at which `sample()` is timed. @default [10, 50, 100] */
  readonly heapsMb?: readonly number[];
  /** Samples per heap size; the median is reported. @default 15 */
  readonly samples?: number;
  /** Heap size (MB) for the snapshot and diff figures. @default 50 */
  readonly snapshotHeapMb?: number;
}

export interface HarnessBenchResult {
  readonly node: string;
  /** 1-minute load average at start and end: figures on a shared 2-core box scale with it. */
  readonly loadAvg1m: { start: number; end: number };
  readonly sample: Array<{ heapMb: number; heapUsedBytes: number; probeMsMedian: number; probeMsP90: number; n: number }>;
  readonly snapshot: { heapMb: number; heapUsedBytes: number; bytes: number; pauseMs: number; targetPeakRssBytes: number | null };
  readonly diff: { beforeBytes: number; afterBytes: number; parseMs: number; harnessMaxRssBytes: number; topConstructor: string };
}

export default async function harnessBench(options: HarnessBenchOptions = {}): Promise<HarnessBenchResult> {
  const heapsMb = options.heapsMb ?? [10, 50, 100];
  const n = options.samples ?? 15;
  const snapshotHeapMb = options.snapshotHeapMb ?? 50;
  const loadStart = loadavg()[0] ?? 0;
  const dir = await mkdtemp(join(tmpdir(), 'rol-soak-bench-'));
  const target = await startFixture();
  const probe = await InspectorProbe.connect(target.wsUrl);
  try {
    const sample: HarnessBenchResult['sample'] = [];
    for (const mb of heapsMb) {
      await target.get(`/ballast?mb=${mb}`);
      await probe.sample(); // settle: the first GC after building the ballast promotes it
      const ms: number[] = [];
      let heapUsedBytes = 0;
      for (let i = 0; i < n; i++) {
        const s = await probe.sample();
        ms.push(s.probeMs);
        heapUsedBytes = s.heapUsed;
      }
      sample.push({ heapMb: mb, heapUsedBytes, probeMsMedian: quantile(ms, 0.5), probeMsP90: quantile(ms, 0.9), n });
    }

    await target.get(`/ballast?mb=${snapshotHeapMb}`);
    const heapUsedBytes = (await probe.sample()).heapUsed;
    const before = join(dir, 'before.heapsnapshot');
    const after = join(dir, 'after.heapsnapshot');
    const shot = await probe.takeHeapSnapshot(before);
    await target.get('/grow?n=20000&size=4');
    await probe.takeHeapSnapshot(after);
    const targetPeakRssBytes = peakRss(target.pid);
    await probe.close();
    await target.stop(); // the diff runs alone, as it does at the end of a run

    const d = await diffHeapSnapshots(before, after, { top: 5 });
    // resourceUsage().maxRSS is the process's lifetime peak, kB: the diff is its largest step.
    const harnessMaxRssBytes = process.resourceUsage().maxRSS * 1024;
    return {
      node: process.version,
      loadAvg1m: { start: loadStart, end: loadavg()[0] ?? 0 },
      sample,
      snapshot: { heapMb: snapshotHeapMb, heapUsedBytes, ...shot, targetPeakRssBytes },
      diff: { beforeBytes: d.beforeBytes, afterBytes: d.afterBytes, parseMs: d.parseMs, harnessMaxRssBytes, topConstructor: d.topGrowing[0]?.constructor ?? '' },
    };
  } finally {
    await probe.close();
    await target.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The target's lifetime peak RSS (Linux VmHWM), bytes; null elsewhere. Snapshots dominate it. */
function peakRss(pid: number | undefined): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

/** The probe tests' fixture server, found from the repository root (works from bench/ and dist/bench/). */
async function startFixture(): Promise<{ pid: number | undefined; wsUrl: string; get(path: string): Promise<string>; stop(): Promise<void> }> {
  let root = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);
  const fixture = join(root, 'tests/probes/fixtures/target.mjs');
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
  const wsUrl = await waitForInspectorUrl(child.stderr, 10_000);
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const { port } = JSON.parse(line.toString()) as { port: number };
  return {
    pid: child.pid,
    wsUrl,
    get: async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).text(),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${JSON.stringify(await harnessBench(), null, 2)}\n`);
}
