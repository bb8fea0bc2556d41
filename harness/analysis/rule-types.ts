/**
 * The result of one rule: pass, fail (the evidence excludes the budget) or inconclusive (a
 * metric is missing, too few samples, or an interval that straddles the budget), with evidence
 * a reviewer can check by hand.
 */
import type { LeakId } from '../../common/leaks.js';

export const RULE_IDS = [
  'heap-slope',
  'heap-cooldown',
  'client-heap',
  'presence-maps',
  'listeners-per-socket',
  'document-listeners',
  'db-connections',
  'server-timers',
  'client-intervals',
  'sockets-per-user',
  'cooldown-sockets',
  'cooldown-presence',
  'cooldown-timers',
  // Generic rules (generic-rules.ts): any Node server, from the inspector alone.
  'rss-slope',
  'external-slope',
  'loop-drift',
  'cpu-per-event',
  'tcp-sockets',
  'handles-cooldown',
  'sockets-cooldown',
  'fds-cooldown',
] as const;

/**
 * Rules of the HTTP load, evaluated after RULE_IDS and only when the run had HTTP load (samples
 * carry `http`): a `--no-http` run simply has no such rules, rather than inconclusive ones.
 */
export const HTTP_RULE_IDS = ['http-latency-drift', 'http-errors'] as const;

export type RuleId = (typeof RULE_IDS)[number] | (typeof HTTP_RULE_IDS)[number];

/**
 * `not-applicable`: the rule cannot apply to this run and says why (applicability.ts): an app
 * rule whose metrics a server of the user's never exported, a DOM rule with socket-only users,
 * a rule switched off in soak.config.ts. It never blocks a pass and is listed as such.
 */
export type RuleStatus = 'pass' | 'fail' | 'inconclusive' | 'not-applicable';

export interface RuleEvidence {
  /** The metric judged (Prometheus key or `client.…` / `server.…` field). */
  readonly metric: string;
  /** The value judged (worst sample, or the slope for slope rules); null when missing. */
  readonly value: number | null;
  /** The limit it was judged against at that sample (budget + tolerance); null when unknown. */
  readonly budget: number | null;
  /** Trend of the metric per simulated hour over the soak, with its 95% interval. */
  readonly slope?: number;
  readonly lo?: number;
  readonly hi?: number;
  /** Bound rules: samples with a reading, and samples where the metric was missing (absent in older reports). */
  readonly readings?: number;
  readonly missing?: number;
  /** Unit of value and budget (slope is that unit per simulated hour). */
  readonly unit: string;
  /** One sentence a reviewer reads: what was seen, where, against what. */
  readonly text: string;
}

export interface RuleResult {
  readonly id: RuleId;
  readonly status: RuleStatus;
  /** The catalogue leak this rule catches (absent for rules no single leak maps to). */
  readonly leak?: LeakId;
  readonly evidence: RuleEvidence;
}
