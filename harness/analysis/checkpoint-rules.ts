/**
 * Leak judgements on quiet checkpoints (harness/run/checkpoints.ts): readings taken with the load
 * held and the heap collected until stable, where the heap no longer follows the momentary load.
 *  - the soak's heap trend: the Theil–Sen slope over the soak's checkpoints (trend.ts), per
 *    simulated hour, judged against the heap budget (rules.ts heapSlopeRule uses it when the run
 *    has enough checkpoints);
 *  - `heap-cooldown`: the end checkpoint (after the cool-down, every user gone) against the idle
 *    baseline read before the first user arrived. What the server still holds then is what the
 *    run retained; the end snapshot's diff names it.
 */
import type { Sample } from '../sample.js';
import type { Budgets } from './budgets.js';
import type { RuleResult } from './rule-types.js';
import { newSockets } from './sample-read.js';
import { MIN_TREND_POINTS, trendPerHour, type TrendResult } from './trend.js';
import type { HeapPoint } from './heap-growth.js';

/**
 * The heap slope budget on checkpoints, bytes per simulated hour: per user-hour × users, never
 * below the floor (the creep that does not scale with users). Budgets.heapSlopeBytesPerUserHour
 * says where the figures come from.
 */
export function heapSlopeBudget(b: Budgets, users: number): number {
  return Math.max(b.heapSlopeMinBytesPerHour, b.heapSlopeBytesPerUserHour * users);
}

/** A quiet soak checkpoint: held, read before the hold ended (not overran), inside the soak after warm-up. */
export function soakCheckpoints(samples: readonly Sample[], warmupEndsAtSimMs: number): Sample[] {
  return samples.filter((s) => {
    const c = s.checkpoint;
    return c !== undefined && c.kind !== 'baseline' && c.kind !== 'end' && !c.overran && c.atSimMs >= warmupEndsAtSimMs && s.phase === 'soak';
  });
}

/** Checkpoints that ran into the load's restart (their reading was not quiet), counted for the evidence. */
export function overranCheckpoints(samples: readonly Sample[]): number {
  return samples.filter((s) => s.checkpoint?.overran === true).length;
}

/** The heap trend over the soak's checkpoints, each placed at its hold's start. */
export function checkpointHeapTrend(checkpoints: readonly Sample[]): TrendResult {
  return trendPerHour(checkpoints.map((s) => ({ simMs: s.checkpoint?.atSimMs ?? s.simMs, value: s.server.heapUsed })));
}

/** The run's end checkpoint (the last sample, read after the cool-down with the heap stable), if it has one. */
export function endCheckpoint(samples: readonly Sample[]): Sample | undefined {
  const last = samples[samples.length - 1];
  return last?.checkpoint?.kind === 'end' ? last : undefined;
}

const MiB = 1024 * 1024;
const mib = (bytes: number): string => (bytes / MiB).toFixed(2);

/**
 * The heap after the cool-down against the idle baseline: fails when the server retains more
 * than `cooldownHeapRetainedBytes` (+ `cooldownHeapRetainedBytesPerUser` × users) once every
 * user has gone. Not applicable (absent) for runs without checkpoints.
 *
 * A reading whose heap had not settled (inspector-probe.ts: it was still falling when its rounds
 * ran out) is an upper bound of the settled heap, so it still decides one way: an unsettled end
 * can pass (the settled end is lower still) but not fail; an unsettled baseline can fail (the
 * settled baseline is lower, so more was retained) but not pass. The other way is inconclusive.
 */
