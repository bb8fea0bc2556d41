/**
 * Which rules apply to a run. The reference server exports every metric its rules read, so there
 * a rule whose metric is missing is inconclusive (something broke). A server of the user's
 * (`--target`) exports only what it chose to: an app rule whose metrics it never exported in any
 * sample is not applicable (listed with what it would need: docs/metrics-contract.md), not
 * inconclusive, so a healthy foreign server can pass on the rules that do apply. The DOM rules
 * (listeners per socket, document listeners) need the reference client's React components, so
 * they do not apply to socket-only users or an outside load; rules that need the load's own
 * counts do not apply to an outside load. A rule switched off in soak.config.ts does not apply
 * either, and says so. Pure.
 */
import type { Sample } from '../sample.js';
import type { RuleId, RuleResult } from './rule-types.js';

export interface ApplicabilityOptions {
  /** The server is not the reference app rol-soak started (`--target`). */
  readonly foreign: boolean;
  /** The virtual users are the reference client's React components (DOM counts exist). */
  readonly domClients: boolean;
  /** Rules switched off in soak.config.ts (`rules: { id: 'off' }`). */
  readonly off: readonly RuleId[];
}

/** App rules and the metrics each reads (any one of them exported makes the rule apply). */
const APP_METRICS: Partial<Readonly<Record<RuleId, readonly string[]>>> = {
  'presence-maps': ['rol_presence_map_entries'],
  'db-connections': ['rol_db_connections'],
  'server-timers': ['rol_sim_timers', 'rol_active_timers'],
  'sockets-per-user': ['rol_sockets_per_user_max'],
  'cooldown-sockets': ['rol_connected_sockets'],
  'cooldown-presence': ['rol_presence_map_entries'],
  'cooldown-timers': ['rol_sim_timers', 'rol_active_timers'],
};

/** Rules that read the reference client's DOM (its React components in happy-dom). */
const DOM_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['listeners-per-socket', 'document-listeners']);

/** Rules that read the load's own counts of its users (none with an outside load). */
const LOAD_COUNT_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['client-intervals', 'tcp-sockets']);

/** True when any sample carries `name` or a labelled variant of it. */
function exported(samples: readonly Sample[], name: string): boolean {
  return samples.some((s) => Object.keys(s.metrics).some((k) => k === name || k.startsWith(`${name}{`)));
}

/** Why a rule does not apply to this run, or null when it does. */
export function notApplicableReason(id: RuleId, samples: readonly Sample[], o: ApplicabilityOptions): string | null {
  if (o.off.includes(id)) return 'switched off in soak.config.ts (rules)';
  if (DOM_RULES.has(id) && !o.domClients) return 'needs the reference client\'s DOM (its React components); these users are socket-only or an outside load';
  // Socket-only users are rol-soak's own code, not the app's: their heap says nothing of it.
  if (id === 'client-heap' && !o.domClients) return 'judges the reference client\'s pages in happy-dom; these users are rol-soak\'s socket-only users, not your app\'s code';
  if (LOAD_COUNT_RULES.has(id) && !samples.some((s) => s.client)) return 'needs the load\'s own counts of its users; an outside load gives none';
  const metrics = APP_METRICS[id];
  if (o.foreign && metrics && !metrics.some((m) => exported(samples, m))) {
    return `needs ${metrics.join(' or ')}, which this server never exported (docs/metrics-contract.md; or map your own metric in soak.config.ts metricNames)`;
  }
  return null;
}

/** The rules with the ones that do not apply to this run marked not-applicable, each with its reason. */
export function applyApplicability(rules: readonly RuleResult[], samples: readonly Sample[], o: ApplicabilityOptions): RuleResult[] {
  return rules.map((r) => {
    const why = notApplicableReason(r.id, samples, o);
    if (why === null) return r;
    return { ...r, status: 'not-applicable', evidence: { ...r.evidence, text: `not applicable: ${why}` } };
  });
}
