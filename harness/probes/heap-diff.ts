/**
 * Diffs two `.heapsnapshot` files by constructor name and names what grows: count and self-size
 * deltas per constructor, and for the top growers the shortest retainer path of their largest new
 * instance towards the GC roots (e.g. `Map (userSocketMap) → Object (presence) → …`). Parsing uses
 * heap-snapshot-toolkit (the DevTools parser) one snapshot at a time, so peak memory is one
 * parsed snapshot plus the first one's per-class id lists, not two whole graphs.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse, type JSHeapSnapshotDiff } from 'heap-snapshot-toolkit';
import { asProbeError } from './probe-error.js';

/** Field names are shared with harness/analysis/verdict.ts; keep them identical. */
export interface HeapDiff {
  readonly topGrowing: Array<{
    constructor: string;
    /** Instances in `after` minus instances in `before`. */
    countDelta: number;
    /** Shallow (self) size delta, bytes. */
    sizeDelta: number;
    /** Nearest retainer first, each `Class (edge by which it is held)`, stopping below the root. */
    retainerPath: string[];
  }>;
  /** Wall time to parse both snapshots and diff them, ms. */
  readonly parseMs: number;
  readonly beforeBytes: number;
  readonly afterBytes: number;
}

export interface HeapDiffOptions {
  /** How many growing constructors to report. @default 10 */
  readonly top?: number;
  /** Keep V8-internal groups such as `(system)`, `(compiled code)`, `(internal array)`. @default false */
  readonly includeInternal?: boolean;
  /** Longest retainer path reported, in steps. @default 12 */
  readonly maxPathLength?: number;
}

type Snapshot = Awaited<ReturnType<typeof parse>>;
/** The slice of the DevTools node API the retainer walk uses (base and JS nodes both fit). */
interface SnapshotNode {
  distance(): number;
  className(): string;
  isRoot(): boolean;
  retainers(): { hasNext(): boolean; next(): void; item(): { type(): string; name(): string; node(): SnapshotNode } };
}

interface Grower {
  constructor: string;
  countDelta: number;
  sizeDelta: number;
  /** Node indexes (in `after`) of the instances new since `before`, one list per DevTools class key. */
  added: number[][];
}

export async function diffHeapSnapshots(beforePath: string, afterPath: string, options: HeapDiffOptions = {}): Promise<HeapDiff> {
  const top = options.top ?? 10;
  const maxPath = options.maxPathLength ?? 12;
  try {
    const [beforeStat, afterStat] = await Promise.all([stat(beforePath), stat(afterPath)]);
    const t0 = performance.now();
    const { uid, aggregates } = await baseAggregates(beforePath);
    const after = await parse(createReadStream(afterPath, 'utf-8'));
    const diff = after.calculateSnapshotDiff(uid, aggregates) as JSHeapSnapshotDiff;
    const growers = byConstructor(diff)
      .filter((g) => g.sizeDelta > 0 || g.countDelta > 0)
      .filter((g) => options.includeInternal || !isInternal(g.constructor))
      .sort((a, b) => b.sizeDelta - a.sizeDelta || b.countDelta - a.countDelta)
      .slice(0, top);
    const topGrowing = growers.map((g) => {
      const sample = largestAdded(g.added, (i) => after.createNode(i).selfSize());
      return {
        constructor: g.constructor,
        countDelta: g.countDelta,
        sizeDelta: g.sizeDelta,
        retainerPath: sample === undefined ? [] : retainerPath(after.createNode(sample), maxPath),
      };
    });
    return { topGrowing, parseMs: performance.now() - t0, beforeBytes: beforeStat.size, afterBytes: afterStat.size };
  } catch (err) {
    throw asProbeError('ERR_HEAP_DIFF', `diff of ${beforePath} → ${afterPath} failed`, err);
  }
}

