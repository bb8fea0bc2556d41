/**
 * Shared-secret checks for the harness-only doors (the clock start, /metrics): the harness
 * generates a random token per spawned server and sends it as `Authorization: Bearer <token>`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares in constant time over SHA-256 digests, so neither content nor length leaks by timing. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(header ?? '')?.[1];
}
