/**
 * Kafka rules (brief §50; Documentation/security/policy layer7.rst "Kafka (beta)"; cilium/proxy
 * pkg/policy/api/kafka). Deprecated, and removed in Cilium 1.20.
 *
 * 1. `role: produce` = produce, metadata, apiversions; `role: consume` = fetch, offsets, metadata,
 *    offsetcommit, offsetfetch, findcoordinator, joingroup, heartbeat, leavegroup, syncgroup,
 *    apiversions. `apiKey` names one key; role and apiKey cannot be combined. Case-insensitive.
 * 2. `apiVersion` and `clientID` must be equal when given.
 * 3. `topic` must equal every topic of the request; requests without topics ignore it.
 */

export const KAFKA_API_KEYS: Record<string, number> = {
  produce: 0,
  fetch: 1,
  offsets: 2,
  metadata: 3,
  leaderandisr: 4,
  stopreplica: 5,
  updatemetadata: 6,
  controlledshutdown: 7,
  offsetcommit: 8,
  offsetfetch: 9,
  findcoordinator: 10,
  joingroup: 11,
  heartbeat: 12,
  leavegroup: 13,
  syncgroup: 14,
  describegroups: 15,
  listgroups: 16,
  saslhandshake: 17,
  apiversions: 18,
  createtopics: 19,
  deletetopics: 20,
};

const ROLES: Record<string, string[]> = {
  produce: ['produce', 'metadata', 'apiversions'],
  consume: [
    'fetch',
    'offsets',
    'metadata',
    'offsetcommit',
    'offsetfetch',
    'findcoordinator',
    'joingroup',
    'heartbeat',
    'leavegroup',
    'syncgroup',
    'apiversions',
  ],
};

export interface KafkaRule {
  role?: string;
  apiKey?: string;
  apiVersion?: string;
  clientID?: string;
  topic?: string;
}

export interface KafkaRequest {
  apiKey: string;
  apiVersion?: number | string;
  clientID?: string;
  topics: string[];
}

/** Problems Cilium reports for a Kafka rule; empty when valid. */
export function kafkaRuleProblems(rule: KafkaRule): string[] {
  const out: string[] = [];
  if (rule.role && rule.apiKey) out.push('Kafka rule cannot have both role and apiKey');
  if (rule.role && !ROLES[rule.role.toLowerCase()])
    out.push(`invalid Kafka role "${rule.role}": must be produce or consume`);
  if (rule.apiKey && KAFKA_API_KEYS[rule.apiKey.toLowerCase()] === undefined)
    out.push(`unknown Kafka apiKey "${rule.apiKey}"`);
  if (rule.apiVersion !== undefined && rule.apiVersion !== '' && !/^\d+$/.test(rule.apiVersion))
    out.push(`invalid Kafka apiVersion "${rule.apiVersion}"`);
  return out;
}

/** Whether one Kafka rule allows a request. */
export function kafkaRuleMatches(rule: KafkaRule, req: KafkaRequest): boolean {
  const key = req.apiKey.toLowerCase();
  if (rule.role) {
    if (!(ROLES[rule.role.toLowerCase()] ?? []).includes(key)) return false;
  } else if (rule.apiKey) {
    if (rule.apiKey.toLowerCase() !== key) return false;
  }
  if (rule.apiVersion && String(req.apiVersion ?? '') !== rule.apiVersion) return false;
  if (rule.clientID && req.clientID !== rule.clientID) return false;
  if (rule.topic) for (const t of req.topics) if (t !== rule.topic) return false;
  return true;
}
