/**
 * How fast this machine runs the kind of JavaScript a soak is made of, against the machine the
 * planner's capacity was measured on (plan-time-scale.ts CAPACITY_ACTIONS_PER_SECOND). Why: that
 * capacity is a measurement of one machine, and sessions here have been handed machines of the
 * same name that ran the same soak 2–2.5× slower (server ELU 0.84 where this one shows 0.33, at
 * the same S). Planned at the faster machine's rate, a slower one drops actions and the run ends
 * inconclusive; scaled by this probe it runs longer instead, as the planner promises.
 */

/**
 * Real ms of one round of `probeRound` on the reference machine (the one the capacity was
 * measured on, idle): measureMachineSpeed() in 8 fresh `node` processes gave 18.6–23.9 ms,
 * median 22.4.
 */
export const REFERENCE_ROUND_MS = 22.4;

/**
 * How much slower than the reference a reading may be and still count as the same machine:
 * readings in fresh processes on one idle machine spread ±13% around their median (above), so
 * only a machine more than 15% slower plans a lower capacity.
 */
export const SAME_MACHINE_TOLERANCE = 1.15;

/** Warm-up rounds (the JIT's tiers), then timed rounds, median taken: ~0.3 s of one core in all here. */
const WARMUP_ROUNDS = 3;
const ROUNDS = 9;

/**
 * One round: what a soak does all day in the server, the load and the store, in small — message
 * objects built, JSON-encoded and decoded, kept in a bounded Map, strings compared. Returns a
 * checksum so the work cannot be optimised away.
 */
function probeRound(): number {
  let checksum = 0;
  const recent = new Map<string, { id: string; threadId: string; text: string; n: number }>();
  for (let i = 0; i < 12_000; i++) {
    const message = { id: `m${i}`, threadId: `vu${i % 50}:vu${(i % 7) + 50}`, text: `message ${i} from vu${i % 100}`, n: i };
    const back = JSON.parse(JSON.stringify(message)) as typeof message;
    recent.set(back.id, back);
    if (recent.size > 500) recent.delete(`m${i - 500}`);
    if (back.threadId.startsWith('vu1')) checksum += back.text.length;
  }
  return checksum + recent.size;
}

export interface MachineSpeed {
  /** Median real ms of one probe round here. */
  readonly roundMs: number;
  /** The capacity factor (speedFactor): 1 on the reference machine, less on a slower one. */
  readonly factor: number;
}

/**
 * Capacity factor from a measured round: reference × tolerance / measured, capped at 1 (never
 * plan above what was measured), at least 0.1 (a stalled probe does not plan a ten-hour run).
 */
export function speedFactor(roundMs: number): number {
  if (!(roundMs > 0)) return 1;
  return Math.max(0.1, Math.min(1, (REFERENCE_ROUND_MS * SAME_MACHINE_TOLERANCE) / roundMs));
}

/** Times the probe (~0.3 s of one core; call it before any process of the run starts). */
export function measureMachineSpeed(): MachineSpeed {
  let sink = 0;
  for (let r = 0; r < WARMUP_ROUNDS; r++) sink += probeRound();
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    sink += probeRound();
    times.push(performance.now() - t0);
  }
  if (sink < 0) throw new Error('unreachable'); // keeps the checksum alive
  times.sort((a, b) => a - b);
  const roundMs = times[Math.floor(times.length / 2)] as number;
  return { roundMs, factor: speedFactor(roundMs) };
}
