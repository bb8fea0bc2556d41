import { describe, expect, it } from 'vitest';
import { createProgress } from '../../harness/progress.js';
import type { Sample } from '../../harness/sample.js';

function sample(simMs: number, realMs: number): Sample {
  return {
    seq: 0,
    simMs,
    realMs,
    phase: 'warmup',
    server: { heapUsed: 20 * 1024 * 1024, heapTotal: 0, rss: 0, external: 0, arrayBuffers: 0, cpuPercent: 0, eventLoopDelayP50Ms: 0, eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0, eventLoopUtilization: 0, probeMs: 0 },
    metrics: { rol_connected_sockets: 7 },
    client: null,
    load: null,
    harnessHeapUsed: 0,
  };
}

describe('plain progress lines', () => {
  it('print the simulated hour, heap, sockets and an ETA from the plan before the run can extrapolate', () => {
    const lines: string[] = [];
    const stream = { write: (t: string) => lines.push(t) } as unknown as NodeJS.WriteStream;
    const p = createProgress(stream, true);
    p.listener({ type: 'config', runId: 'r', runDir: '/tmp/r', timeScale: 35, limitedBy: 'capacity', estimatedWallSeconds: 2653, withinBudget: false, maxWallMinutes: 3 });
    p.listener({ type: 'sample', sample: sample(0, 0), totalSimMs: 25.5 * 3_600_000 });
    p.stop();
    expect(lines[0]).toMatch(/time scale 35 \(set by capacity\), about 2653 s/);
    expect(lines[1]).toMatch(/cannot fit the run into 3 min/);
    const progress = lines.find((l) => l.startsWith('sim '));
    expect(progress).toMatch(/^sim 0\.0 h \(0%\) warmup: heap 20\.0 MB, sockets 7, 0 msg\/s, ETA 265[0-3] s/);
  });
});
