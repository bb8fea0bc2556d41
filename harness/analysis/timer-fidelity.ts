/**
 * Did every periodic timer fire at its production rate? For each timer type the planned fires are
 * the production rate times the simulated time it ran for (per connected user for the client's
 * ping, poll and weather refresh; per connected socket for the server's presence heartbeat; once
 * per server for the sweeper), integrated over the soak's samples; the fired ones come from the
 * counters (the virtual users' `load.timerEvents`, the server's `rol_*_total`). Pure.
 *
 * socket.io's transport keepalive is counted apart and never judged: it runs in real time at a
 * stated floor (server/app.ts `heartbeatFor`), so its planned fires are per real second.
 */
import type { Sample } from '../sample.js';
import type { RuleId } from './rule-types.js';

/**
 * Least share of production rate a timer type must reach in the default mode. Below it a leak
 * per tick is driven measurably more weakly than the simulated hours claim; 1% is about the loss
 * a remount costs an interval (its first fire comes one period after mount) in a busy phase.
 */
export const TIMER_MIN_RATIO = 0.99;

export type TimerType = 'presence-ping' | 'request-poll' | 'weather' | 'server-heartbeat' | 'sweeper' | 'transport-keepalive';

export interface TimerSpec {
  readonly type: TimerType;
  /** Production period: simulated ms (real ms for `clock: 'real'`). */
  readonly periodMs: number;
  /** What runs one timer: each connected user, each connected socket, or the server once. */
  readonly per: 'user' | 'socket' | 'server';
  readonly clock: 'sim' | 'real';
  /** Rules a leak per tick of this timer would be caught by (listed as not covered when driven weakly). */
  readonly drives: readonly RuleId[];
  /** Least share of production rate it must reach. @default TIMER_MIN_RATIO */
  readonly minRatio?: number;
  /**
   * A cumulative count of what restarts this timer (a remount restarts the weather refresh, in
   * the real app too: its first fire comes a whole period after mount). Each restart can cost
   * at most one fire, and so can each timer's phase at the window's two ends (one fire per
   * timer at most, for a period long against the window: 15 min in a 3.5 h window is 7%), so
   * the planned fires are the fewest a correct app can fire: the continuous count less one per
   * restart and one per timer running at the window's start. What it fires beyond that still
   * must be fired (a starved or floored timer falls under it).
   */
  readonly restartedBy?: (s: Sample) => number | undefined;
}

export interface TimerRow {
  readonly type: TimerType;
  readonly periodMs: number;
  readonly clock: 'sim' | 'real';
  /** Fires production rate asks for over the soak; null when the basis (users, sockets) was never read. */
  readonly planned: number | null;
  /** Fires counted over the soak; null when the counter is missing (an older or outside target). */
  readonly fired: number | null;
  /** fired / planned; null when either is missing or nothing was planned. */
  readonly ratio: number | null;
  /** Restarts over the window, each taken off the planned fires (TimerSpec.restartedBy); absent when the timer has none. */
  readonly restarts?: number;
  /** False for socket.io's keepalive (a real-time floor, counted apart). */
  readonly judged: boolean;
}

export interface TimerFidelity {
  /** `production`: every app timer at its simulated period; `floored`: `--timer-floor` asked for less. */
  readonly mode: 'production' | 'floored';
  /** The real-ms floor asked for (floored mode), else null. */
  readonly floorMs: number | null;
  /** ok: every judged type ≥ its minRatio (TIMER_MIN_RATIO unless the spec says otherwise); too-low: one is below (production mode only); reduced: floored on request. */
  readonly status: 'ok' | 'too-low' | 'reduced' | 'insufficient-data';
  readonly rows: readonly TimerRow[];
  readonly reasons: readonly string[];
  /** Rules that timer types below TIMER_MIN_RATIO would drive, with why (empty when none). */
  readonly notCovered: readonly string[];
}

export interface TimerFidelityOptions {
  readonly specs: readonly TimerSpec[];
  /**
   * Simulated ms at which the load stopped (the soak's end). Counters of simulated-clock timers
   * read after it are left out: the server's last soak scrape can come after the stop (0.08
   * simulated h after it at the cool-down's S = 600: a 0.5 s scrape), and its socket count, read
   * then as 0, says nothing of when in the interval before it the sockets went, so the basis of
   * that interval would plan a whole interval's beats for sockets that were closing (a 4-hour
   * 100-user run read its heartbeat at 98.1% that way). Absent: every soak reading counts.
   */
  readonly loadStopSimMs?: number;
  /** The interval floor the user asked for (`--timer-floor`), real ms; absent = production mode. */
  readonly floorMs?: number;
}

/** Where each timer's cumulative count is read, and the simulated instant it was read at. */
const COUNTERS: Readonly<Record<TimerType, (s: Sample) => number | undefined>> = {
  'presence-ping': (s) => s.load?.timerEvents?.['presence-ping'],
  'request-poll': (s) => s.load?.timerEvents?.['request-poll'],
  weather: (s) => s.load?.timerEvents?.weather,
  'server-heartbeat': (s) => s.metrics['rol_presence_heartbeats_total'],
  sweeper: (s) => s.metrics['rol_presence_sweeps_total'],
  'transport-keepalive': (s) => s.metrics['rol_transport_keepalives_total'],
};

/**
 * A sample's stamp is taken before its probe and scrape, and the load's counts come from its
 * latest report (up to 1 s real old: 10 simulated minutes at S = 600), so each counter is placed
 * at the instant it was read: the load's `readAtSimMs`, the server's `rol_sim_time_ms`.
 */
