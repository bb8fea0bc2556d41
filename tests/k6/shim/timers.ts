/** `k6/timers` for Node (vitest alias): k6's timers are the standard ones, real ms. */
export const { setTimeout, clearTimeout, setInterval, clearInterval } = globalThis;
