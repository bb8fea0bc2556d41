import { describe, expect, it } from 'vitest';
import { Teardown } from '../../harness/run/teardown.js';

describe('Teardown', () => {
  it('runs every step once, last registered first, and a failing step does not stop the rest', async () => {
    const t = new Teardown();
    const ran: string[] = [];
    const errors: string[] = [];
    t.push('store', () => ran.push('store'));
    t.push('server', async () => {
      await new Promise((r) => setTimeout(r, 5));
      ran.push('server');
      throw new Error('server did not stop');
    });
    t.push('load', () => ran.push('load'));
    await t.run((what, e) => errors.push(`${what}: ${(e as Error).message}`));
    expect(ran).toEqual(['load', 'server', 'store']);
    expect(errors).toEqual(['server: server did not stop']);
    await t.run();
    expect(ran).toHaveLength(3); // nothing runs twice
  });
});
