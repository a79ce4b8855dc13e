/**
 * A deliberately naive reference evaluator for pod-to-pod L3/L4 verdicts.
 *
 * It exists to check the fast path (policy-index.ts, decide.ts, matrix.ts) in property tests, so
 * it shares none of that code: no identities, no bitsets, no caches. For every question it builds
 * both pods' label sets from scratch and walks every rule of every policy. Only the tiny,
 * separately tested primitives are reused: the pod label set (identity.ts), label indexing
 * (labels.ts), selector matching (selector.ts) and the version table (versions.ts).
 *
 * Numbers (§n) refer to the sections of the semantics brief.
 */
import type { Cluster, Pod } from '../cluster/model.ts';
import { podIdentityLabels } from '../identity.ts';
import { indexLabels, K8S, POD_NAMESPACE_KEY, type LabelIndex } from '../labels.ts';
import type { Policy, PortSpec, Rule } from '../policy/model.ts';
import { compileRequirements, matches, type Requirement } from '../selector.ts';
import type { Direction, EngineOptions, Protocol } from '../types.ts';
import { hasBehaviour } from '../versions.ts';

export interface ReferenceInput {
  cluster: Cluster;
  policies: readonly Policy[];
  options: EngineOptions;
}

/** The outcome of one direction, with a short reason for test failure messages. */
export interface ReferenceDirection {
  allowed: boolean;
  why: string;
}

export interface ReferenceVerdict {
  allowed: boolean;
  egress: ReferenceDirection;
  ingress: ReferenceDirection;
}

/** The label set a pod's security identity carries (§21, §22), ready for matching. */
function labelsOf(input: ReferenceInput, pod: Pod): LabelIndex {
  const ns = input.cluster.namespaces.find((n) => n.name === pod.namespace);
  return indexLabels(podIdentityLabels(pod, ns?.labels ?? {}, input.options.clusterName));
}

/** Whether every requirement holds for the label set. */
function requirementsHold(reqs: readonly Requirement[], labels: LabelIndex): boolean {
  return reqs.every((r) => matches(compileRequirements([r]), labels));
}

/**
 * Whether a `toServices` entry of the rule stands for the peer pod (§38). A service with a
 * selector means its pods from 1.17 on (versions.ts 'toservices-selector'); a selector-less
 * service only ever means CIDRs, which never match a pod (§32).
 */
function serviceSelectsPod(input: ReferenceInput, rule: Rule, peer: Pod, labels: LabelIndex) {
  if (!hasBehaviour(input.options.ciliumVersion, 'toservices-selector')) return false;
  for (const ref of rule.services) {
    for (const svc of input.cluster.services) {
      if (ref.name !== undefined) {
        if (svc.namespace !== ref.namespace || svc.name !== ref.name) continue;
      } else if (ref.selector) {
        if (ref.namespace !== undefined && svc.namespace !== ref.namespace) continue;
        const svcLabels = indexLabels(
          Object.entries(svc.labels).map(([key, value]) => ({ source: K8S, key, value })),
        );
        if (!matches(ref.selector, svcLabels)) continue;
      } else continue;
      const sel = svc.selector;
      if (!sel) continue;
      if (peer.namespace !== svc.namespace) continue;
      const reqs: Requirement[] = Object.entries(sel).map(([key, v]) => ({
        source: K8S,
        key,
        op: 'In',
        values: [v],
      }));
      reqs.push({ source: K8S, key: POD_NAMESPACE_KEY, op: 'In', values: [svc.namespace] });
      if (requirementsHold(reqs, labels)) return true;
    }
  }
  return false;
}

/**
 * Whether the rule's peers include the peer pod. Endpoint selectors must also satisfy the
 * requirements collected from the selecting rules (§29); entities and "every peer" do not.
 * CIDR peers never match a pod (§32).
 */
function peerMatches(
  input: ReferenceInput,
  rule: Rule,
  peer: Pod,
  labels: LabelIndex,
  requires: readonly Requirement[],
): boolean {
  for (const sel of rule.endpoints)
    if (matches(sel, labels) && requirementsHold(requires, labels)) return true;
  for (const sel of rule.aggregated) if (matches(sel, labels)) return true;
  return serviceSelectsPod(input, rule, peer, labels);
}

