/**
 * Progress output: subscribes to run events and never feeds back into the run. On a TTY a live
 * line (cli-progress) shows simulated hour, %, heap MB, sockets, messages/s and ETA; with `--ci`
 * or without a TTY it prints a plain line every PLAIN_EVERY_SIM_HOURS simulated hours.
 */
import cliProgress from 'cli-progress';
import type { RunEvent, RunListener } from './run/run-events.js';
import type { Sample } from './sample.js';
import { realMsBetween, type ScaleStep } from '../common/sim-clock.js';

/** Plain mode prints one line per simulated hour: 25 lines for a default run. */
const PLAIN_EVERY_SIM_HOURS = 1;
const MB = 1024 * 1024;

export interface ProgressOutput {
  readonly listener: RunListener;
  stop(): void;
}

function connected(sample: Sample): number {
  return sample.metrics['rol_connected_sockets'] ?? sample.client?.socketsOpen ?? 0;
}

export function createProgress(stream: NodeJS.WriteStream, plain: boolean): ProgressOutput {
  const log = (line: string) => stream.write(`${line}\n`);
  let bar: cliProgress.SingleBar | null = null;
  let lastPlainHour = -1;
  let previous: Sample | null = null;
  let startedWall = Date.now();
  let estimatedWallSeconds = 0;
  let schedule: readonly ScaleStep[] | undefined;

  const rates = (sample: Sample) => {
    const sent = sample.load?.messagesSent ?? 0;
    const dt = previous ? (sample.realMs - previous.realMs) / 1000 : 0;
    const rate = previous && dt > 0 ? (sent - (previous.load?.messagesSent ?? 0)) / dt : 0;
    previous = sample;
    return rate;
  };

  const onSample = (event: Extract<RunEvent, { type: 'sample' }>) => {
    const { sample, totalSimMs } = event;
    const fraction = Math.min(1, sample.simMs / totalSimMs);
    const elapsed = (Date.now() - startedWall) / 1000;
    // The clock follows its schedule in real time, so the schedule says how long the rest takes;
    // without one (older events), extrapolate once the fraction is large enough to.
    const first = schedule?.[0];
    const eta = first
      ? realMsBetween({ scale: first.scale, schedule }, Math.min(sample.simMs, totalSimMs), totalSimMs) / 1000
      : fraction > 0.05
        ? Math.max(0, elapsed / fraction - elapsed)
        : Math.max(0, estimatedWallSeconds - elapsed);
    const fields = {
      hour: (sample.simMs / 3_600_000).toFixed(1),
      heap: (sample.server.heapUsed / MB).toFixed(1),
      sockets: connected(sample),
      msgs: rates(sample).toFixed(0),
      phase: sample.phase,
      eta: Math.round(eta),
    };
    if (plain) {
      const hour = Math.floor(sample.simMs / 3_600_000 / PLAIN_EVERY_SIM_HOURS);
      if (hour === lastPlainHour && fraction < 1) return;
      lastPlainHour = hour;
      log(
        `sim ${fields.hour} h (${Math.round(fraction * 100)}%) ${fields.phase}: heap ${fields.heap} MB, sockets ${fields.sockets}, ${fields.msgs} msg/s, ETA ${fields.eta} s`,
      );
      return;
    }
    if (!bar) {
      bar = new cliProgress.SingleBar(
        {
          format: 'sim {hour} h |{bar}| {percentage}% {phase} | heap {heap} MB | sockets {sockets} | {msgs} msg/s | ETA {eta} s',
          hideCursor: true,
          stream,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(100, 0, fields);
    }
    bar.update(Math.round(fraction * 100), fields);
  };

  /** `152` or `mean 296; morning ×152, lunch ×547, …` when the scale changes by phase. */
  const scaleWords = (event: Extract<RunEvent, { type: 'config' }>): string => {
    const phases = event.phases ?? [];
    if (new Set(phases.map((p) => p.scale)).size <= 1) return String(event.timeScale);
    return `mean ${String(event.timeScale)}; ${phases.map((p) => `${p.name} ×${String(p.scale)}`).join(', ')}`;
  };

  const listener: RunListener = (event) => {
    switch (event.type) {
      case 'config':
        startedWall = Date.now();
        estimatedWallSeconds = event.estimatedWallSeconds;
        schedule = event.schedule;
        log(
          `run ${event.runId}: time scale ${scaleWords(event)} (set by ${event.limitedBy}), about ${Math.round(event.estimatedWallSeconds)} s` +
            ` (~${(event.estimatedWallSeconds / 60).toFixed(1)} min)` +
            (event.intervalFloorMs && event.intervalFloorMs > 1
              ? `; periodic timers floored at ${event.intervalFloorMs} real ms on request (reduced fidelity: the report says which rules that leaves uncovered)`
              : '; every event at its production rate (actions, periodic timers and HTTP together set the scale)'),
        );
        if (event.capacityEventsPerSecond !== undefined && event.limitedBy !== 'fixed') {
          log(
            `capacity: ${Math.round(event.capacityEventsPerSecond)} units/s planned (a unit is a morning-mix action; timers and HTTP weighed by their measured cost)` +
              (event.speedFactor !== undefined ? ` (speed factor ${event.speedFactor.toFixed(2)} from the machine-speed probe; 1 = the machine it was measured on)` : ''),
          );
        }
        if (!event.withinBudget) {
          log(
            `note: this machine's measured capacity cannot fit the run into ${event.maxWallMinutes} min without dropping planned events; ` +
              `it runs longer instead: about ${(event.estimatedWallSeconds / 60).toFixed(1)} min here`,
          );
        }
        log(`report folder: ${event.runDir}`);
        break;
      case 'store':
        log(`store: ${event.engine} ${event.version}`);
        break;
      case 'server':
        log(`server: ${event.url} (pid ${event.pid})${event.wrapper ? ` under ${event.wrapper.name} (pid ${event.wrapper.pid})` : ''}`);
        break;
      case 'load':
        log(`load: ${event.users} virtual users (pid ${event.pid})`);
        break;
      case 'load-command':
        log(`load command: ${event.command} (pid ${event.pid}, SOAK_DURATION_S=${event.durationS}; its output: ${event.log})`);
        break;
      case 'sample':
        onSample(event);
        break;
      case 'snapshot':
        if (plain || !bar) log(`heap snapshot ${event.label}: ${(event.bytes / MB).toFixed(1)} MB, server paused ${event.pauseMs.toFixed(0)} ms`);
        break;
      case 'phase':
        if (plain || !bar) log(`phase: ${event.phase}`);
        break;
      case 'log':
        if (plain || !bar) log(event.message);
        break;
    }
  };
  return {
    listener,
    stop: () => {
      (bar as cliProgress.SingleBar | null)?.stop();
    },
  };
}
