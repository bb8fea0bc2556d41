/**
 * `--profile` end to end through the real CLI: short soaks (6 users, 3 simulated hours, ~35–45 s
 * each here) that must hand off a real profile — a parseable `.heapprofile` with samples, or
 * clinic output that exists and is not empty — and leave no process behind.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SamplingHeapProfile } from '../../harness/probes/inspector-probe.js';
import { clinicUnsupportedReason, resolveClinicBin } from '../../harness/profile/clinic.js';
import { runCli, type CliRun } from './run-cli.js';

const OUT = join(import.meta.dirname, '../../reports/e2e-profile');
// The verdict is not what these runs are about (3 simulated hours may be too few for a heap
// trend: exit 3), only that the run ended normally: never 2 (usage) or 4 (failure).
const SHORT = ['--users', '6', '--hours', '3', '--warmup', '0.5', '--sample-every', '10', '--no-snapshots', '--ci', '--out', OUT];
const ENDED_NORMALLY = [0, 1, 3];

function pidsOf(run: CliRun): number[] {
  const m = /^server: \S+ \(pid (\d+)\)(?: under \S+ \(pid (\d+)\))?/m.exec(run.stdout);
  return [m?.[1], m?.[2]].filter((p): p is string => p !== undefined).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch {
    return false;
  }
}

function readHeapProfile(path: string): SamplingHeapProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as SamplingHeapProfile;
}

describe('--profile heap', () => {
  it('writes server.heapprofile (DevTools format, with samples) and records it in report.json and summary.md', async () => {
    const run = await runCli([...SHORT, '--profile', 'heap']);
    expect(ENDED_NORMALLY, run.stdout + run.stderr).toContain(run.code);
    const report = run.report();
    expect(report.run.profiles).toEqual([{ kind: 'heap', path: 'server.heapprofile', bytes: expect.any(Number) }]);
    const file = join(run.runDir!, 'server.heapprofile');
    expect(statSync(file).size).toBe(report.run.profiles![0]!.bytes);
    // What DevTools' Memory tab loads: the SamplingHeapProfile object itself.
    const profile = readHeapProfile(file);
    expect(Object.keys(profile).sort()).toEqual(['head', 'samples']);
    expect(profile.head.callFrame.functionName).toBe('(root)');
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(profile.samples[0]).toEqual({ size: expect.any(Number), nodeId: expect.any(Number), ordinal: expect.any(Number) });
    expect(readFileSync(join(run.runDir!, 'summary.md'), 'utf8')).toContain('| heap | `server.heapprofile` |');
    expect(run.stdout).toContain(`profile (heap): ${file}`);
    // The server's PID from its start line: found (or the check below would prove nothing), then gone.
    const pids = pidsOf(run);
    expect(pids, run.stdout).toHaveLength(1);
    for (const pid of pids) expect(alive(pid), `pid ${pid} left running`).toBe(false);
  });

  it("a terminal's Ctrl+C mid-soak still writes what was sampled, and a partial report (exit 130)", async () => {
    let sent = false;
    // Signalled like a terminal does: the whole foreground process group (the CLI and its load);
    // the profiled server runs in its own group so it is still there to hand over the profile.
    const run = await runCli(['--users', '6', '--hours', '25', '--warmup', '0.5', '--no-snapshots', '--ci', '--out', OUT, '--profile', 'heap'], {
      processGroup: true,
      onSpawn: (child) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          // Once the profile has sampled a little of the soak phase.
          if (!sent && /^heap profile: sampling/m.test(out) && /^sim [1-9]/m.test(out)) {
            sent = true;
            process.kill(-child.pid!, 'SIGINT');
          }
        });
      },
    });
    expect(sent).toBe(true);
    expect(run.code, run.stdout + run.stderr).toBe(130);
    const report = run.report();
    expect(report.run.interrupted).toBe(true);
    expect(report.run.profiles?.map((p) => p.path)).toEqual(['server.heapprofile']);
    expect(readHeapProfile(join(run.runDir!, 'server.heapprofile')).samples.length).toBeGreaterThan(0);
    // The server's PID from its start line: found (or the check below would prove nothing), then gone.
    const pids = pidsOf(run);
    expect(pids, run.stdout).toHaveLength(1);
    for (const pid of pids) expect(alive(pid), `pid ${pid} left running`).toBe(false);
  });
});

const clinicSkip = resolveClinicBin() === null ? 'clinic is not installed' : clinicUnsupportedReason(process.version);

describe.skipIf(clinicSkip !== null)(`--profile clinic-* ${clinicSkip ? `(skipped: ${clinicSkip})` : ''}`, () => {
  it.each([
    // doctor: a data folder (processstat, systeminfo, traceevent) and its HTML.
    ['clinic-doctor', /^clinic\/\d+\.clinic-doctor$/, /^clinic\/\d+\.clinic-doctor\.html$/],
    // heapprofiler: the profile (JSON) and its HTML.
    ['clinic-heapprofiler', /^clinic\/\d+\.clinic-heapprofiler$/, /^clinic\/\d+\.clinic-heapprofiler\.html$/],
  ])('%s runs the server under clinic and its output exists and is not empty', async (kind, data, html) => {
    const run = await runCli([...SHORT, '--profile', kind]);
    expect(ENDED_NORMALLY, run.stdout + run.stderr).toContain(run.code);
    expect(run.stdout).toMatch(new RegExp(`^server: \\S+ \\(pid \\d+\\) under ${kind} \\(pid \\d+\\)`, 'm'));
    const profiles = run.report().run.profiles ?? [];
    expect(profiles.map((p) => p.kind)).toEqual([kind, kind]);
    expect(profiles[0]!.path).toMatch(data);
    expect(profiles[1]!.path).toMatch(html);
    for (const p of profiles) expect(p.bytes, p.path).toBeGreaterThan(1000);
    expect(readFileSync(join(run.runDir!, profiles[1]!.path), 'utf8')).toMatch(/^\s*<!DOCTYPE html>/i);
    // clinic and the server it ran: both stopped.
    const pids = pidsOf(run);
    expect(pids, run.stdout).toHaveLength(2);
    for (const pid of pids) expect(alive(pid), `pid ${pid} left running`).toBe(false);
  });
});
