/**
 * Fidelity in words and rows, shared by the terminal table, summary.md, report.html and junit:
 * one sentence for the run, and one row per scenario phase with the figures each saturation
 * threshold judged. Pure.
 */
import type { FidelityResult } from '../analysis/fidelity.js';
import type { PhaseFidelity } from '../analysis/phase-fidelity.js';

/** Header of the per-phase table. */
export const PHASE_HEADER = ['phase', 'sim h', 'status', 'ELU', 'loop p99', 'ack p99', 'done (planned)', 'backlog +', 'failed', 'IMs unacked', 'load errors', 'REST done/planned', 'REST errors'] as const;

const num = (x: number | null | undefined, digits = 0, unit = ''): string => (x === null || x === undefined ? '—' : `${x.toFixed(digits)}${unit}`);
const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

export function phaseRow(p: PhaseFidelity): string[] {
  const rest = p.rest;
  return [
    p.name,
    `${p.fromHour.toFixed(1)}–${p.toHour.toFixed(1)}`,
    p.status,
    num(p.eventLoopUtilization, 2),
    num(p.eventLoopDelayP99Ms, 0, ' ms'),
    num(p.ackP99Ms, 0, ' ms'),
    p.doneActions === null ? '—' : `${p.doneActions} (${p.plannedActions})`,
    pct(p.backlogGrowth),
    num(p.failedActions),
    p.messagesSent === null ? '—' : `${p.messagesUnacked}/${p.messagesSent}`,
    num(p.loadErrors),
    rest?.planned ? `${pct(rest.requests / rest.planned)} (${rest.requests}/${Math.round(rest.planned)})` : rest ? String(rest.requests) : '—',
    rest ? String(rest.errors) : '—',
  ];
}

/** Every phase's row (none for reports from before phases were judged). */
export function phaseRows(f: FidelityResult): string[][] {
  return (f.phases ?? []).map(phaseRow);
}

/** One sentence: status, actions done, failed, worst phase loop delay, clock drift. */
export function fidelitySentence(f: FidelityResult): string {
  const parts: string[] = [f.status];
  if (f.ratio !== null) {
    const failed = f.failedActions === null || f.failedActions === undefined ? '' : `, ${f.failedActions} failed`;
    parts.push(`${(f.ratio * 100).toFixed(2)}% of planned actions done (${f.doneActions} / ${f.plannedActions}${failed})`);
  }
  if (f.eventLoopDelayP99Ms !== null && f.eventLoopDelayP99Ms !== undefined) parts.push(`worst phase's event-loop delay p99 ${f.eventLoopDelayP99Ms.toFixed(1)} ms`);
  const clock = f.clock;
  if (clock && clock.maxOffsetSimMs !== null) {
    parts.push(`load clock off the harness's by ≤ ${(Math.abs(clock.maxOffsetSimMs) / 1000).toFixed(2)} s simulated${clock.skew === null ? '' : `, rate ${(clock.skew * 100).toFixed(3)}%`} (${clock.readings} readings)`);
  }
  const saturated = (f.phases ?? []).filter((p) => p.status === 'saturated').map((p) => p.name);
  if (saturated.length > 0) parts.push(`saturated: ${saturated.join(', ')}`);
  return parts.join('; ');
}