const serverTime = (s: Sample): number => s.metrics['rol_sim_time_ms'] ?? s.simMs;
const READ_AT: Readonly<Record<TimerType, (s: Sample) => number>> = {
  'presence-ping': (s) => s.load?.readAtSimMs ?? s.simMs,
  'request-poll': (s) => s.load?.readAtSimMs ?? s.simMs,
  weather: (s) => s.load?.readAtSimMs ?? s.simMs,
  'server-heartbeat': serverTime,
  sweeper: serverTime,
  'transport-keepalive': (s) => s.realMs,
};

const BASIS: Readonly<Record<TimerSpec['per'], (s: Sample) => number | undefined>> = {
  user: (s) => s.metrics['rol_users_online'],
  socket: (s) => s.metrics['rol_connected_sockets'],
  server: () => 1,
};

interface Point {
  readonly t: number;
  readonly n: number;
}

/**
 * ∫ basis dt over [from, to], in timer periods: the basis (users, sockets) read at each scrape
 * holds until the next one. The load stops at the soak's end and its last sample already reads
 * 0 users; a trapezoid would spread that drop over the whole last interval (17% too few planned
 * fires in a 30-user run whose saturated sampler left 20 simulated min between samples).
 */
function plannedBetween(points: readonly Point[], from: number, to: number, periodMs: number): number {
  let area = 0;
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as Point;
    const start = i === 0 ? Number.NEGATIVE_INFINITY : p.t;
    const end = (points[i + 1] as Point | undefined)?.t ?? Number.POSITIVE_INFINITY;
    const lo = Math.max(start, from);
    const hi = Math.min(end, to);
    if (hi > lo) area += p.n * (hi - lo);
  }
  return area / periodMs;
}

/** Planned and fired between the first and the last soak sample that have the counter. */
function count(soak: readonly Sample[], spec: TimerSpec, loadStopSimMs?: number): { planned: number | null; fired: number | null; restarts?: number } {
  const read = BASIS[spec.per];
  const at = spec.clock === 'sim' ? serverTime : (s: Sample) => s.realMs;
  const points = soak.flatMap((s) => {
    const n = read(s);
    return n === undefined || !Number.isFinite(n) ? [] : [{ t: at(s), n }];
  });
  const before = (t: number) => spec.clock !== 'sim' || loadStopSimMs === undefined || t <= loadStopSimMs;
  const counted = soak.flatMap((s) => {
    const v = COUNTERS[spec.type](s);
    const t = READ_AT[spec.type](s);
    return v === undefined || !Number.isFinite(v) || !before(t) ? [] : [{ v, t, s }];
  });
  const first = counted[0];
  const last = counted[counted.length - 1];
  const fired = counted.length >= 2 && first && last ? last.v - first.v : null;
  const full = points.length >= 2 && first && last && last.t > first.t ? plannedBetween(points, first.t, last.t, spec.periodMs) : null;
  if (!spec.restartedBy || full === null) return { planned: full, fired };
  // Restarts over the same samples as the fires.
  const restartCounts = counted.map((c) => c.s).flatMap((s) => {
    const v = spec.restartedBy?.(s);
    return v === undefined || !Number.isFinite(v) ? [] : [v];
  });
  const restarts = restartCounts.length >= 2 ? (restartCounts[restartCounts.length - 1] as number) - (restartCounts[0] as number) : 0;
  const atStart = points.find((p) => p.t >= (first?.t ?? 0))?.n ?? points[0]?.n ?? 0;
  return { planned: Math.max(0, full - restarts - atStart), fired, restarts };
}

export function assessTimerFidelity(samples: readonly Sample[], options: TimerFidelityOptions): TimerFidelity {
  const soak = samples.filter((s) => s.phase === 'soak');
  const rows: TimerRow[] = options.specs.map((spec) => {
    const { planned, fired, restarts } = count(soak, spec, options.loadStopSimMs);
    const ratio = planned !== null && fired !== null && planned > 0 ? fired / planned : null;
    return { type: spec.type, periodMs: spec.periodMs, clock: spec.clock, planned, fired, ratio, judged: spec.type !== 'transport-keepalive', ...(restarts === undefined ? {} : { restarts }) };
  });
  const floored = options.floorMs !== undefined;
  const minRatio = (type: TimerType) => options.specs.find((s) => s.type === type)?.minRatio ?? TIMER_MIN_RATIO;
  const low = rows.filter((r) => r.judged && r.ratio !== null && r.ratio < minRatio(r.type));
  const share = (r: TimerRow) => `${r.type} at ${((r.ratio ?? 0) * 100).toFixed(r.ratio !== null && r.ratio < 0.1 ? 2 : 1)}% of production rate (${r.fired} of ${Math.round(r.planned ?? 0)} fires)`;
  const byRule = new Map<RuleId, string[]>();
  for (const r of low) {
    for (const rule of options.specs.find((s) => s.type === r.type)?.drives ?? []) byRule.set(rule, [...(byRule.get(rule) ?? []), r.type]);
  }
  const notCovered = [...byRule].map(([rule, types]) => `${rule}: a leak per ${types.join(' / ')} tick is driven below its least share of production rate`);
  const judgedRows = rows.filter((r) => r.judged && r.ratio !== null);
  const base = { mode: floored ? 'floored' : 'production', floorMs: options.floorMs ?? null, rows, notCovered } as const;
  if (floored) return { ...base, status: 'reduced', reasons: [`timer floor ${String(options.floorMs)} real ms asked for: ${low.length > 0 ? low.map(share).join('; ') : 'every timer still at production rate'}`] };
  if (judgedRows.length === 0) return { ...base, status: 'insufficient-data', reasons: ['no timer counts with a connected-users basis in the soak'] };
  if (low.length > 0) return { ...base, status: 'too-low', reasons: low.map(share) };
  return { ...base, status: 'ok', reasons: [] };
}