export function heapCooldownRule(samples: readonly Sample[], baseline: Sample | null | undefined, b: Budgets, users: number): RuleResult | null {
  if (!baseline) return null;
  const metric = 'server.heapUsed';
  const unit = 'bytes';
  const budget = b.cooldownHeapRetainedBytes + b.cooldownHeapRetainedBytesPerUser * users;
  const end = endCheckpoint(samples);
  const budgetText = `${mib(b.cooldownHeapRetainedBytes)} MiB + ${(b.cooldownHeapRetainedBytesPerUser / 1024).toFixed(0)} KiB × ${users} users = ${mib(budget)} MiB`;
  if (!end) {
    return { id: 'heap-cooldown', status: 'inconclusive', evidence: { metric, value: null, budget, unit, text: 'no end checkpoint: the run ended before its cool-down was read' } };
  }
  const retained = end.server.heapUsed - baseline.server.heapUsed;
  const endStable = end.server.heapStable !== false;
  const baselineStable = baseline.server.heapStable !== false;
  const settled = (stable: boolean) => (stable ? 'stable' : 'NOT stable');
  const sockets = end.metrics['rol_connected_sockets'];
  const text =
    `heap after the cool-down ${mib(end.server.heapUsed)} MiB vs the idle baseline ${mib(baseline.server.heapUsed)} MiB before the first user: ` +
    `${retained >= 0 ? '+' : ''}${mib(retained)} MiB retained (budget ${budgetText}; end ${end.server.gcRounds ?? 1} GCs, ${settled(endStable)}; ` +
    `baseline ${baseline.server.gcRounds ?? 1} GCs, ${settled(baselineStable)}${sockets === undefined ? '' : `; ${sockets} sockets left`})`;
  const evidence = (why = '') => ({ metric, value: retained, budget, unit, text: `${text}${why}` });
  if (retained > budget) {
    if (endStable) return { id: 'heap-cooldown', status: 'fail', evidence: evidence() };
    return { id: 'heap-cooldown', status: 'inconclusive', evidence: evidence(': the end heap was still falling, so the settled end may be within the budget') };
  }
  if (!baselineStable) return { id: 'heap-cooldown', status: 'inconclusive', evidence: evidence(': the baseline was still falling, so the settled baseline may be lower by more than the budget left') };
  return { id: 'heap-cooldown', status: 'pass', evidence: evidence(endStable ? '' : ': the end heap was still falling, and its reading already passes') };
}

