/**
 * `k6/metrics` for Node (vitest alias): Counter, Rate and Trend record every value added, by
 * metric name, in `recorded`, so a test or a load can read what the k6 code reported.
 */
export const recorded = new Map<string, number[]>();

class Metric {
  constructor(readonly name: string) {}
  add(value: number | boolean): void {
    const list = recorded.get(this.name) ?? [];
    list.push(Number(value));
    recorded.set(this.name, list);
  }
}

export class Counter extends Metric {}
export class Rate extends Metric {}
export class Trend extends Metric {}

/** Sum of the values recorded under `name`. */
export const total = (name: string): number => (recorded.get(name) ?? []).reduce((a, b) => a + b, 0);
