/**
 * The heap rule's result in production terms: at the measured heap slope and the run's users,
 * how long a server with a given heap headroom lasts, with the 95% interval, and the heap budget
 * as a daily figure. A simulated hour carries a production hour's events (DESIGN.md, simulated
 * time), so a slope per simulated hour reads as a slope per hour of production traffic at that
 * many users. Pure.
 */
import type { Report } from '../analysis/report-types.js';
import { DEFAULTS } from '../config/defaults.js';
import { formatBytes } from './format.js';

const MiB = 1024 * 1024;
const HOURS_PER_DAY = 24;
const DAYS_PER_YEAR = 365;
/** Past this, a figure says "> 10 years": no soak of hours speaks for longer. */
const LONGEST_DAYS = 10 * DAYS_PER_YEAR;

/** A heap slope with its 95% interval, bytes per (simulated) hour. */
export interface HeapSlope {
  readonly slope: number;
  readonly lo: number;
  readonly hi: number;
}

export interface Exhaustion {
  /** Days until the headroom is used up at the slope; Infinity when the slope is ≤ 0. */
  readonly days: number;
  /** At the interval's upper bound: the shortest time (Infinity when hi ≤ 0). */
  readonly shortestDays: number;
  /** At the interval's lower bound: the longest time (Infinity when lo ≤ 0: no growth at that bound). */
  readonly longestDays: number;
  /** The slope per day, bytes, and per user per day (users > 0). */
  readonly bytesPerDay: number;
  readonly bytesPerUserDay: number;
}

/** Days a headroom of `headroomBytes` lasts at `bytesPerHour`; Infinity when the heap does not grow. */
export function daysToExhaust(headroomBytes: number, bytesPerHour: number): number {
  return bytesPerHour > 0 ? headroomBytes / (bytesPerHour * HOURS_PER_DAY) : Infinity;
}

/** How long `headroomBytes` lasts at the slope and at each end of its interval. */
export function exhaustion(heap: HeapSlope, users: number, headroomBytes: number): Exhaustion {
  const bytesPerDay = heap.slope * HOURS_PER_DAY;
  return {
    days: daysToExhaust(headroomBytes, heap.slope),
    shortestDays: daysToExhaust(headroomBytes, heap.hi),
    longestDays: daysToExhaust(headroomBytes, heap.lo),
    bytesPerDay,
    bytesPerUserDay: bytesPerDay / users,
  };
}

/** A duration in days as a person says it: minutes, hours, days, years, "> 10 years" or "never". */
export function formatDays(days: number): string {
  if (!Number.isFinite(days)) return 'never';
  if (days > LONGEST_DAYS) return '> 10 years';
  if (days >= DAYS_PER_YEAR) return `${(days / DAYS_PER_YEAR).toFixed(1)} years`;
  if (days >= 10) return `${days.toFixed(0)} days`;
  if (days >= 2) return `${days.toFixed(1)} days`;
  const hours = days * HOURS_PER_DAY;
  if (hours >= 10) return `${hours.toFixed(0)} hours`;
  if (hours >= 1) return `${hours.toFixed(1)} hours`;
  const minutes = hours * 60;
  return minutes >= 1 ? `${minutes.toFixed(0)} minutes` : '< 1 minute';
}

/** 1024 → "1 GiB", 1536 → "1.5 GiB", 512 → "512 MiB". */
export function formatHeadroom(mib: number): string {
  return mib >= 1024 ? `${Number((mib / 1024).toFixed(2))} GiB` : `${Number(mib.toFixed(1))} MiB`;
}

/** What the renderers put before the sentence (bold in summary.md and report.html). */
export const PRODUCTION_TERMS_LABEL = 'In production terms';

/**
 * The sentences after the label: the heap slope per hour and per day with these users, "at this
 * slope a server with N GiB of heap headroom runs out in D [shortest, longest]", and the heap
 * budget per day. Null when the heap rule has no slope (no trend) or the report has no heap rule.
 */
export function productionTermsSentence(report: Report): string | null {
  const rule = report.verdict.rules.find((r) => r.id === 'heap-slope');
  const e = rule?.evidence;
  if (!e || !isNum(e.slope) || !isNum(e.lo) || !isNum(e.hi)) return null;
  const users = report.config.users;
  const headroomMiB = report.config.productionHeadroomMiB ?? DEFAULTS.productionHeadroomMiB;
  const x = exhaustion({ slope: e.slope, lo: e.lo, hi: e.hi }, users, headroomMiB * MiB);
  const bounds = `${formatDays(x.shortestDays)}, ${formatDays(x.longestDays)}`;
  const server = `a server with ${formatHeadroom(headroomMiB)} of heap headroom`;
  // A target runs no simulated clock: its hours are real, at whatever pace its scenario drove it.
  const hours =
    report.config.target === 'reference' || report.config.target === undefined
      ? "a simulated hour carries a production hour's events"
      : "real hours at this scenario's pace: a server of yours runs no simulated clock, so a day here is a day of this load, not of production";
  const parts = [
    `the heap grows ${formatBytes(e.slope)} per hour [${formatBytes(e.lo)}, ${formatBytes(e.hi)}] with ${users} users, ` +
      `${formatBytes(x.bytesPerDay)} a day (${formatBytes(x.bytesPerUserDay)} per user a day; ${hours}).`,
    Number.isFinite(x.days)
      ? `At this slope ${server} runs out in ${formatDays(x.days)} [${bounds}].`
      : `At this slope ${server} never runs out (at the 95% bounds: ${bounds}).`,
  ];
  if (isNum(e.budget) && e.budget > 0) {
    parts.push(`The heap budget, ${formatBytes(e.budget)} per hour, is ${formatBytes(e.budget * HOURS_PER_DAY)} a day: that headroom lasts ${formatDays(daysToExhaust(headroomMiB * MiB, e.budget))} at the budget.`);
  }
  return parts.join(' ');
}

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