/** What the run's checkpoints were and what they cost, for the report. */
export interface CheckpointSummary {
  /** Checkpoints read (holds in the soak, the baseline and the end), by kind. */
  readonly taken: number;
  readonly holds: number;
  /** Holds whose reads ran past their end (the load had restarted), and readings whose heap never settled. */
  readonly overran: number;
  readonly unstable: number;
  /** Actions still in flight when a hold's reading began, summed over the holds. */
  readonly inFlight: number;
  /** Real ms a hold's reads took (median, max) and the settle before them (median, max). */
  readonly readRealMsMedian: number | null;
  readonly readRealMsMax: number | null;
  readonly settleRealMsMedian: number | null;
  readonly settleRealMsMax: number | null;
  /** Heap of the idle baseline and the end checkpoint, bytes (null when not read). */
  readonly baselineHeap: number | null;
  readonly endHeap: number | null;
  /** Real ms the idle baseline's and the end's reads took (they wait for the heap to stop falling), and their GC rounds. */
  readonly baselineReadRealMs?: number | null;
  readonly endReadRealMs?: number | null;
  readonly baselineGcRounds?: number | null;
  readonly endGcRounds?: number | null;
  /** The soak's checkpoint heap series: hold start (simulated h) and heap (bytes), for the report's chart. */
  readonly series: ReadonlyArray<{ readonly hour: number; readonly heapUsed: number; readonly overran: boolean }>;
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function summariseCheckpoints(samples: readonly Sample[], baseline: Sample | null | undefined): CheckpointSummary {
  const all = [...(baseline ? [baseline] : []), ...samples.filter((s) => s.checkpoint)];
  const holds = all.filter((s) => s.checkpoint && s.checkpoint.kind !== 'baseline' && s.checkpoint.kind !== 'end');
  const reads = holds.map((s) => s.checkpoint?.readRealMs ?? 0);
  const end = endCheckpoint(samples);
  const settles = holds.map((s) => s.checkpoint?.settleRealMs ?? 0);
  return {
    taken: all.length,
    holds: holds.length,
    overran: holds.filter((s) => s.checkpoint?.overran).length,
    unstable: all.filter((s) => s.server.heapStable === false).length,
    inFlight: holds.reduce((sum, s) => sum + (s.checkpoint?.inFlight ?? 0), 0),
    readRealMsMedian: medianOf(reads),
    readRealMsMax: reads.length > 0 ? Math.max(...reads) : null,
    settleRealMsMedian: medianOf(settles),
    settleRealMsMax: settles.length > 0 ? Math.max(...settles) : null,
    baselineHeap: baseline?.server.heapUsed ?? null,
    endHeap: end?.server.heapUsed ?? null,
    baselineReadRealMs: baseline?.checkpoint?.readRealMs ?? null,
    endReadRealMs: end?.checkpoint?.readRealMs ?? null,
    baselineGcRounds: baseline?.server.gcRounds ?? null,
    endGcRounds: end?.server.gcRounds ?? null,
    series: holds.map((s) => ({ hour: (s.checkpoint?.atSimMs ?? s.simMs) / 3_600_000, heapUsed: s.server.heapUsed, overran: s.checkpoint?.overran === true })),
  };
}

/** The series key of the heap trend over the soak's quiet checkpoints. */
export const CHECKPOINT_HEAP_SERIES = 'checkpoints.heapUsed';

/** `series` with the checkpoint heap trend added when the run has soak checkpoints. */
export function withCheckpointSeries(series: Readonly<Record<string, TrendResult>>, samples: readonly Sample[], warmupEndsAtSimMs: number): Readonly<Record<string, TrendResult>> {
  const quiet = soakCheckpoints(samples, warmupEndsAtSimMs);
  if (quiet.length === 0) return series;
  return { ...series, [CHECKPOINT_HEAP_SERIES]: checkpointHeapTrend(quiet) };
}

/**
 * The clients' memory (issue 14, 2b): each load worker's heap after forced GCs at the soak's
 * checkpoints, per virtual user, judged like the server's heap: the Theil–Sen slope per
 * simulated hour against `clientHeapBytesPerVuHour`. Null (not judged; the verdict lists it as
 * not covered) when the run has fewer checkpoints with a clients' reading than a trend needs.
 */
export function clientHeapRule(samples: readonly Sample[], warmupEndsAtSimMs: number, b: Budgets): { rule: RuleResult | null; notCovered?: string } {
  const quiet = soakCheckpoints(samples, warmupEndsAtSimMs).filter((s) => s.clientHeap && s.clientHeap.vus > 0);
  if (quiet.length === 0) return { rule: null };
  if (quiet.length < MIN_TREND_POINTS) {
    return { rule: null, notCovered: `client-heap: ${quiet.length} quiet checkpoints with the clients' heap, fewer than the ${MIN_TREND_POINTS} a trend needs (more hours or --checkpoint-every)` };
  }
  const metric = 'clientHeap.usedBytes/vu';
  const unit = 'bytes/VU/h';
  const budget = b.clientHeapBytesPerVuHour;
  const t = trendPerHour(quiet.map((s) => ({ simMs: s.checkpoint?.atSimMs ?? s.simMs, value: (s.clientHeap?.usedBytes ?? 0) / (s.clientHeap?.vus ?? 1) })));
  if (t.status !== 'ok') return { rule: { id: 'client-heap', status: 'inconclusive', evidence: { metric, value: null, budget, unit, text: `no client heap trend on ${quiet.length} checkpoints: ${t.reason}` } } };
  const kib = (v: number) => (v / 1024).toFixed(1);
  const first = quiet[0]?.clientHeap;
  const ci = `${kib(t.slope)} KiB per VU per simulated hour [${kib(t.lo)}, ${kib(t.hi)}] vs budget ${kib(budget)} on ${quiet.length} quiet checkpoints (load workers' heaps after forced GCs, ${first?.vus ?? 0} VUs in ${first?.workers ?? 0} workers; n_eff=${t.nEff.toFixed(0)})`;
  const evidence = { metric, value: t.slope, budget, slope: t.slope, lo: t.lo, hi: t.hi, unit };
  if (t.lo > budget) return { rule: { id: 'client-heap', status: 'fail', evidence: { ...evidence, text: `client heap grows ${ci}: the interval lies above the budget` } } };
  if (t.hi <= budget) return { rule: { id: 'client-heap', status: 'pass', evidence: { ...evidence, text: `client heap ${ci}` } } };
  return { rule: { id: 'client-heap', status: 'inconclusive', evidence: { ...evidence, text: `client heap ${ci}: the interval straddles the budget` } } };
}

/** The soak's checkpoints as heap-growth points: hour, heap, cumulative actions done and connects. */
export function checkpointHeapPoints(checkpoints: readonly Sample[]): HeapPoint[] {
  return checkpoints.map((s) => {
    const connects = newSockets(s);
    return {
      hour: (s.checkpoint?.atSimMs ?? s.simMs) / 3_600_000,
      heapUsed: s.server.heapUsed,
      ...(s.load && connects !== undefined ? { actions: s.load.doneActions, connects } : {}),
    };
  });
}
