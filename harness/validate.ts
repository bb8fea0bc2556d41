/**
 * `npm run soak -- validate`: the harness checks itself. It soaks the fixed server once and each
 * leak alone once (shorter runs than the default, long enough to detect), and prints the
 * confusion matrix: expected vs verdict and the leaks named. Exit 0 only if every run is right:
 * the fixed server passes, and each leak run fails naming exactly its leak.
 */
import { LEAK_IDS, type LeakId } from '../common/leaks.js';
import { EXIT } from './exit-codes.js';
import { loadConfigFile } from './config/load-config-file.js';
import { resolveConfig } from './config/resolve-config.js';
import { cliLayer } from './cli-options.js';
import { createProgress } from './progress.js';
import { runSoak } from './run/run-soak.js';

export interface ValidateRow {
  readonly expected: LeakId | 'none';
  readonly status: string;
  readonly named: readonly string[];
  readonly correct: boolean;
  readonly runDir: string;
  readonly exitCode: number;
}

/** Pure: one row's correctness. */
export function isCorrect(expected: LeakId | 'none', status: string, named: readonly string[]): boolean {
  if (expected === 'none') return status === 'pass';
  return status === 'fail' && named.length === 1 && named[0] === expected;
}

/** Pure: the matrix as text. */
export function renderMatrix(rows: readonly ValidateRow[]): string {
  const header = ['expected', 'verdict', 'leaks named', 'right?'];
  const body = rows.map((r) => [r.expected, r.status, r.named.join(', ') || '—', r.correct ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const right = rows.filter((r) => r.correct).length;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', `${right}/${rows.length} right`].join('\n');
}

export async function runValidate(flags: { users: string; hours: string; out: string; ci?: boolean }): Promise<number> {
  const file = await loadConfigFile(undefined, process.cwd());
  const rows: ValidateRow[] = [];
  const cases: Array<LeakId | 'none'> = ['none', ...LEAK_IDS];
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort('SIGINT'));
  for (const expected of cases) {
    const config = resolveConfig({
      file: file.config,
      cli: {
        ...cliLayer({ users: flags.users, hours: flags.hours, out: flags.out, leaks: expected }),
        warmupHours: 1.5,
        sampleEveryMinutes: 10,
        // Snapshots only help a human read a heap leak; the matrix needs the rules.
        snapshots: false,
        ci: flags.ci ?? false,
      },
    });
    process.stdout.write(`\n== validate: leaks ${expected} ==\n`);
    const progress = createProgress(process.stdout, true);
    const result = await runSoak(config, { cwd: process.cwd(), signal: controller.signal, onEvent: progress.listener });
    progress.stop();
    const status = result.report?.verdict.status ?? `error (exit ${result.exitCode})`;
    const named = result.report?.verdict.leaks ?? [];
    rows.push({ expected, status, named, correct: isCorrect(expected, status, named), runDir: result.runDir, exitCode: result.exitCode });
    if (result.exitCode === EXIT.interrupted) break;
  }
  process.stdout.write(`\n${renderMatrix(rows)}\n`);
  if (rows.length < cases.length) return EXIT.interrupted;
  return rows.every((r) => r.correct) ? EXIT.pass : EXIT.fail;
}
