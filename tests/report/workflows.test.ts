import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dir = join(import.meta.dirname, '../../.github/workflows');
type Workflow = { on: Record<string, unknown>; jobs: Record<string, { steps: Array<{ run?: string; uses?: string }> }> };
const load = (file: string) => parse(readFileSync(join(dir, file), 'utf8')) as Workflow;
const runs = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));

describe('CI workflows', () => {
  it('nightly: cron, npm ci, the soak with --ci, artifact upload and job summary', () => {
    const w = load('soak-nightly.yml');
    expect(w.on).toHaveProperty('schedule');
    expect(runs(w)).toContain('npm ci');
    expect(runs(w).some((r) => r.includes('npm run soak -- --ci'))).toBe(true);
    expect(runs(w).some((r) => r.includes('GITHUB_STEP_SUMMARY') && r.includes('summary.md'))).toBe(true);
    expect(Object.values(w.jobs).flatMap((j) => j.steps.map((s) => s.uses ?? ''))).toContain('actions/upload-artifact@v4');
  });

  it('pull request: soaks head and compares with the last nightly of main', () => {
    const w = load('soak-pr.yml');
    expect(w.on).toHaveProperty('pull_request');
    expect(runs(w).some((r) => r.includes('npm run soak -- compare'))).toBe(true);
  });
});
