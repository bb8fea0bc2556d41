import type { ScaleStep } from '../../common/sim-clock.js';
/** What a run tells its listeners (progress line, logs). Progress output only subscribes. */
import type { Phase, Sample } from '../sample.js';

export type RunEvent =
  | {
      type: 'config';
      runId: string;
      runDir: string;
      /** The mean scale; `phases` has each stretch's own when it changes with the scenario's phases. */
      timeScale: number;
      limitedBy: string;
      estimatedWallSeconds: number;
      withinBudget: boolean;
      maxWallMinutes: number;
      intervalFloorMs?: number;
      schedule?: readonly ScaleStep[];
      phases?: ReadonlyArray<{ readonly name: string; readonly scale: number }>;
      /** Actions per real second the plan assumed, and this machine's speed factor behind it (machine-speed.ts). */
      capacityEventsPerSecond?: number;
      speedFactor?: number;
    }
  | { type: 'store'; engine: string; version: string; uri: string }
  | { type: 'server'; url: string; pid: number; inspectorUrl: string; wrapper?: { name: string; pid: number } }
  | { type: 'load'; pid: number; users: number }
  /** `--load-command` started: its shell's PID, the real seconds it was given (SOAK_DURATION_S) and its output file. */
  | { type: 'load-command'; command: string; pid: number; durationS: number; log: string }
  | { type: 'phase'; phase: Phase; simMs: number }
  | { type: 'sample'; sample: Sample; totalSimMs: number }
  | { type: 'snapshot'; label: string; path: string; bytes: number; pauseMs: number }
  | { type: 'log'; message: string };

export type RunListener = (event: RunEvent) => void;