/** Whether one `ports` entry covers the port (§35, §36). */
function portMatches(
  spec: PortSpec,
  port: number,
  protocol: Protocol,
  namedPortMeans: (name: string, port: number, protocol: Protocol) => boolean,
): boolean {
  if (spec.protocol !== 'ANY' && spec.protocol !== protocol) return false;
  if (spec.name !== undefined) return namedPortMeans(spec.name, port, protocol);
  if (spec.port === 0) return true; // port 0 or missing: every port
  return spec.port <= port && port <= spec.endPort;
}

/** Whether the rule's L4 part covers the port; a rule without `toPorts` covers every port (§17). */
function rulePortsMatch(
  rule: Rule,
  port: number,
  protocol: Protocol,
  namedPortMeans: (name: string, port: number, protocol: Protocol) => boolean,
): boolean {
  if (rule.toPorts === null) return true;
  return rule.toPorts.some((pr) =>
    pr.ports.some((s) => portMatches(s, port, protocol, namedPortMeans)),
  );
}

/**
 * Decides one direction for `local` (the endpoint whose policy applies) talking to `peer`.
 * Order: not selected → allowed (§7); a matching deny → denied (§16); nobody asks for default
 * deny → allowed (§9, §11); a matching allow → allowed (§15, §17); otherwise denied (§8, §10).
 */
export function referenceDirection(
  input: ReferenceInput,
  direction: Direction,
  local: Pod,
  peer: Pod,
  port: number,
  protocol: Protocol,
): ReferenceDirection {
  const localLabels = labelsOf(input, local);
  const peerLabels = labelsOf(input, peer);

  const selecting: Rule[] = [];
  for (const policy of input.policies)
    for (const rule of policy.rules)
      if (rule.direction === direction && matches(rule.subject, localLabels)) selecting.push(rule);
  if (selecting.length === 0) return { allowed: true, why: 'no rule selects it' };

  // §29: fromRequires/toRequires of every selecting rule constrain the endpoint peers of all of
  // them; allow rules and deny rules are pooled separately.
  const allowRequires = selecting.filter((r) => !r.deny).flatMap((r) => r.requires);
  const denyRequires = selecting.filter((r) => r.deny).flatMap((r) => r.requires);

  // §36: on ingress a name means a port of the local pod; on egress, a port of that name on
  // any pod of the cluster.
  const namedPortMeans = (name: string, p: number, proto: Protocol): boolean => {
    const pods = direction === 'ingress' ? [local] : input.cluster.pods;
    return pods.some((pod) =>
      pod.ports.some((c) => c.name === name && c.port === p && c.protocol === proto),
    );
  };

  for (const rule of selecting) {
    if (!rule.deny) continue;
    if (
      peerMatches(input, rule, peer, peerLabels, denyRequires) &&
      rulePortsMatch(rule, port, protocol, namedPortMeans)
    )
      return { allowed: false, why: `denied by ${rule.id}` };
  }

  if (!selecting.some((r) => r.enforces))
    return { allowed: true, why: 'no selecting rule enables default deny' };

  for (const rule of selecting) {
    if (rule.deny) continue;
    if (
      peerMatches(input, rule, peer, peerLabels, allowRequires) &&
      rulePortsMatch(rule, port, protocol, namedPortMeans)
    )
      return { allowed: true, why: `allowed by ${rule.id}` };
  }
  return {
    allowed: false,
    why: `default deny (${selecting
      .filter((r) => r.enforces)
      .map((r) => r.id)
      .join(', ')})`,
  };
}

/** The verdict for `src` opening a connection to `dst` on `port`/`protocol` (§1). */
export function referenceVerdict(
  input: ReferenceInput,
  src: Pod,
  dst: Pod,
  port: number,
  protocol: Protocol,
): ReferenceVerdict {
  if (src === dst) {
    // A pod talking to itself never leaves its network namespace: no policy applies.
    const self = { allowed: true, why: 'same pod' };
    return { allowed: true, egress: self, ingress: self };
  }
  const egress = referenceDirection(input, 'egress', src, dst, port, protocol);
  const ingress = referenceDirection(input, 'ingress', dst, src, port, protocol);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}
