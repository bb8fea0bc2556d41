/**
 * Formatting shared by the renderers: numbers with units, slope ± interval, and escaping for
 * Markdown tables, XML and HTML. Pure.
 */
import type { TrendResult } from '../analysis/trend.js';
import type { ReportConfig, ReportHttp } from '../analysis/report-types.js';
import type { ProbeCost } from '../analysis/probe-cost.js';
import type { AttributionTerm } from '../analysis/attribution.js';
import { describeSyntheticLeak } from '../../common/synthetic-leak-spec.js';

/** The client's presence ping period, simulated ms (client/buddy-list.tsx; not imported: rendering stays free of React). */
const PING_SIM_MS = 10_000;

const KiB = 1024;
const MiB = 1024 * 1024;

/** Units whose values are bytes (sizes, byte slopes) get binary prefixes. */
export function isByteUnit(unit: string): boolean {
  return unit.startsWith('bytes');
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6 || (abs > 0 && abs < 1e-3)) return value.toExponential(2);
  return value.toFixed(abs >= 100 ? 0 : abs >= 1 ? 2 : 3);
}

export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= MiB) return `${(value / MiB).toFixed(2)} MiB`;
  if (abs >= KiB) return `${(value / KiB).toFixed(1)} KiB`;
  return `${value.toFixed(0)} B`;
}

/** A value in its unit: bytes get prefixes, other units are appended. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (isByteUnit(unit)) return `${formatBytes(value)}${unit.slice('bytes'.length)}`;
  return value === null || value === undefined ? '—' : `${formatNumber(value)} ${unit}`.trim();
}

/** "slope [lo, hi]", bytes with prefixes. */
export function formatSlope(slope: number | null | undefined, lo: number | null | undefined, hi: number | null | undefined, bytes: boolean): string {
  if (slope === null || slope === undefined) return '—';
  const f = bytes ? formatBytes : formatNumber;
  return `${f(slope)} [${f(lo)}, ${f(hi)}]`;
}

/** "slope [lo, hi]" per simulated hour, or the reason there is none. */
export function formatTrend(trend: TrendResult | null | undefined, bytes: boolean): string {
  if (!trend) return '—';
  if (trend.status !== 'ok') return `n/a (${trend.reason})`;
  return formatSlope(trend.slope, trend.lo, trend.hi, bytes);
}

/** Series whose values are bytes, by key (for choosing a formatter). */
export function isByteSeries(key: string): boolean {
  return /heap|rss|external|arrayBuffers|_bytes/i.test(key);
}

/** Escapes text for one Markdown table cell (pipes, newlines, HTML-ish brackets). */
export function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for XML attribute values and character data; drops characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** HTML escaping is XML escaping minus nothing: the same five entities are safe in both. */
export const htmlEscape = xmlEscape;

/** JSON for a `<script type="application/json">` block: `<` escaped so `</script>` cannot end it. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Inline library source: neutralises a literal `</script` or `</style` inside it. */
export function inlineSafe(source: string, tag: 'script' | 'style'): string {
  return source.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}

export const STATUS_ICON: Readonly<Record<string, string>> = Object.freeze({
  pass: '✅',
  fail: '❌',
  inconclusive: '⚠️',
  'not-applicable': '➖',
  ok: '✅',
  regressed: '❌',
  refused: '⛔',
});

/**
 * One sentence on the periodic-timer floor when it bound (see common/sim-clock.ts), so a reader
 * knows the 10 s ping fired less often in simulated time than in the real app; null otherwise.
 */
/** The sentence an inspector-only soak's reports carry (`config.metrics` null), else null. */
export function noMetricsNote(config: Pick<ReportConfig, 'metrics'>): string | null {
  return config.metrics === null ? "No /metrics (inspector-only soak): rules that need the server's own metrics cannot be judged." : null;
}

export function intervalFloorNote(config: Pick<ReportConfig, 'timeScale' | 'timeScalePhases' | 'intervalFloorMs'>): string | null {
  const floor = config.intervalFloorMs ?? 1;
  const scales = config.timeScalePhases?.map((p) => p.scale) ?? [config.timeScale];
  // The ping's simulated period at the slowest and the fastest scale of the run.
  const [fewest, most] = [Math.min(...scales), Math.max(...scales)].map((sc) => Math.max(floor, PING_SIM_MS / sc) * sc) as [number, number];
  if (floor <= 1 || most <= PING_SIM_MS) return null;
  const every = fewest === most ? (most / 1000).toFixed(0) : `${(fewest / 1000).toFixed(0)}–${(most / 1000).toFixed(0)}`;
  return `Periodic timers were floored at ${String(floor)} real ms: the 10 s presence ping and request poll fired every ${every} simulated s (actions ran at full rate).`;
}

/**
 * The calibration leak in the config sentence: ', synthetic calibration leak 64 KiB per im.send
 * (server event im:send)', or '' when there was none. Reports from before the shapes have only
 * the MiB per simulated hour.
 */
export function syntheticLeakText(config: Pick<ReportConfig, 'syntheticLeak' | 'syntheticLeakMiBPerHour'>): string {
  if (config.syntheticLeak) return `, synthetic calibration leak ${describeSyntheticLeak(config.syntheticLeak)}`;
  if (config.syntheticLeakMiBPerHour) return `, synthetic calibration leak ${String(config.syntheticLeakMiBPerHour)} MiB per simulated hour`;
  return '';
}

