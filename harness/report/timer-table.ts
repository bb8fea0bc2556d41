/**
 * The periodic timers' fidelity as rows (timer-fidelity.ts): one per timer type with its period,
 * planned and fired counts and the share of production rate, for summary.md, report.html and the
 * terminal. Pure.
 */
import type { TimerFidelity, TimerRow } from '../analysis/timer-fidelity.js';

export const TIMER_TABLE_HEADER = ['timer', 'period', 'planned', 'fired', 'share of production rate'] as const;

function period(r: TimerRow): string {
  const s = r.periodMs / 1000;
  const text = s >= 60 ? `${(s / 60).toFixed(s % 60 === 0 ? 0 : 1)} min` : `${s.toFixed(s % 1 === 0 ? 0 : 1)} s`;
  return r.clock === 'sim' ? `${text} sim.` : `${text} real`;
}

function share(r: TimerRow): string {
  if (r.ratio === null) return '—';
  const pct = `${(r.ratio * 100).toFixed(r.ratio < 0.1 ? 2 : 1)}%`;
  return r.judged ? pct : `${pct} (real-time floor, counted apart)`;
}

export function timerTableRows(t: TimerFidelity): string[][] {
  // A restartable timer's planned fires are its fewest correct ones (timer-fidelity.ts TimerSpec.restartedBy): say so.
  const planned = (r: TimerRow) => (r.planned === null ? '—' : `${Math.round(r.planned)}${r.restarts === undefined ? '' : ` (less ${r.restarts} remounts and window ends)`}`);
  return t.rows.map((r) => [r.type, period(r), planned(r), r.fired === null ? '—' : String(r.fired), share(r)]);
}

/** One sentence: the mode and what it means for the verdict. */
export function timerSentence(t: TimerFidelity): string {
  const mode =
    t.mode === 'floored'
      ? `Periodic timers floored at ${String(t.floorMs)} real ms on request (--timer-floor): reduced fidelity.`
      : 'Periodic timers at their simulated period (no real-time floor); socket.io\'s keepalive at its real-time floor, counted apart.';
  const status = t.status === 'ok' ? `Every app timer at ≥ 99% of its production rate.` : t.status === 'insufficient-data' ? 'Timer counts missing: not judged.' : t.reasons.join('; ') + '.';
  const uncovered = t.notCovered.length > 0 ? ` Not covered: ${t.notCovered.join('; ')}.` : '';
  return `${mode} ${status}${uncovered}`;
}
