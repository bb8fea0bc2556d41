/** The report's sentence on the quiet checkpoints: how many, how quiet, what they cost. Pure. */
import type { ReportCheckpoints } from '../analysis/report-types.js';

const mib = (bytes: number | null): string => (bytes === null ? '—' : `${(bytes / 1048576).toFixed(1)} MiB`);
const ms = (v: number | null): string => (v === null ? '—' : `${v.toFixed(0)} ms`);
/** An idle reading's wait: GCs until the heap stopped falling (inspector-probe.ts), when known. */
const idle = (readMs: number | null | undefined, rounds: number | null | undefined): string =>
  readMs == null ? '' : ` (read in ${(readMs / 1000).toFixed(1)} s${rounds == null ? '' : `, ${rounds} GCs`})`;

export function checkpointSentence(c: ReportCheckpoints): string {
  const cadence = c.everyHours > 0 ? `every ${c.everyHours} simulated h and at each phase end` : 'at each phase end';
  const share = c.shareOfRun === null ? '' : ` (${(c.shareOfRun * 100).toFixed(1)}% of the run's wall time)`;
  const quiet =
    `${c.overran} overran their hold, ${c.unstable} heap reading(s) never settled, ${c.inFlight} action(s) still in flight at a reading`;
  return (
    `Quiet checkpoints: ${c.holds} holds of ${c.holdSeconds} s ${cadence}, plus the idle baseline and the end after the cool-down; ` +
    `a hold's reads took a median ${ms(c.readRealMsMedian)} (max ${ms(c.readRealMsMax)}) after a settle of ${ms(c.settleRealMsMedian)} (max ${ms(c.settleRealMsMax)}); ${quiet}. ` +
    `The holds added ${c.addedWallSeconds.toFixed(0)} s${share}. Heap: idle baseline ${mib(c.baselineHeap)}${idle(c.baselineReadRealMs, c.baselineGcRounds)}, ` +
    `end ${mib(c.endHeap)}${idle(c.endReadRealMs, c.endGcRounds)}.`
  );
}
