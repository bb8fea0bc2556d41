// k6 provides `console` at run time, but @types/k6 does not declare it and this tsconfig has
// neither DOM nor node libs (their WebSocket/timer types clash with k6's).
declare const console: {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
};
