/**
 * A load worker's own heap at a quiet checkpoint: collected (twice: a first full GC can leave
 * what finalizers and weak maps release only on the next) and read, for the clients' memory
 * rule. A page that leaks in a browser leaks in happy-dom too, and no client counter may watch
 * what it retains. Needs `gc`, which the load process exposes to its workers (`--expose-gc`);
 * without it there is no quiet reading (undefined), never an uncollected one.
 */
import v8 from 'node:v8';

export interface WorkerHeap {
  /** V8 heap used by this worker's isolate after the forced GCs, bytes. */
  readonly usedBytes: number;
  /** Virtual users alive in this worker when it was read. */
  readonly vus: number;
}

export function quietHeap(vus: number): WorkerHeap | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return undefined;
  gc();
  gc();
  return { usedBytes: v8.getHeapStatistics().used_heap_size, vus };
}
