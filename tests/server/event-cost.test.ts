import { describe, expect, it } from 'vitest';
import { EVENT_COST_ENV, MAX_EVENT_COST_MS, parseEventCost } from '../../server/event-cost.js';

describe(`${EVENT_COST_ENV} (a deliberately slow server)`, () => {
  it('is off unless set, and takes a number of ms', () => {
    expect(parseEventCost(undefined)).toBe(0);
    expect(parseEventCost('')).toBe(0);
    expect(parseEventCost('60')).toBe(60);
  });

  it.each(['abc', '-1', String(MAX_EVENT_COST_MS + 1), 'Infinity'])('refuses %j with a message naming the variable', (text) => {
    expect(() => parseEventCost(text)).toThrow(new RegExp(`${EVENT_COST_ENV} must be a number of ms`));
  });
});
