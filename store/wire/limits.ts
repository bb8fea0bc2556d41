/**
 * The wire store's protective caps. Over a cap the one connection concerned is closed (or
 * refused) with a logged reason; the store goes on. Every default is chosen so that it never
 * binds for a legitimate soak, including one whose leak switches multiply connections: a cap
 * that closed leaked connections would hide the very growth the harness must see.
 */
export interface WireLimits {
  /**
   * Open connections at most; the next one is closed on accept. The `db-per-event` leak opens
   * ~1,400 connections in a default soak at 100 users (bench/results/leaks-default.json), ~10×
   * that at 1,000 users; 16,000 stays above both yet below this machine's 20,000 open-file
   * soft limit (`ulimit -n`), which the measured server, holding the other end of every one of
   * these sockets plus its users', reaches first. mongod's default is 1,000,000.
   * @default 16_000
   */
  maxConnections: number;
  /**
   * Bytes held for one connection: the unfinished incoming message plus replies the peer has not
   * read yet. Above one maximal message (48,000,000 bytes, maxMessageSizeBytes) so a legitimate
   * driver can always send one; the driver never pipelines, so it never holds more.
   * @default 64 MiB
   */
  maxConnectionBufferBytes: number;
  /**
   * The same, summed over all connections: five maximal messages at once, far beyond what the
   * reference app's few-KB documents ever need, and it bounds what many half-sent messages can pin.
   * @default 256 MiB
   */
  maxTotalBufferBytes: number;
  /**
   * A connection that sends and receives nothing for this long is closed. Long, because the
   * `db-per-event` leak's abandoned connections are idle by definition and must stay counted for
   * the whole run, and a driver's pooled connection (maxIdleTimeMS 0: kept forever) may sit idle
   * through a quiet phase; closing one costs the driver a pool clear. 24 h outlasts any run the
   * harness plans (its 25 simulated hours take minutes); mongod has no idle limit at all.
   * @default 24 h
   */
  idleTimeoutMs: number;
  /**
   * A connection that began a message and sent no byte of the rest for this long is closed
   * (a stalled or slowloris peer pinning buffered bytes). The driver writes each message whole,
   * on loopback its bytes arrive within milliseconds.
   * @default 60 s
   */
  stallTimeoutMs: number;
  /**
   * An open cursor unused this long is killed by a sweep: mongod's default cursorTimeoutMillis.
   * @default 10 min
   */
  cursorTimeoutMs: number;
}

export const WIRE_LIMITS: Readonly<WireLimits> = Object.freeze({
  maxConnections: 16_000,
  maxConnectionBufferBytes: 64 * 1024 * 1024,
  maxTotalBufferBytes: 256 * 1024 * 1024,
  idleTimeoutMs: 24 * 60 * 60_000,
  stallTimeoutMs: 60_000,
  cursorTimeoutMs: 10 * 60_000,
});
