/**
 * `npm run soak -- …`: a thin CLI. It parses flags, resolves the config, runs, prints the verdict
 * and sets `process.exitCode` from the table in exit-codes.ts. Library code never exits.
 */
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { exitCodeOf, UsageError } from './errors.js';
import { cliLayer, RUN_FLAGS, type RunFlags } from './cli-options.js';
import { loadConfigFile } from './config/load-config-file.js';
import { configFromEnv } from './config/env-config.js';
import { resolveConfig } from './config/resolve-config.js';
import { chosenScenario, scenarioLayer } from './config/scenario-layer.js';
import { createProgress } from './progress.js';
import { runSoak } from './run/run-soak.js';
import { renderVerdictTable } from './verdict-table.js';
import { runValidate } from './validate.js';
import { runReportCommand } from './report-command.js';
import { runCompareCommand } from './compare-command.js';

const EXIT_HELP = `
Exit codes:
  0    flat: every rule passed
  1    a leak was found or a rule failed (compare: head regressed)
  2    usage or config error
  3    inconclusive (too few samples, planned load not reached, server could not keep up)
  4    target or harness failure (server crashed, store unreachable or restarted mid-run,
       --load-command exited non-zero or died of a signal before the cool-down);
       1 instead when the samples taken before it already name a leak
  130  interrupted (a partial report is written)

Examples:
  npm run soak                                  # 25 simulated hours, 100 users, fixed server
  npm run soak -- --leaks im-listeners          # show a leak and that it is caught
  npm run soak -- --ci --out reports            # nightly CI
  npm run soak -- --users 10 --profile heap     # + server.heapprofile for DevTools (Memory → Load)
  npm run soak -- --target http://127.0.0.1:3000 --inspect 127.0.0.1:9229 \
    --metrics http://127.0.0.1:3000/metrics --scenario ./board.scenario.ts
                                                # your own server, driven by your scenario file
                                                # (leave out --metrics for a server without /metrics:
                                                # inspector only, app-metric rules not judged)
  npm run soak -- --target http://127.0.0.1:3000 --inspect 127.0.0.1:9229 \
    --metrics http://127.0.0.1:3000/metrics --load-command "k6 run scenarios/k6/office-day.ts"
                                                # loaded by a command the harness starts after the
                                                # idle baseline and stops at the cool-down (/bin/sh -c;
                                                # output in reports/<run>/load-command.log)
                                                # (or --load external when you run the load yourself)
  npm run soak -- compare base/report.json head/report.json
`;

async function resolveRunConfig(flags: RunFlags) {
  const file = await loadConfigFile(flags.config, process.cwd());
  const env = configFromEnv(process.env);
  const cli = cliLayer(flags);
  const scenario = await scenarioLayer(chosenScenario({ file: file.config, env, cli }), process.cwd());
  return resolveConfig({ file: file.config, scenario: scenario.layer, env, cli });
}

/** Aborts on the first SIGINT/SIGTERM (the run writes a partial report); a second one exits now. */
function abortOnSignals(): AbortController {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) {
        process.stderr.write('\nsecond interrupt: exiting without cleanup\n');
        process.exit(EXIT.interrupted);
      }
      process.stderr.write(`\n${signal}: stopping, writing a partial report…\n`);
      controller.abort(signal);
    });
  }
  return controller;
}

async function runCommand(flags: RunFlags): Promise<number> {
  const config = await resolveRunConfig(flags);
  const plain = config.ci || !process.stdout.isTTY;
  const progress = createProgress(process.stdout, plain);
  const controller = abortOnSignals();
  const result = await runSoak(config, { cwd: process.cwd(), signal: controller.signal, onEvent: progress.listener });
  progress.stop();
  if (result.report) process.stdout.write(`\n${renderVerdictTable(result.report)}\n`);
  if (result.error) process.stderr.write(`\nrol-soak: ${result.error.message}\n`);
  for (const p of result.report?.run.profiles ?? []) process.stdout.write(`profile (${p.kind}): ${join(result.runDir, p.path)}\n`);
  process.stdout.write(`report: ${result.runDir}\n`);
  return result.exitCode;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('soak')
    .description('rol-soak: simulated-time soak of a socket.io + mongoose server, with a leak verdict')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP);

  const run = program.command('run', { isDefault: true }).description('run a soak (the default command)');
  for (const [flags, description] of RUN_FLAGS) run.addOption(new Option(flags, description));
  run.action(async (flags: RunFlags) => setExit(await runCommand(flags)));

  program
    .command('validate')
    .description('run the fixed server, each leak alone, then the four --synthetic-leak shapes; print the confusion matrix (exit 0 only if all are right)')
    // 6 users over 5 simulated hours: every leak shows within it and the fixed server's heap
    // trend has enough points (see tests/e2e/soak.test.ts); the 7 catalogue runs took 4.5 minutes
    // here, the 4 synthetic ones (harness/validate.ts) add about as long again (not measured).
    .option('--users <n>', 'virtual users per run', '6')
    .option('--hours <h>', 'simulated hours per run', '5')
    .option('--out <dir>', 'folder for the runs', 'reports/validate')
    .option('--ci', 'plain progress lines')
    .action(async (flags: { users: string; hours: string; out: string; ci?: boolean }) => setExit(await runValidate(flags)));

  program
    .command('report <runDir>')
    .description("rebuild a run's reports from its samples.ndjson and run.json")
    .action(async (runDir: string) => setExit(await runReportCommand(runDir)));

  program
    .command('compare <base> <head>')
    .description('compare two runs (report.json files or run folders); exit 1 if head regressed')
    .option('--force', 'compare runs whose scenario, users, hours, seed or leaks differ')
    .option('--out <dir>', 'where to write compare.md and compare.html (default: the head run folder)')
    .action(async (base: string, head: string, flags: { force?: boolean; out?: string }) =>
      setExit(await runCompareCommand(base, head, flags)),
    );
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.pass;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors.
      return error.exitCode === 0 ? EXIT.pass : EXIT.usage;
    }
    const exit = exitCodeOf(error);
    const prefix = error instanceof UsageError ? 'usage error' : 'error';
    process.stderr.write(`rol-soak: ${prefix}: ${(error as Error).message}\n`);
    return exit;
  }
}

/**
 * A reader that goes away (`npm run soak | head`) must not crash the harness: the crash would
 * leave the store and server it started running. Output stops there; the run, its teardown and
 * its report go on.
 */
function outliveClosedReader(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}
outliveClosedReader(process.stdout);
outliveClosedReader(process.stderr);

process.exitCode = await main(process.argv.slice(2));
