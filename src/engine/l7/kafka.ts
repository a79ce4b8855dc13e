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

/** `APIKeyMap` of cilium/proxy pkg/policy/api/kafka (the same in the 1.16 and 1.18 agents). */
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
  deleterecords: 21,
  initproducerid: 22,
  offsetforleaderepoch: 23,
  addpartitionstotxn: 24,
  addoffsetstotxn: 25,
  endtxn: 26,
  writetxnmarkers: 27,
  txnoffsetcommit: 28,
  describeacls: 29,
  createacls: 30,
  deleteacls: 31,
  describeconfigs: 32,
  alterconfigs: 33,
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

/** One problem with a Kafka rule, and the field it is about. */
export interface KafkaRuleProblem {
  field: keyof KafkaRule;
  message: string;
}

/** Cilium's longest topic (`MaxTopicLen`: Kafka allows 249 since 0.10, Cilium keeps 255). */
export const KAFKA_MAX_TOPIC_LENGTH = 255;
// `TopicValidChar` is `^[a-zA-Z0-9\\._\\-]+$` in a Go raw string, so besides letters, digits,
// '.', '_' and '-' it also lets a backslash through; kept as the agent has it.
const TOPIC_CHARS = /^[a-zA-Z0-9\\._\\-]+$/;
const MAX_INT16 = 32767;

/**
 * The checks of `PortRule.Sanitize` (cilium/proxy pkg/policy/api/kafka/kafka.go, vendored by the
 * 1.16 and 1.18 agents); the agent rejects the whole policy on any of them.
 */
export function kafkaRuleFieldProblems(rule: KafkaRule): KafkaRuleProblem[] {
  const out: KafkaRuleProblem[] = [];
  if (rule.role && rule.apiKey)
    out.push({ field: 'apiKey', message: 'Kafka rule cannot have both role and apiKey' });
  if (rule.apiKey && KAFKA_API_KEYS[rule.apiKey.toLowerCase()] === undefined)
    out.push({ field: 'apiKey', message: `unknown Kafka apiKey "${rule.apiKey}"` });
  if (rule.role && !ROLES[rule.role.toLowerCase()])
    out.push({
      field: 'role',
      message: `invalid Kafka role "${rule.role}": must be produce or consume`,
    });
  // strconv.ParseInt(v, 10, 16), then n >= 0: an optional sign, decimal digits, 0..32767.
  if (rule.apiVersion !== undefined && rule.apiVersion !== '') {
    const v = rule.apiVersion;
    if (!/^[+-]?\d+$/.test(v) || Number(v) < 0 || Number(v) > MAX_INT16)
      out.push({
        field: 'apiVersion',
        message: `invalid Kafka apiVersion "${v}": must be a number from 0 to ${MAX_INT16}`,
      });
  }
  if (rule.topic) {
    if (new TextEncoder().encode(rule.topic).length > KAFKA_MAX_TOPIC_LENGTH)
      out.push({
        field: 'topic',
        message: `kafka topic exceeds maximum len of ${KAFKA_MAX_TOPIC_LENGTH}`,
      });
    else if (!TOPIC_CHARS.test(rule.topic))
      out.push({
        field: 'topic',
        message: `invalid Kafka topic name "${rule.topic}": only letters, digits, '.', '_' and '-' are allowed`,
      });
  }
  return out;
}

/** Problems Cilium reports for a Kafka rule; empty when valid. */
export function kafkaRuleProblems(rule: KafkaRule): string[] {
  return kafkaRuleFieldProblems(rule).map((p) => p.message);
}

/** Whether one Kafka rule allows a request. */
export function kafkaRuleMatches(rule: KafkaRule, req: KafkaRequest): boolean {
  const key = req.apiKey.toLowerCase();
  if (rule.role) {
    if (!(ROLES[rule.role.toLowerCase()] ?? []).includes(key)) return false;
  } else if (rule.apiKey) {
    if (rule.apiKey.toLowerCase() !== key) return false;
  }
  // The agent compares numbers (`GetAPIVersion`), so "02" and "+2" both mean version 2.
  if (
    rule.apiVersion &&
    (req.apiVersion === undefined || Number(req.apiVersion) !== Number(rule.apiVersion))
  )
    return false;
  if (rule.clientID && req.clientID !== rule.clientID) return false;
  if (rule.topic) for (const t of req.topics) if (t !== rule.topic) return false;
  return true;
}
