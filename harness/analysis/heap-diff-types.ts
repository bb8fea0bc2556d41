/**
 * What a heap-snapshot diff hands to the analysis: the constructors that grew most between two
 * snapshots (end of warm-up → end of soak) with one retainer path each, root first. Filled by
 * the snapshot differ (another module); the analysis only reads it into reasons and reports.
 */
export interface HeapDiffEntry {
  /** V8 constructor / node name, e.g. `Socket`, `Map`, `(closure)`. */
  readonly constructor: string;
  /** Live objects of that constructor: later minus earlier snapshot. */
  readonly countDelta: number;
  /** Their self size: later minus earlier, bytes. */
  readonly sizeDelta: number;
  /** Shortest retainer path of one growing object, from a GC root to it (edge or node names). */
  readonly retainerPath: readonly string[];
}

export interface HeapDiff {
  /** Sorted by sizeDelta, largest first. */
  readonly topGrowing: readonly HeapDiffEntry[];
  /** Which snapshots were compared (file names or labels), when known. */
  readonly from?: string;
  readonly to?: string;
}
