/**
 * `npm run soak -- validate`: the harness checks itself. It soaks the fixed server once, each
 * leak alone once (shorter runs than the default, long enough to detect), then the reference
 * server with a synthetic calibration leak in each of its four shapes (`--synthetic-leak`), and
 * prints the confusion matrix: expected vs verdict, the leaks named and the rules failed. Exit 0
 * only if every run is right: the fixed server passes, each leak run fails naming exactly its
 * leak, and each synthetic run fails on the heap rule (SYNTHETIC_RULE) naming no catalogue leak.
 */
import { LEAK_IDS, type LeakId } from '../common/leaks.js';
import { formatSyntheticLeak, type SyntheticLeakSpec } from '../common/synthetic-leak-spec.js';
import { PRESENCE_PING_SIM_MS } from '../scenarios/event-rate.js';
import { ActionPlan } from '../scenarios/plan.js';
import type { ActionType, Scenario } from '../scenarios/scenario.js';
import { resolveScenario, type ScenarioName } from '../scenarios/scenarios.js';
import type { RuleId } from './analysis/rule-types.js';
import { EXIT } from './exit-codes.js';
import { loadConfigFile } from './config/load-config-file.js';
import { resolveConfig } from './config/resolve-config.js';
import { cliLayer } from './cli-options.js';
import { createProgress } from './progress.js';
import { runSoak } from './run/run-soak.js';

export interface ValidateRow {
  /** A leak id, 'none', or `synthetic <spec>`. */
  readonly expected: string;
  readonly status: string;
  readonly named: readonly string[];
  /** Ids of the rules that failed. */
  readonly failed: readonly string[];
  readonly correct: boolean;
  readonly runDir: string;
  readonly exitCode: number;
}

/** Pure: one catalogue row's correctness. */
export function isCorrect(expected: LeakId | 'none', status: string, named: readonly string[]): boolean {
  if (expected === 'none') return status === 'pass';
  return status === 'fail' && named.length === 1 && named[0] === expected;
}

/**
 * The rule a synthetic leak must fail: the heap rule on quiet checkpoints, which tests the heap
 * against simulated time, cumulative actions and connects (heap-growth.ts), so one rule judges
 * all four shapes. (heap-cooldown fails them too; a row right only by it would not show that
 * the trend test has the power the default run relies on.)
 */
export const SYNTHETIC_RULE: RuleId = 'heap-slope';

/** Pure: a synthetic row is right when the run fails on `rule` and names no catalogue leak (none was on). */
export function isSyntheticCorrect(status: string, named: readonly string[], failed: readonly string[], rule: RuleId = SYNTHETIC_RULE): boolean {
  return status === 'fail' && named.length === 0 && failed.includes(rule);
}