/**
 * The time scale as a reader should see it: `×600`, or, when it changed from phase to phase,
 * `×152–600 by phase (mean ×296)`.
 */
export function timeScaleText(config: Pick<ReportConfig, 'timeScale' | 'timeScalePhases'>): string {
  const scales = config.timeScalePhases?.map((p) => p.scale) ?? [];
  if (scales.length === 0) return `×${String(config.timeScale)}`;
  const lo = Math.min(...scales);
  const hi = Math.max(...scales);
  return lo === hi ? `×${String(lo)}` : `×${String(lo)}–${String(hi)} by phase (mean ×${String(config.timeScale)})`;
}

/**
 * One sentence about the HTTP load for summary.md and report.html: rate (and whether the cap
 * bound), requests and errors over the soak, median window latency, and the p90 drift.
 * Tolerates reports written before the `http` key existed.
 */
export function httpSentence(http: ReportHttp | undefined): string {
  if (!http || !http.enabled) return `HTTP load: none${http?.note ? ` (${http.note})` : ''}.`;
  const p = http.plan;
  const rate = !p
    ? 'rate not recorded'
    : p.requestsPerSimHour !== undefined
      ? `${formatNumber(p.requestsPerSimHour)} requests per simulated hour (${p.requestsPerUserHour} per user), arrivals spaced in simulated time`
      : `${String(p.ratePerSecond)} req/s real (${p.requestsPerUserHour} per user per simulated hour${p.capped ? `; capped at ${String(p.capPerSecond)} req/s, planned ${formatNumber(p.plannedPerSecond)}` : ''}${p.floored ? `; raised to 1 req/s, planned ${formatNumber(p.plannedPerSecond)}` : ''})`;
  const t = http.totals;
  const due = t && t.due !== undefined && t.due !== null ? ` of ${t.due} due (${t.due > 0 ? `${((t.requests / t.due) * 100).toFixed(1)}%` : '—'}; ${String(t.shed ?? 0)} shed, ${String(t.late ?? 0)} sent > 1 s late, ${String(t.resent ?? 0)} sent again after a keep-alive reset)` : '';
  const counts = t
    ? `${t.requests} requests in the soak${due} (${t.achievedPerSecond === null ? '—' : formatNumber(t.achievedPerSecond)} req/s achieved), ${t.errors} errors (${t.errorRate === null ? '—' : `${(t.errorRate * 100).toFixed(2)}%`})`
    : 'no soak windows';
  const l = http.latencyMs;
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${formatNumber(v)}`);
  const latency = l ? `; window latency (median) p50 ${ms(l.p50)} / p90 ${ms(l.p90)} / p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms` : '';
  return `HTTP load: ${rate}; ${counts}${latency}; ${http.percentile} drift ${formatTrend(http.drift, false)} ms per simulated hour.`;
}

/** One sentence on what sampling cost the server; null for reports without the figure. */
export function probeSentence(probe: ProbeCost | null | undefined): string | null {
  if (!probe) return null;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  // Reports written before the probe measured its CPU carry neither the split nor a basis.
  const split = probe.samples && probe.checkpoints ? ` (regular samples ${pct(probe.samples.shareOfServerCpu)}, quiet checkpoints ${pct(probe.checkpoints.shareOfServerCpu)})` : '';
  if (probe.basis !== 'cpu') {
    return `Sampling held the server a median ${probe.medianMs.toFixed(0)} ms per sample (forced GC, reads and waits: wall time), ${pct(probe.shareOfServerCpu)} of its CPU time over the run${split}.`;
  }
  const cpu =
    `Sampling cost the server a median ${probe.medianMs.toFixed(0)} ms of CPU per sample (forced GC and reads; ${probe.medianWallMs.toFixed(0)} ms wall), ` +
    `${pct(probe.shareOfServerCpu)} of its CPU time over the run${split}`;
  const m = probe.mainThread;
  if (!m) return `${cpu}.`;
  const mainSplit = m.samples && m.checkpoints ? ` (regular samples ${pct(m.samples.shareOfServerCpu)}, quiet checkpoints ${pct(m.checkpoints.shareOfServerCpu)})` : '';
  return (
    `On the server's event loop, sampling took a median ${m.medianMs.toFixed(0)} ms per sample (its GC pauses and reads), ` +
    `${pct(m.shareOfServerCpu)} of the loop's busy time over the run${mainSplit}. ` +
    `${cpu}: an upper bound that also counts the GC's helper threads and the app's work between the probe's calls.`
  );
}

/**
 * One attribution term as table cells: action, bytes [CI], the interval's level, VIF, count, and
 * whether it retains memory (the interval above 0 and material against the heap budget).
 */
export function attributionRow(t: AttributionTerm): string[] {
  const level = t.level === undefined ? '' : `${(t.level * 100).toFixed(1)}%`;
  const vif = t.vif === undefined ? '' : Number.isFinite(t.vif) ? t.vif.toFixed(1) : '∞';
  const verdict = t.retains === undefined ? '' : t.retains ? 'yes' : t.lo > 0 ? 'no (not material)' : 'no';
  return [t.action, `${formatBytes(t.bytesPer)} [${formatBytes(t.lo)}, ${formatBytes(t.hi)}]`, level, vif, String(t.total), verdict];
}
