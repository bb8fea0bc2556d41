/**
 * LoginLimiter on an injected real-time clock (ms): the sliding window, the lock for right and
 * wrong passwords alike, Retry-After, concurrent attempts, and the bound on names it remembers.
 */
import { describe, expect, it } from 'vitest';
import { LoginLimiter, LoginThrottled } from '../../server/login-limit.js';

function limiter(options: ConstructorParameters<typeof LoginLimiter>[0] = {}) {
  let now = 1_000_000;
  const l = new LoginLimiter({ maxFailures: 3, windowMs: 60_000, ...options }, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

const fail = (l: LoginLimiter, name: string) => l.begin(name)(false);

describe('LoginLimiter', () => {
  it('locks a name after maxFailures in the window and says when to retry', () => {
    const { l, advance } = limiter();
    fail(l, 'u');
    advance(10_000);
    fail(l, 'u');
    fail(l, 'u');
    advance(5_000);
    const thrown = (() => {
      try {
        l.begin('u');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(thrown).toBeInstanceOf(LoginThrottled);
    // The first failure leaves the window 60 s after it: 45 s from now.
    expect((thrown as LoginThrottled).retryAfterS).toBe(45);
    expect((thrown as LoginThrottled).code).toBe('rate-limited');
    // Another name is not affected.
    expect(() => l.begin('v')).not.toThrow();
  });

  it('slides: once the oldest failure is out of the window one attempt passes again', () => {
    const { l, advance } = limiter();
    fail(l, 'u');
    advance(30_000);
    fail(l, 'u');
    fail(l, 'u');
    advance(30_001);
    const done = l.begin('u');
    done(false);
    expect(() => l.begin('u')).toThrow(LoginThrottled);
  });

  it('forgets failures after a success', () => {
    const { l } = limiter();
    fail(l, 'u');
    fail(l, 'u');
    l.begin('u')(true);
    fail(l, 'u');
    fail(l, 'u');
    expect(() => l.begin('u')).not.toThrow();
  });

  it('never limits a name without failures, however many attempts run at once', () => {
    const { l } = limiter();
    const pending = Array.from({ length: 100 }, () => l.begin('busy'));
    for (const done of pending) done(true);
    expect(l.tracked).toBe(0);
  });

  it('counts concurrent attempts for a name that has failed, so a burst cannot pass the limit', () => {
    const { l } = limiter();
    fail(l, 'u');
    l.begin('u');
    l.begin('u');
    expect(() => l.begin('u')).toThrow(LoginThrottled);
  });

  it('remembers at most maxTracked names, dropping the least recently failed', () => {
    const { l } = limiter({ maxTracked: 5, maxFailures: 1 });
    for (let i = 0; i < 8; i++) fail(l, `n${i}`);
    expect(l.tracked).toBe(5);
    expect(() => l.begin('n0')).not.toThrow();
    expect(() => l.begin('n7')).toThrow(LoginThrottled);
  });
});
