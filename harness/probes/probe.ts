/**
 * The probe lifecycle (STYLE §8, after fuite's metric collections): a probe is set up once
 * (`before`), read every sample (`sample`), summarised at the end (`result`) and always torn down
 * (`cleanup`, also after errors). Probes measure from outside and keep their own cost visible.
 */
export interface Probe<S, R = void> {
  /** Stable name, used as a key in reports and error messages. */
  readonly name: string;
  /** One-time setup before the first sample (connect, install hooks). */
  before?(): Promise<void>;
  /** One reading; must be cheap enough for the sample cadence. */
  sample(): Promise<S>;
  /** Summary over the run (e.g. the probe's own overhead). */
  result?(): R;
  /** Releases everything `before` acquired; safe to call twice and after a failed `before`. */
  cleanup(): Promise<void>;
}
