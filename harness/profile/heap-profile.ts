/**
 * `--profile heap`: the server's sampling heap profile over the soak, recorded through the
 * inspector connection the run already has, written as `server.heapprofile` — the JSON of V8's
 * SamplingHeapProfile (`{head, samples}`), which Chrome DevTools → Memory → Load opens as an
 * "Allocation sampling" profile. Also works for a `--target` server (only the inspector is needed).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SamplingHeapProfile } from '../probes/inspector-probe.js';

/**
 * Bytes between samples (on average): V8's and DevTools' default. The profiler walks the stack
 * once per interval allocated, so at this server's allocation rates (tens of MB/s under load)
 * that is ~1,000 walks/s, well under 1% of a core, and the event-loop figures stay honest. A
 * profile reports only what is still alive at the end, so its size follows the live heap
 * (≈ heap / 32 KiB samples), not the soak's length. Finer intervals multiply the cost; coarser
 * ones miss small leaks (100 B per message over 10,000 messages = 1 MB ≈ 30 samples here).
 */
export const HEAP_SAMPLING_INTERVAL_BYTES = 32_768;

/** File name inside the run folder (the `.heapprofile` extension is what DevTools' file picker offers). */
export const HEAP_PROFILE_FILE = 'server.heapprofile';

export interface HeapProfileStats {
  /** Sampled allocations still alive at the end. */
  readonly samples: number;
  /** Their estimated bytes (V8 scales each sample up to the interval it stands for). */
  readonly liveBytes: number;
}

export function heapProfileStats(profile: SamplingHeapProfile): HeapProfileStats {
  return { samples: profile.samples.length, liveBytes: profile.samples.reduce((sum, s) => sum + s.size, 0) };
}

/** Writes the profile into the run folder; returns the file's path and size in bytes. */
export function writeHeapProfile(runDir: string, profile: SamplingHeapProfile): { path: string; bytes: number } {
  const path = join(runDir, HEAP_PROFILE_FILE);
  const text = JSON.stringify(profile);
  writeFileSync(path, text);
  return { path, bytes: Buffer.byteLength(text) };
}
