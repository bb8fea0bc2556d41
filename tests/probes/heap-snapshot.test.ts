import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffHeapSnapshots, largestAdded } from '../../harness/probes/heap-diff.js';
import { InspectorProbe } from '../../harness/probes/inspector-probe.js';
import { startTarget, type Target } from './target-process.js';

describe('heap snapshots and their diff on a real child process', () => {
  let target: Target;
  let probe: InspectorProbe;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rol-soak-probes-'));
    target = await startTarget();
    probe = await InspectorProbe.connect(target.wsUrl);
  }, 20_000);

  afterAll(async () => {
    await probe?.close();
    await target?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('streams a DevTools-shaped snapshot to disk without buffering it in the harness', async () => {
    // ~15 MB of small objects → a snapshot file of ~40 MB (2.6 bytes of file per heap byte).
    await target.get('/ballast?mb=15');
    const file = join(dir, 'big.heapsnapshot');
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    const watch = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const { bytes, pauseMs } = await probe.takeHeapSnapshot(file);
    clearInterval(watch);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    console.log(`snapshot ${bytes} B, pause ${pauseMs.toFixed(0)} ms, harness heap +${peak - heapBefore} B`);
    expect(bytes).toBeGreaterThan(20_000_000);
    const { size } = await stat(file);
    expect(size).toBe(bytes);
    expect(pauseMs).toBeGreaterThan(0);
    // Streamed: holding the snapshot would cost ≥ its size in one-byte strings; heapUsed also
    // counts not-yet-scavenged chunk garbage (young generation, tens of MB), hence the margin.
    expect(peak - heapBefore).toBeLessThan(bytes * 0.6);
    const head = await readHead(file, 200);
    expect(head).toMatch(/^\{"snapshot":\{"meta":\{"node_fields":\[/);
    await target.get('/clear');
  }, 60_000);

  it('names the growing constructor and its retainer path through the Map', async () => {
    await target.get('/grow?n=10&size=4'); // the class exists in both snapshots
    const before = join(dir, 'before.heapsnapshot');
    const after = join(dir, 'after.heapsnapshot');
    await probe.takeHeapSnapshot(before);
    await target.get('/grow?n=5000&size=4');
    await probe.takeHeapSnapshot(after);

    const diff = await diffHeapSnapshots(before, after, { top: 10 });
    expect(diff.beforeBytes).toBeGreaterThan(0);
    expect(diff.afterBytes).toBeGreaterThan(diff.beforeBytes);
    expect(diff.parseMs).toBeGreaterThan(0);
    const leaky = diff.topGrowing.find((g) => g.constructor === 'LeakyThing');
    expect(leaky, JSON.stringify(diff.topGrowing, null, 1)).toBeDefined();
    expect(leaky?.countDelta).toBe(5000);
    expect(leaky?.sizeDelta).toBeGreaterThan(5000 * 16);
    const path = leaky?.retainerPath.join(' → ') ?? '';
    expect(path).toMatch(/Map \(userSocketMap\)/);
    console.log('retainer path:', path);

    // No growth between two snapshots → the constructor is not reported as growing.
    const again = join(dir, 'again.heapsnapshot');
    await probe.takeHeapSnapshot(again);
    const flat = await diffHeapSnapshots(after, again, { top: 50 });
    expect(flat.topGrowing.find((g) => g.constructor === 'LeakyThing')).toBeUndefined();
    await target.get('/clear');
  }, 60_000);

  it('names the payload arrays\' path when many small arrays are new too', async () => {
    // 40 LeakyThing payloads of 4,096 numbers (32 KiB each) held through the Map, between 10,000
    // one-element arrays held elsewhere: all are new Arrays; the bytes are the payloads'.
    const before = join(dir, 'mixed-before.heapsnapshot');
    const after = join(dir, 'mixed-after.heapsnapshot');
    await probe.takeHeapSnapshot(before);
    await target.get('/clutter?n=5000');
    await target.get('/grow?n=40&size=4096');
    await target.get('/clutter?n=5000');
    await probe.takeHeapSnapshot(after);
    const diff = await diffHeapSnapshots(before, after, { top: 10 });
    const arrays = diff.topGrowing.find((g) => g.constructor === 'Array');
    expect(arrays, JSON.stringify(diff.topGrowing, null, 1)).toBeDefined();
    expect(arrays?.countDelta).toBeGreaterThanOrEqual(5040);
    expect(arrays?.sizeDelta).toBeGreaterThan(40 * 4096 * 8);
    const path = arrays?.retainerPath.join(' → ') ?? '';
    expect(path).toMatch(/^LeakyThing\b.*Map \(userSocketMap\)/);
    expect(path).not.toMatch(/clutter|items/);
    await target.get('/clear');
  }, 60_000);

  it('fails with ERR_HEAP_DIFF on a missing file', async () => {
    await expect(diffHeapSnapshots(join(dir, 'nope'), join(dir, 'nope2'))).rejects.toMatchObject({ code: 'ERR_HEAP_DIFF' });
  });
});

async function readHead(file: string, n: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

describe('largestAdded: which new instance of a class a path is shown for', () => {
  it('takes the largest by self size, wherever it sits, and the last added of its key on a tie', () => {
    const sizes = new Map([[10, 16], [11, 16], [12, 32_768], [13, 16], [20, 16], [21, 4_096]]);
    const size = (i: number) => sizes.get(i) ?? 0;
    // Many small new arrays after the big one (the live run's case: the last new Array was compiled code's).
    expect(largestAdded([[10, 11, 12, 13], [20, 21]], size)).toBe(12);
    expect(largestAdded([[10, 11, 13]], size)).toBe(13);
    expect(largestAdded([[], []], size)).toBeUndefined();
  });
});
