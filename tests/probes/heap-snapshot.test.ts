import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffHeapSnapshots } from '../../harness/probes/heap-diff.js';
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
