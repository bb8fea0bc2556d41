/**
 * What a run started, stopped in reverse order of starting: each step on its own, so one that
 * fails (or hangs up to its own time-out) never leaves the processes after it running. Every
 * process is stopped by the handle that started it, so only the run's own PIDs are touched.
 */
export class Teardown {
  #steps: Array<{ readonly what: string; readonly run: () => unknown }> = [];

  /** Registers a step; the last registered runs first. */
  push(what: string, run: () => unknown): void {
    this.#steps.push({ what, run });
  }

  /** Runs every step once, last registered first; a step's error goes to `onError` and the rest still run. */
  async run(onError: (what: string, error: unknown) => void = () => undefined): Promise<void> {
    const steps = this.#steps.reverse();
    this.#steps = [];
    for (const step of steps) {
      try {
        await step.run();
      } catch (error) {
        onError(step.what, error);
      }
    }
  }
}
