/**
 * `report RUN_DIR` on a run.json from before a budget existed: the budget takes its default
 * instead of turning into NaN in its rule's evidence, and run.json keeps what the run recorded.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { resolveConfig } from '../../harness/config/resolve-config.js';
import type { ResolvedSoakConfig } from '../../harness/config/types.js';
import { finishRun } from '../../harness/run/finish-run.js';
import type { TimeScaleChoice } from '../../harness/run/time-scale.js';
import { fixedSamples } from '../report/fixtures.js';

describe('finishRun on an older run.json', () => {
  it('fills budgets the record lacks with their defaults', async () => {
    const resolved = resolveConfig({});
    const { cooldownHeapRetainedBytes: _a, cooldownHeapRetainedBytesPerUser: _b, ...olderBudgets } = resolved.budgets;
    const config = { ...resolved, budgets: olderBudgets } as unknown as ResolvedSoakConfig;
    const runDir = mkdtempSync(join(tmpdir(), 'rol-soak-finish-'));
    const report = await finishRun({
      config,
      runId: 'older-run',
      runDir,
      startedAt: new Date('2026-01-01T00:00:00Z'),
      timeScale: { scale: 600, intervalFloorMs: 1 } as TimeScaleChoice,
      store: null,
      samples: fixedSamples(false),
      snapshots: [],
      interrupted: false,
      error: null,
      wallSeconds: 100,
    });
    expect(report.config.budgets?.cooldownHeapRetainedBytes).toBe(DEFAULT_BUDGETS.cooldownHeapRetainedBytes);
    expect(report.config.budgets?.cooldownHeapRetainedBytesPerUser).toBe(DEFAULT_BUDGETS.cooldownHeapRetainedBytesPerUser);
    for (const rule of report.verdict.rules) expect(rule.evidence.text).not.toContain('NaN');
    const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { config: ResolvedSoakConfig };
    expect(record.config.budgets).not.toHaveProperty('cooldownHeapRetainedBytes');
  });
});