/** Pure: the matrix as text. */
export function renderMatrix(rows: readonly ValidateRow[]): string {
  const header = ['expected', 'verdict', 'leaks named', 'rules failed', 'right?'];
  const body = rows.map((r) => [r.expected, r.status, r.named.join(', ') || '—', r.failed.join(', ') || '—', r.correct ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const right = rows.filter((r) => r.correct).length;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', `${right}/${rows.length} right`].join('\n');
}

const HOUR_MS = 3_600_000;

/**
 * Pure: actions of `types` per simulated hour over [fromHour, toHour), all `users` together, as the
 * run's own seeded plan schedules them (scenarios/plan.ts: same scenario, seed and user index,
 * same actions). The plan, not the phases' mean rates: at validate's 6 users a rare type's count
 * is small and varies by seed (seed 1 plans 19 reloads, log off/ons and network drops in
 * 1.5–5 h, where the mean rates give 34.5), and a leak sized from the mean planted half what
 * it was meant to.
 */
export function plannedPerHour(opts: { scenario: Scenario; seed: number; users: number }, types: readonly ActionType[], fromHour: number, toHour: number): number {
  if (toHour <= fromHour) return 0;
  const wanted = new Set<ActionType>(types);
  let count = 0;
  for (let user = 0; user < opts.users; user++) {
    const plan = new ActionPlan(opts.scenario, opts.seed, user);
    for (let a = plan.next(); a !== null && a.atMs < toHour * HOUR_MS; a = plan.next()) {
      if (a.atMs >= fromHour * HOUR_MS && wanted.has(a.type)) count++;
    }
  }
  return count / (toHour - fromHour);
}

/** How many times the heap budget a synthetic case plants, averaged over the trend window. */
export const SYNTHETIC_BUDGET_FACTOR = 2;

export interface SyntheticCase {
  readonly spec: SyntheticLeakSpec;
  /** Events per simulated hour it retains on (all users), over the trend window; null for the time shape. */
  readonly eventsPerHour: number | null;
}

/**
 * Pure: one synthetic case per shape, each sized to plant SYNTHETIC_BUDGET_FACTOR × the heap
 * budget per simulated hour, averaged over the trend window (warm-up end to the end of the soak),
 * from the events the run's seeded plan schedules there (plannedPerHour):
 *  - time: that many bytes per simulated hour;
 *  - action:im.send: the plan's im.send;
 *  - connect: the plan's reload + network.drop + logoff-on, each a new socket.io connection
 *    (the arrivals fall in the warm-up);
 *  - tick:presence-ping: users × 360 (one ping per 10 simulated s, every phase, the night too).
 * For validate's defaults (office-day from 08:00, seed 1, 6 users, 5 h, 1.5 h warm-up, 1 MiB/h
 * budget) the window is 2.5 h of morning and 1 h of lunch: 438 im.send → 2 MiB/h ÷ 125.1/h =
 * 16,758 B per send; 19 new connections (5.43 an hour) → 386,317 B per connect; 2,160 pings an hour → 971 B per
 * ping. The planted slope follows the events, so it is steeper in some phases than others.
 * Shapes whose events the window lacks are left out.
 */
export function syntheticCases(opts: { scenario: Scenario; seed: number; users: number; hours: number; warmupHours: number; budgetBytesPerHour: number }): SyntheticCase[] {
  const target = SYNTHETIC_BUDGET_FACTOR * opts.budgetBytesPerHour;
  const rate = (types: readonly ActionType[]) => plannedPerHour(opts, types, opts.warmupHours, opts.hours);
  const perEvent = (eventsPerHour: number) => Math.round(target / eventsPerHour);
  const cases: SyntheticCase[] = [{ spec: { shape: 'time', bytesPerSimHour: Math.round(target) }, eventsPerHour: null }];
  const sends = rate(['im.send']);
  if (sends > 0) cases.push({ spec: { shape: 'action', action: 'im.send', bytesPerEvent: perEvent(sends) }, eventsPerHour: sends });
  const connects = rate(['reload', 'network.drop', 'logoff-on']);
  if (connects > 0) cases.push({ spec: { shape: 'connect', bytesPerEvent: perEvent(connects) }, eventsPerHour: connects });
  const pings = opts.users * (HOUR_MS / PRESENCE_PING_SIM_MS);
  cases.push({ spec: { shape: 'tick', timer: 'presence-ping', bytesPerEvent: perEvent(pings) }, eventsPerHour: pings });
  return cases;
}

/** validate's run settings besides users and hours (the synthetic sizes depend on the warm-up). */
const WARMUP_HOURS = 1.5;
/**
 * A quiet checkpoint every simulated quarter hour: validate's 3.5-hour soak window then has 13–14
 * of them, past the 8 the heap trend needs (at the default hourly cadence it had 3, and heap-slope
 * fell back to every sample, where the per-action and per-connect shapes, which follow the day,
 * came out inconclusive). Each hold adds ~2 s real: ~30 s a run.
 */
const CHECKPOINT_EVERY_HOURS = 0.25;

interface Case {
  readonly expected: string;
  readonly leaks: LeakId | 'none';
  readonly syntheticLeak: SyntheticLeakSpec | null;
  judge(status: string, named: readonly string[], failed: readonly string[]): boolean;
}

export async function runValidate(flags: { users: string; hours: string; out: string; ci?: boolean }): Promise<number> {
  const file = await loadConfigFile(undefined, process.cwd());
  const base = resolveConfig({ file: file.config, cli: { ...cliLayer({ users: flags.users, hours: flags.hours }), warmupHours: WARMUP_HOURS } });
  const synthetic = syntheticCases({
    scenario: resolveScenario(base.scenario as ScenarioName),
    seed: base.seed,
    users: base.users,
    hours: base.hours,
    warmupHours: base.warmupHours,
    budgetBytesPerHour: base.budgets.heapSlopeBytesPerHour,
  });
  const cases: Case[] = [
    ...(['none', ...LEAK_IDS] as const).map((leak): Case => ({ expected: leak, leaks: leak, syntheticLeak: null, judge: (status, named) => isCorrect(leak, status, named) })),
    // After the six seed leaks: the calibration leak's four shapes, judged on the heap rule.
    ...synthetic.map(({ spec }): Case => ({ expected: `synthetic ${formatSyntheticLeak(spec)}`, leaks: 'none', syntheticLeak: spec, judge: isSyntheticCorrect })),
  ];
  const rows: ValidateRow[] = [];
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort('SIGINT'));
  for (const c of cases) {
    const config = resolveConfig({
      file: file.config,
      cli: {
        ...cliLayer({ users: flags.users, hours: flags.hours, out: flags.out, leaks: c.leaks }),
        warmupHours: WARMUP_HOURS,
        sampleEveryMinutes: 10,
        checkpointEveryHours: CHECKPOINT_EVERY_HOURS,
        // The checkpoint heap budget scales with users (1.125 KiB per user-hour: 6.75 KiB/h for 6
        // users, floored at 64 KiB/h), set from the creep of a 100-user day. validate's 6 users over
        // a first 5 hours are judged against the per-hour budget its synthetic leaks are sized by
        // (SYNTHETIC_BUDGET_FACTOR × heapSlopeBytesPerHour): one budget for the whole matrix.
        budgets: { heapSlopeMinBytesPerHour: base.budgets.heapSlopeBytesPerHour },
        // Snapshots only help a human read a heap leak; the matrix needs the rules.
        snapshots: false,
        ci: flags.ci ?? false,
        syntheticLeak: c.syntheticLeak,
      },
    });
    process.stdout.write(`\n== validate: ${c.syntheticLeak ? c.expected : `leaks ${c.expected}`} ==\n`);
    const progress = createProgress(process.stdout, true);
    const result = await runSoak(config, { cwd: process.cwd(), signal: controller.signal, onEvent: progress.listener });
    progress.stop();
    const status = result.report?.verdict.status ?? `error (exit ${result.exitCode})`;
    const named = result.report?.verdict.leaks ?? [];
    const failed = (result.report?.verdict.rules ?? []).filter((r) => r.status === 'fail').map((r) => r.id);
    rows.push({ expected: c.expected, status, named, failed, correct: c.judge(status, named, failed), runDir: result.runDir, exitCode: result.exitCode });
    if (result.exitCode === EXIT.interrupted) break;
  }
  process.stdout.write(`\n${renderMatrix(rows)}\n`);
  if (rows.length < cases.length) return EXIT.interrupted;
  return rows.every((r) => r.correct) ? EXIT.pass : EXIT.fail;
}
