import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../e2e/run-cli.js';

// Usage errors end before any process is started: each of these runs in well under a second.
describe('soak CLI usage', () => {
  it('prints help with the flags and the exit-code table, exit 0', async () => {
    const run = await runCli(['run', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--scenario', '--users', '--hours', '--time-scale', '--leaks', '--seed', '--out', '--ci', '--config', '--target', '--inspect', '--metrics', '--load', '--load-command <cmd>', 'SOAK_DURATION_S', '/bin/sh -c', 'load-command.log', '--profile', '--synthetic-leak <spec>', 'action:im.send:64KiB']) {
      expect(run.stdout).toContain(flag);
    }
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('130');
    expect(top.stdout).toMatch(/compare/);
  });

  it.each([
    [['--users', 'many'], /--users takes a number, got 'many'/],
    [['--leaks', 'im-listeners,heap-bloat'], /unknown leak id: heap-bloat/],
    [['--scenario', 'tuesday'], /unknown scenario/],
    [['--hours', '2', '--warmup', '3'], /warm-up \(3 h\) must be shorter/],
    [['--time-scale', '-5'], /time scale/],
    [['--no-such-flag'], /unknown option/],
    [['--target', 'http://127.0.0.1:1'], /target mode needs --target URL --inspect HOST:PORT/],
    [['--metrics', 'http://127.0.0.1:1/metrics'], /target mode needs --target URL --inspect HOST:PORT/],
    [['--target', 'http://127.0.0.1:1', '--inspect', '127.0.0.1:2', '--metrics', 'ftp://127.0.0.1:1/metrics', '--scenario', 'examples/board/board.scenario.ts'], /target\.metrics: metrics must be an http\(s\) URL/],
    // No --metrics is an inspector-only soak: accepted, so the next problem (no load) is the one said.
    [['--target', 'http://127.0.0.1:1', '--inspect', '127.0.0.1:2'], /pass --scenario \.\/your\.scenario\.ts .* or --load external/],
    [['--config', 'missing.config.ts'], /config file not found/],
    [['--synthetic-leak', 'tick:weather:1KiB'], /--synthetic-leak: unknown timer 'weather' in 'tick:weather:1KiB' \(timers: presence-ping, request-poll, server-heartbeat\)/],
    [['--profile', 'flame'], /unknown profile 'flame' \(known: none, heap, clinic-doctor, clinic-heapprofiler\)/],
    [['--profile', 'clinic-doctor', '--target', 'http://127.0.0.1:1', '--inspect', '127.0.0.1:2', '--metrics', 'http://127.0.0.1:1/metrics'], /with --target the harness does not start the server/],
    [['--target', 'http://127.0.0.1:1', '--inspect', '127.0.0.1:2', '--metrics', 'http://127.0.0.1:1/metrics'], /pass --scenario \.\/your\.scenario\.ts .*--load-command "k6 run script\.ts".* or --load external/],
    [['--load', 'vus', '--load-command', 'k6 run x.ts'], /--load vus \(from cli\) and --load-command \(from cli\) both describe the load/],
    [['--load-command', ''], /loadCommand must not be empty/],
    [['--scenario', 'examples/board/board.scenario.ts'], /a scenario file drives your own server: add --target/],
    [['--scenario', 'tests/scenarios/fixtures/invalid.scenario.ts'], /phases\[1\]\.rates\.post: .*expected number/],
    [['--scenario', './no-such.scenario.ts'], /scenario file not found/],
    // A target runs no simulated clock: a fixed scale would read a leak per real hour S× smaller.
    [['--target', 'http://127.0.0.1:1', '--inspect', '127.0.0.1:2', '--scenario', 'examples/board/board-stress.scenario.ts', '--time-scale', '60'], /timeScale: a --target does not run rol-soak's simulated clock, so it runs in real time \(S = 1\), not --time-scale 60/],
  ])('rejects %j with exit 2 and a clear message', async (args, message) => {
    const run = await runCli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).not.toContain('report folder');
  });

  it('reads soak.config.ts with defineConfig, and a bad value in it is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rol-soak-config-'));
    const file = join(dir, 'bad.config.ts');
    // Not `users`: the scenario's layer (office-day's 100 users) sits above the file and would replace it.
    writeFileSync(file, "export default { seed: -1 } satisfies Record<string, number>;\n");
    const run = await runCli(['--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/seed: Too small/);
  });

  it('refuses report and compare on paths that are not runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rol-soak-empty-'));
    expect((await runCli(['report', dir])).code).toBe(2);
    const cmp = await runCli(['compare', join(dir, 'a.json'), join(dir, 'b.json')]);
    expect(cmp.code).toBe(2);
    expect(cmp.stderr).toMatch(/no such report/);
  });
});
