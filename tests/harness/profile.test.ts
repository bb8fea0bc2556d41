import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/config/resolve-config.js';
import { configFromEnv } from '../../harness/config/env-config.js';
import { UsageError } from '../../harness/errors.js';
import { clinicOutputProblem, clinicUnsupportedReason, findClinicOutput, resolveClinicBin } from '../../harness/profile/clinic.js';
import { preflightProfile } from '../../harness/profile/run-profiler.js';

const NODE_20 = { nodeVersion: 'v20.20.2' };
const NODE_22 = { nodeVersion: 'v22.11.0' };
const TARGET = { url: 'http://127.0.0.1:3000', inspect: '127.0.0.1:9229', metrics: 'http://127.0.0.1:3000/metrics' };

describe('clinicUnsupportedReason (the Node-version gate)', () => {
  it.each(['v20.20.2', 'v20.11.0', 'v21.6.2', '18.19.0', 'v14.21.3'])('lets clinic run on %s', (version) => {
    expect(clinicUnsupportedReason(version)).toBeNull();
  });

  it.each(['v21.7.0', 'v21.7.3', 'v22.0.0', 'v22.11.0', 'v24.4.1', 'v100.0.0'])('refuses %s plainly, pointing at --profile heap', (version) => {
    const reason = clinicUnsupportedReason(version);
    expect(reason).toMatch(/^clinic does not work on Node ≥ 21\.7 \(unmaintained; clinicjs\/node-clinic#480\)/);
    expect(reason).toContain(version);
    expect(reason).toContain('use --profile heap');
  });

  it('refuses a version it cannot read rather than guess', () => {
    expect(clinicUnsupportedReason('nightly')).toMatch(/could not be read/);
  });
});

describe('profile in the config', () => {
  it("defaults to 'none'; SOAK_PROFILE and --profile follow the usual precedence", () => {
    expect(resolveConfig({}, NODE_20).profile).toBe('none');
    const env = resolveConfig({ env: configFromEnv({ SOAK_PROFILE: 'heap' }) }, NODE_20);
    expect(env.profile).toBe('heap');
    expect(env.sources.profile).toBe('env');
    const cli = resolveConfig({ file: { profile: 'heap' }, env: configFromEnv({ SOAK_PROFILE: 'heap' }), cli: { profile: 'clinic-doctor' } }, NODE_20);
    expect(cli.profile).toBe('clinic-doctor');
    expect(cli.sources.profile).toBe('cli');
  });

  it('rejects an unknown kind, naming the known ones', () => {
    expect(() => resolveConfig({ cli: { profile: 'flame' as never } }, NODE_20)).toThrow(
      /profile: unknown profile 'flame' \(known: none, heap, clinic-doctor, clinic-heapprofiler\)/,
    );
  });

  it('refuses clinic with --target (the harness does not start that server), but heap works over the inspector', () => {
    for (const kind of ['clinic-doctor', 'clinic-heapprofiler'] as const) {
      expect(() => resolveConfig({ cli: { target: TARGET, profile: kind } }, NODE_20)).toThrow(/with --target the harness does not start the server/);
    }
    expect(resolveConfig({ cli: { target: TARGET, profile: 'heap' } }, NODE_20).profile).toBe('heap');
  });

  it('refuses clinic on Node ≥ 21.7 with a UsageError (exit 2); heap is fine there', () => {
    let caught: unknown;
    try {
      resolveConfig({ cli: { profile: 'clinic-heapprofiler' } }, NODE_22);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(/^clinic does not work on Node ≥ 21\.7/);
    expect(resolveConfig({ cli: { profile: 'heap' } }, NODE_22).profile).toBe('heap');
  });

  it('preflight: the same gate before a run starts, and clinic found where it is installed', () => {
    expect(preflightProfile('none', 'v22.0.0')).toBeNull();
    expect(preflightProfile('heap', 'v22.0.0')).toBeNull();
    expect(() => preflightProfile('clinic-doctor', 'v22.0.0')).toThrow(UsageError);
    // clinic is a devDependency of this project.
    expect(resolveClinicBin()).toMatch(/clinic[\\/]bin\.js$/);
    expect(preflightProfile('clinic-doctor', 'v20.20.2')).toBe(resolveClinicBin());
  });
});

describe("checking clinic's output", () => {
  const dest = () => mkdtempSync(join(tmpdir(), 'rol-soak-clinic-'));

  it('nothing written is a problem, not a pass', () => {
    const dir = dest();
    expect(findClinicOutput('clinic-doctor', dir, 123)).toEqual([]);
    expect(clinicOutputProblem('clinic-doctor', [])).toBe('no .clinic-doctor data, no HTML report');
    expect(findClinicOutput('clinic-doctor', join(dir, 'missing'), null)).toEqual([]);
  });

  it('an empty profile file (a cut write) is a problem', () => {
    const dir = dest();
    writeFileSync(join(dir, '123.clinic-heapprofiler'), '');
    writeFileSync(join(dir, '123.clinic-heapprofiler.html'), '<html>');
    const outputs = findClinicOutput('clinic-heapprofiler', dir, 123);
    expect(outputs.map((o) => o.bytes)).toEqual([0, 6]);
    expect(clinicOutputProblem('clinic-heapprofiler', outputs)).toMatch(/123\.clinic-heapprofiler is empty/);
  });

  it("doctor's data folder counts with the sum of its files; other pids and tools are ignored", () => {
    const dir = dest();
    mkdirSync(join(dir, '123.clinic-doctor'));
    writeFileSync(join(dir, '123.clinic-doctor', '123.clinic-doctor-processstat'), 'x'.repeat(100));
    writeFileSync(join(dir, '123.clinic-doctor', '123.clinic-doctor-traceevent'), 'x'.repeat(50));
    writeFileSync(join(dir, '123.clinic-doctor.html'), 'x'.repeat(10));
    writeFileSync(join(dir, '999.clinic-doctor.html'), 'x');
    writeFileSync(join(dir, '123.clinic-heapprofiler'), 'x');
    const outputs = findClinicOutput('clinic-doctor', dir, 123);
    expect(outputs.map((o) => [o.path.slice(dir.length + 1), o.bytes])).toEqual([
      ['123.clinic-doctor', 150],
      ['123.clinic-doctor.html', 10],
    ]);
    expect(clinicOutputProblem('clinic-doctor', outputs)).toBeNull();
  });
});
