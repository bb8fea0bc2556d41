/**
 * Which rules apply: a server of the user's that never exported the reference app's metrics gets
 * those rules as not applicable (not inconclusive) and can pass on the rest; the reference server
 * with a metric missing stays inconclusive; rules switched off say so; a user's own metric names
 * are read as the contract's.
 */
import { describe, expect, it } from 'vitest';
import { applyApplicability } from '../../harness/analysis/applicability.js';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { withContractNames } from '../../harness/analysis/sample-read.js';
import { analyse } from '../../harness/analysis/verdict.js';
import type { Sample } from '../../harness/sample.js';
import { HOUR, makeRun } from './samples.js';

/** A healthy run of a server that exports only prom-client's defaults (no rol_* metrics). */
function foreignRun(): Sample[] {
  return makeRun().map((s) => ({ ...s, metrics: { process_open_fds: 40, nodejs_active_handles_total: 12 } }));
}

describe('rule applicability', () => {
  it('marks the app rules of a foreign server that never exported their metrics not applicable, each saying what it needs', () => {
    const a = analyse(foreignRun(), { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, applicability: { foreign: true, domClients: false, off: [] } });
    const byId = new Map(a.verdict.rules.map((r) => [r.id, r]));
    for (const id of ['presence-maps', 'db-connections', 'server-timers', 'sockets-per-user', 'cooldown-sockets', 'cooldown-presence', 'cooldown-timers'] as const) {
      expect(byId.get(id)?.status, id).toBe('not-applicable');
      expect(byId.get(id)?.evidence.text).toMatch(/never exported/);
    }
    for (const id of ['listeners-per-socket', 'document-listeners'] as const) expect(byId.get(id)?.evidence.text).toMatch(/DOM/);
    expect(a.verdict.reasons.join(' ')).not.toMatch(/presence-maps/);
  });

  it('keeps a missing metric inconclusive on the reference server (it always exports them: something broke)', () => {
    const a = analyse(foreignRun(), { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, applicability: { foreign: false, domClients: true, off: [] } });
    expect(a.verdict.rules.find((r) => r.id === 'presence-maps')?.status).toBe('inconclusive');
    expect(a.verdict.status).toBe('inconclusive');
  });

  it('applies an app rule to a foreign server that exports its metric, and judges it', () => {
    const leaky = makeRun().map((s, i) => ({ ...s, metrics: { ...s.metrics, 'rol_presence_map_entries{map="users"}': 100 + 10 * i } }));
    const rules = analyse(leaky, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, applicability: { foreign: true, domClients: false, off: [] } }).verdict.rules;
    expect(rules.find((r) => r.id === 'presence-maps')?.status).toBe('fail');
  });

  it('lists a rule switched off as not applicable, so it neither fails nor blocks the run', () => {
    const leaky = makeRun().map((s, i) => ({ ...s, metrics: { ...s.metrics, 'rol_presence_map_entries{map="users"}': 100 + 10 * i } }));
    const rules = applyApplicability(
      analyse(leaky, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR }).verdict.rules,
      leaky,
      { foreign: false, domClients: true, off: ['presence-maps'] },
    );
    const r = rules.find((x) => x.id === 'presence-maps');
    expect(r?.status).toBe('not-applicable');
    expect(r?.evidence.text).toMatch(/switched off/);
  });

  it('reads a user\'s own metric names as the contract\'s, labels kept, never over the server\'s own', () => {
    const s = makeRun({ warmup: 1, soak: 1, cooldown: 0 }).map((x) => ({ ...x, metrics: { chat_sockets: 7, 'chat_rooms{room="a"}': 3, rol_db_clients: 1, my_clients: 5 } }));
    const mapped = withContractNames(s, { rol_connected_sockets: 'chat_sockets', rol_presence_map_entries: 'chat_rooms', rol_db_clients: 'my_clients' });
    expect(mapped[0]?.metrics['rol_connected_sockets']).toBe(7);
    expect(mapped[0]?.metrics['rol_presence_map_entries{room="a"}']).toBe(3);
    expect(mapped[0]?.metrics['rol_db_clients']).toBe(1);
  });
});