/** Parses `before` and keeps only what the diff needs (per-class ids and sizes), then drops it. */
async function baseAggregates(path: string): Promise<{ uid: string; aggregates: ReturnType<Snapshot['aggregatesForDiff']> }> {
  const before = await parse(createReadStream(path, 'utf-8'));
  const aggregates = before.aggregatesForDiff(before.interfaceDefinitions());
  return { uid: (before as unknown as { uid: string }).uid, aggregates };
}

/** DevTools keys classes by name plus allocation site; the harness reports by name only. */
function byConstructor(diff: JSHeapSnapshotDiff): Grower[] {
  const groups = new Map<string, Grower>();
  for (const d of Object.values(diff) as Array<{ name: string; countDelta: number; sizeDelta: number; addedIndexes: number[] }>) {
    const g = groups.get(d.name) ?? { constructor: d.name, countDelta: 0, sizeDelta: 0, added: [] };
    g.countDelta += d.countDelta;
    g.sizeDelta += d.sizeDelta;
    g.added.push(d.addedIndexes);
    groups.set(d.name, g);
  }
  return [...groups.values()];
}

/**
 * The new instance whose path is shown: the largest by self size, the one that explains most of
 * the growth. A class as common as `Array` gains thousands of small instances that any code
 * makes (a live default run with a planted leak of 4 KiB+ arrays: its last new `Array` was held
 * by compiled code's feedback, and the path named the MongoDB driver's module instead of the
 * leak). Ties go to the last added of its class key, as DevTools lists them.
 */
export function largestAdded(added: readonly (readonly number[])[], selfSize: (index: number) => number): number | undefined {
  let best: number | undefined;
  let bestSize = -1;
  for (const list of added) {
    for (let k = list.length - 1; k >= 0; k--) {
      const index = list[k] as number;
      const size = selfSize(index);
      if (size > bestSize) {
        bestSize = size;
        best = index;
      }
    }
  }
  return best;
}

function isInternal(name: string): boolean {
  return name.startsWith('(') || name.startsWith('system /');
}

/**
 * Walks from `node` towards the root, each step to the strong retainer with the smallest BFS
 * distance from the root (the DevTools "distance"), so the path is a shortest one. Each entry is
 * a retainer labelled with the edge by which *it* is held by the next one, reading like
 * `Map (userSocketMap) → Object (presence) → …`.
 */
function retainerPath(node: SnapshotNode, maxSteps: number): string[] {
  const steps: Array<{ node: SnapshotNode; heldAs: string }> = [];
  let current: SnapshotNode = node;
  for (let step = 0; step <= maxSteps; step++) {
    let best: { node: SnapshotNode; edge: string } | undefined;
    let bestDistance = current.distance();
    for (let it = current.retainers(); it.hasNext(); it.next()) {
      const edge = it.item();
      if (edge.type() === 'weak') continue;
      const retainer = edge.node();
      const d = retainer.distance();
      if (d >= 0 && d < bestDistance) {
        bestDistance = d;
        best = { node: retainer, edge: edgeLabel(edge.type(), edge.name()) };
      }
    }
    if (!best) break;
    // The edge found here is how `current` is held; it labels the previous step.
    const last = steps[steps.length - 1];
    if (last) last.heldAs = best.edge;
    if (best.node.isRoot()) break;
    steps.push({ node: best.node, heldAs: '' });
    current = best.node;
  }
  return steps.slice(0, maxSteps).map((s) => (s.heldAs ? `${nodeLabel(s.node)} (${s.heldAs})` : nodeLabel(s.node)));
}

function nodeLabel(node: SnapshotNode): string {
  // V8 names the global object `global / <title>`; Node's title is empty.
  const name = node.className().replace(/ \/ $/, '');
  return name.length > 80 ? `${name.slice(0, 77)}...` : name;
}

/** Element and hidden edges are indexes: shown as `[i]`; properties and internals by name. */
function edgeLabel(type: string, name: string): string {
  return type === 'element' || type === 'hidden' ? `[${name}]` : name;
}
