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
import { phaseAt, type ActionType, type Scenario } from '../scenarios/scenario.js';
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
 * The rule a synthetic leak must fail. Today the heap slope judges every shape; a checkpoint-based
 * heap rule (retained bytes per event between quiet checkpoints) is being written to judge the
 * per-action, per-connect and per-tick shapes: when it lands, point the event shapes at its id.
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
 * Pure: actions of `types` per user per simulated hour, averaged over [fromHour, toHour) after the
 * load starts, from the scenario's phases (bursts not counted; office-day has none).
 */
export function meanRatePerUserHour(s: Scenario, types: readonly ActionType[], fromHour: number, toHour: number): number {
  let t = fromHour * HOUR_MS;
  const end = toHour * HOUR_MS;
  let actions = 0;
  while (t < end) {
    const { phase, endsAtMs } = phaseAt(s, t);
    const until = Math.min(endsAtMs, end);
    actions += ((until - t) / HOUR_MS) * types.reduce((sum, type) => sum + (phase.rates[type] ?? 0), 0);
    t = until;
  }
  return end > fromHour * HOUR_MS ? actions / (toHour - fromHour) : 0;
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
 * budget per simulated hour, averaged over the trend window (warm-up end to the end of the soak):
 *  - time: that many bytes per simulated hour;
 *  - action:im.send: users × the scenario's im.send rate over the window;
 *  - connect: users × (reload + network.drop + logoff-on), each a new socket.io connection
 *    (the arrivals fall in the warm-up);
 *  - tick:presence-ping: users × 360 (one ping per 10 simulated s, every phase, the night too).
 * For validate's defaults (office-day from 08:00, 6 users, 5 h, 1.5 h warm-up, 1 MiB/h budget)
 * the window is 2.5 h of morning and 1 h of lunch: im.send 23.14 per user-hour (30 and 6) →
 * 2 MiB/h ÷ (6 × 23.14) = 15,103 B per send; connections 1.643 per user-hour (0.9 and 3.5) →
 * 212,755 B per connect; pings 360 per user-hour → 971 B per ping. The planted slope follows
 * the events, so it is steeper in some phases than others (im.send: 2.6 MiB/h in the morning,
 * 0.5 at lunch; connect: 1.1 and 4.3). Shapes whose events the window lacks are left out.
 */
export function syntheticCases(opts: { scenario: Scenario; users: number; hours: number; warmupHours: number; budgetBytesPerHour: number }): SyntheticCase[] {
  const target = SYNTHETIC_BUDGET_FACTOR * opts.budgetBytesPerHour;
  const rate = (types: readonly ActionType[]) => opts.users * meanRatePerUserHour(opts.scenario, types, opts.warmupHours, opts.hours);
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
