/**
 * Stage 3: policy objects → normalised rules.
 *
 * Kubernetes NetworkPolicy is translated the way Cilium translates it (pkg/k8s/network_policy.go
 * `ParseNetworkPolicy`); Cilium policies get the namespace scoping of
 * pkg/k8s/apis/cilium.io/utils/utils.go and the checks of pkg/policy/api/rule_validation.go.
 * Numbers in comments refer to the sections of the semantics brief.
 */
import type { CiliumVersion, Diagnostic, EngineOptions, SourceRange } from '../types.ts';
import type { FieldPath, RawObject } from '../yaml/documents.ts';
import { formatPath } from '../yaml/documents.ts';
import {
  ANY,
  K8S,
  NAMESPACE_LABELS_PREFIX,
  POD_NAMESPACE_KEY,
  RESERVED,
  CLUSTER_KEY,
} from '../labels.ts';
import {
  compileRequirements,
  selectorRequirements,
  type CompiledSelector,
  type LabelSelectorSpec,
  type Requirement,
} from '../selector.ts';
import { cidrWithin, parseCidr, type Cidr } from '../ip.ts';
import { isValidMatchName, isValidMatchPattern } from '../l7/dns.ts';
import { kafkaRuleFieldProblems, type KafkaRule } from '../l7/kafka.ts';
import { compileRegex } from '../l7/regex.ts';
import { hasBehaviour } from '../versions.ts';
import {
  check,
  ciliumPolicyObject,
  networkPolicyObject,
  type SchemaIssue,
} from '../validate/schema.ts';
import type {
  CidrSpec,
  Policy,
  PolicyKind,
  PolicyRef,
  PortRule,
  PortSpec,
  Rule,
  Section,
  ServiceRef,
} from './model.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const POLICY_KINDS = new Set<string>([
  'NetworkPolicy',
  'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
]);

/** A policy's stable key, `kind/namespace/name`; the namespace is empty for a clusterwide one. */
export function policyKey(ref: PolicyRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

/** Result of normalising one policy object. */
export interface NormaliseResult {
  /** Absent when the policy is invalid: the API server or the agent would not enforce it. */
  policy?: Policy;
  diagnostics: Diagnostic[];
}

/** Collects diagnostics for one object with its identity and positions. */
class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    private readonly raw: RawObject,
    private readonly ref: PolicyRef,
  ) {}
  add(
    severity: Diagnostic['severity'],
    code: string,
    path: FieldPath,
    message: string,
    part: 'key' | 'value' = 'value',
  ): void {
    this.diagnostics.push({
      severity,
      code,
      message,
      range: this.raw.locate(path, part),
      kind: this.ref.kind,
      ...(this.ref.namespace !== undefined ? { namespace: this.ref.namespace } : {}),
      name: this.ref.name,
      path: formatPath(path),
    });
  }
  get hasErrors(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
  range(path: FieldPath): SourceRange {
    return this.raw.locate(path);
  }
}

function fromSchema(rep: Reporter, issues: SchemaIssue[]): void {
  for (const i of issues) rep.add('error', i.code, i.path, i.message, i.part);
}

/** Validates label selector operators/values the way the API server and Cilium do (19). */
function checkSelector(rep: Reporter, sel: unknown, path: FieldPath): void {
  if (!isObj(sel)) return;
  arr(sel.matchExpressions).forEach((e, i) => {
    if (!isObj(e)) return;
    const op = e.operator;
    const values = arr(e.values);
    if ((op === 'In' || op === 'NotIn') && values.length === 0)
      rep.add(
        'error',
        'invalid-selector',
        [...path, 'matchExpressions', i, 'values'],
        `${formatPath([...path, 'matchExpressions', i, 'values'])}: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
      );
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0)
      rep.add(
        'error',
        'invalid-selector',
        [...path, 'matchExpressions', i, 'values'],
        `${formatPath([...path, 'matchExpressions', i, 'values'])}: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`,
      );
  });
}

/** Pods of one namespace. */
export function nsReq(namespace: string): Requirement {
  return { source: K8S, key: POD_NAMESPACE_KEY, op: 'In', values: [namespace] };
}
/** Pods of any namespace: what an empty NetworkPolicy namespaceSelector selects (51). */
export const NS_EXISTS: Requirement = {
  source: K8S,
  key: POD_NAMESPACE_KEY,
  op: 'Exists',
  values: [],
};

/** A NetworkPolicy podSelector: every key, as written, is a Kubernetes label. */
export function knpPodRequirements(sel: unknown): Requirement[] {
  return selectorRequirements(sel as LabelSelectorSpec, { forceSource: K8S });
}

/**
 * A NetworkPolicy namespaceSelector as Cilium translates it (51): its keys become namespace
 * labels, and an empty one selects pods of every namespace.
 */
export function knpNamespaceRequirements(sel: unknown): Requirement[] {
  const reqs = selectorRequirements(isObj(sel) ? (sel as LabelSelectorSpec) : {}, {
    forceSource: K8S,
    keyPrefix: NAMESPACE_LABELS_PREFIX,
  });
  return reqs.length > 0 ? reqs : [NS_EXISTS];
}
const WILDCARD = compileRequirements([{ source: RESERVED, key: 'all', op: 'In', values: [''] }]);

function reservedSel(name: string): CompiledSelector {
  return compileRequirements([{ source: RESERVED, key: name, op: 'In', values: [''] }]);
}

/**
 * Entity → selectors (30). `cluster` covers every pod of this cluster plus the in-cluster
 * reserved identities; `all` is the wildcard; `none` selects nothing.
 */
export function entitySelectors(entity: string, clusterName: string): CompiledSelector[] {
  switch (entity) {
    case 'all':
      return [WILDCARD];
    case 'none':
      return [];
    case 'cluster':
      return [
        ...['host', 'remote-node', 'init', 'ingress', 'health', 'unmanaged', 'kube-apiserver'].map(
          reservedSel,
        ),
        compileRequirements([{ source: K8S, key: CLUSTER_KEY, op: 'In', values: [clusterName] }]),
      ];
    default:
      return [reservedSel(entity)];
  }
}

/**
 * A Cilium peer selector with namespace scoping (24, 25): a namespaced policy adds its own
 * namespace unless the selector names the namespace key or, from 1.16, a namespace label; a
 * clusterwide policy adds "some namespace" so that only pods match. Reserved keys are left alone.
 */
function ciliumPeerSelector(
  spec: LabelSelectorSpec,
  namespace: string | undefined,
): CompiledSelector {
  const reqs = selectorRequirements(spec);
  if (reqs.some((r) => r.source === RESERVED)) return compileRequirements(reqs);
  const namesNs = reqs.some(
    (r) => r.key === POD_NAMESPACE_KEY && (r.source === K8S || r.source === ANY),
  );
  const namesNsLabel = reqs.some((r) => r.key.startsWith(NAMESPACE_LABELS_PREFIX));
  if (!namesNs && !namesNsLabel) reqs.push(namespace === undefined ? NS_EXISTS : nsReq(namespace));
  return compileRequirements(reqs);
}

/** Requirements written in fromRequires/toRequires, scoped the same way as peers (29). */
function requirementsOf(list: unknown, namespace: string | undefined): Requirement[] {
  const out: Requirement[] = [];
  for (const s of arr(list))
    if (isObj(s)) out.push(...ciliumPeerSelector(s as LabelSelectorSpec, namespace).requirements);
  return out;
}

function parsePortSpec(
  rep: Reporter,
  p: Obj,
  path: FieldPath,
  opts: { knp: boolean },
): PortSpec | null {
  const protoRaw = p.protocol;
  const protocol = (opts.knp ? (protoRaw ?? 'TCP') : (protoRaw ?? 'ANY')) as string;
  if (protocol === 'ICMP' || protocol === 'ICMPV6' || protocol === 'VRRP' || protocol === 'IGMP') {
    rep.add(
      'info',
      'unsupported-protocol',
      [...path, 'protocol'],
      `protocol ${protocol} is not simulated; this port entry matches no TCP, UDP or SCTP traffic`,
    );
    return null;
  }
  const raw = p.port;
  let port = 0;
  let name: string | undefined;
  if (raw === undefined || raw === null || raw === '') port = 0;
  else if (typeof raw === 'number' || /^\d+$/.test(String(raw))) port = Number(raw);
  else name = String(raw);
  if (opts.knp) {
    if (name === undefined && raw !== undefined && raw !== null && (port < 1 || port > 65535))
      rep.add(
        'error',
        'invalid-port',
        [...path, 'port'],
        `${formatPath([...path, 'port'])}: Invalid value: ${port}: must be between 1 and 65535, inclusive`,
      );
    if (
      name !== undefined &&
      !/^(?=.{1,15}$)(?!-)(?!.*--)[a-z0-9-]*[a-z][a-z0-9-]*(?<!-)$/.test(name)
    )
      rep.add(
        'error',
        'invalid-port',
        [...path, 'port'],
        `${formatPath([...path, 'port'])}: Invalid value: "${name}": must be a valid port name (IANA_SVC_NAME: at most 15 lowercase letters, digits and '-', at least one letter)`,
      );
  }
  let endPort = port;
  if (p.endPort !== undefined && p.endPort !== null) {
    const e = Number(p.endPort);
    if (name !== undefined) {
      if (opts.knp)
        rep.add(
          'error',
          'invalid-port',
          [...path, 'endPort'],
          `${formatPath([...path, 'endPort'])}: Invalid value: ${e}: may not be specified when \`port\` is non-numeric`,
        );
    } else if (opts.knp && (raw === undefined || raw === null)) {
      rep.add(
        'error',
        'invalid-port',
        [...path, 'endPort'],
        `${formatPath([...path, 'endPort'])}: Invalid value: ${e}: may not be specified when \`port\` is not specified`,
      );
    } else if (e < port) {
      rep.add(
        'error',
        'invalid-port',
        [...path, 'endPort'],
        `${formatPath([...path, 'endPort'])}: Invalid value: ${e}: must be greater than or equal to \`port\` (${port})`,
      );
    } else if (port !== 0) endPort = e;
  }
  return {
    port,
    endPort,
    ...(name !== undefined ? { name } : {}),
    protocol: protocol as PortSpec['protocol'],
  };
}

function parseCidrEntry(
  rep: Reporter,
  item: unknown,
  p: FieldPath,
  set: boolean,
  knp: boolean,
): CidrSpec | null {
  let cidrText: unknown = item;
  let except: unknown[] = [];
  if (set) {
    if (!isObj(item)) return null;
    if (item.cidrGroupRef !== undefined || item.cidrGroupSelector !== undefined) {
      rep.add(
        'warning',
        'unsupported-field',
        p,
        'CIDR groups are not simulated; this entry selects nothing',
      );
      return null;
    }
    cidrText = item.cidr;
    except = arr(item.except);
  }
  const cp = set ? [...p, 'cidr'] : p;
  const cidr = typeof cidrText === 'string' ? parseCidr(cidrText, !knp) : null;
  if (!cidr) {
    rep.add(
      'error',
      'invalid-cidr',
      cp,
      `${formatPath(cp)}: Invalid value: "${String(cidrText)}": must be a valid CIDR, e.g. 10.0.0.0/8`,
    );
    return null;
  }
  const ex: Cidr[] = [];
  except.forEach((e, j) => {
    const ep = [...p, 'except', j];
    const c = typeof e === 'string' ? parseCidr(e, !knp) : null;
    if (!c) {
      rep.add(
        'error',
        'invalid-cidr',
        ep,
        `${formatPath(ep)}: Invalid value: "${String(e)}": must be a valid CIDR`,
      );
      return;
    }
    if (!cidrWithin(c, cidr) || (knp && c.bits === cidr.bits)) {
      rep.add(
        'error',
        'invalid-cidr',
        ep,
        knp
          ? `${formatPath(ep)}: Invalid value: "${String(e)}": must be a strict subset of \`cidr\``
          : `allow CIDR prefix ${cidr.text} does not contain exclude CIDR prefix ${String(e)}`,
      );
      return;
    }
    ex.push(c);
  });
  return { cidr, except: ex };
}

function parseCidrList(rep: Reporter, items: unknown, path: FieldPath, set: boolean): CidrSpec[] {
  const out: CidrSpec[] = [];
  arr(items).forEach((item, i) => {
    const c = parseCidrEntry(rep, item, [...path, i], set, false);
    if (c) out.push(c);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Kubernetes NetworkPolicy (51–53)

function normaliseKnp(raw: RawObject, obj: Obj, ref: PolicyRef, rep: Reporter): Policy | undefined {
  const issues: SchemaIssue[] = [];
  check(obj, networkPolicyObject, [], issues);
  fromSchema(rep, issues);
  const spec = isObj(obj.spec) ? obj.spec : {};
  const ns = ref.namespace ?? 'default';
  checkSelector(rep, spec.podSelector, ['spec', 'podSelector']);

  const rules: Rule[] = [];
  const subject = compileRequirements([...knpPodRequirements(spec.podSelector), nsReq(ns)]);
  const key = policyKey(ref);

  const peerOf = (
    peer: unknown,
    path: FieldPath,
  ): { endpoints: CompiledSelector[]; cidrs: CidrSpec[] } => {
    if (!isObj(peer)) return { endpoints: [], cidrs: [] };
    const hasSel = peer.podSelector != null || peer.namespaceSelector != null;
    const hasIp = peer.ipBlock != null;
    if (hasSel && hasIp)
      rep.add(
        'error',
        'invalid-peer',
        path,
        `${formatPath(path)}: Forbidden: may not specify more than 1 peer type`,
      );
    if (!hasSel && !hasIp)
      rep.add(
        'error',
        'invalid-peer',
        path,
        `${formatPath(path)}: Required value: must specify a peer`,
      );
    checkSelector(rep, peer.podSelector, [...path, 'podSelector']);
    checkSelector(rep, peer.namespaceSelector, [...path, 'namespaceSelector']);
    const endpoints: CompiledSelector[] = [];
    if (peer.namespaceSelector != null) {
      endpoints.push(
        compileRequirements([
          ...knpNamespaceRequirements(peer.namespaceSelector),
          ...knpPodRequirements(peer.podSelector),
        ]),
      );
    } else if (peer.podSelector != null) {
      endpoints.push(compileRequirements([...knpPodRequirements(peer.podSelector), nsReq(ns)]));
    }
    const cidrs: CidrSpec[] = [];
    if (isObj(peer.ipBlock)) {
      const c = parseCidrEntry(rep, peer.ipBlock, [...path, 'ipBlock'], true, true);
      if (c) cidrs.push(c);
    }
    return { endpoints, cidrs };
  };

  const sectionRules = (section: 'ingress' | 'egress'): void => {
    const peerKey = section === 'ingress' ? 'from' : 'to';
    const list = arr(spec[section]);
    list.forEach((r, i) => {
      const rule = isObj(r) ? r : {};
      const path: FieldPath = ['spec', section, i];
      const portsRaw = arr(rule.ports);
      const ports: PortSpec[] = [];
      portsRaw.forEach((p, j) => {
        if (!isObj(p)) return;
        const ps = parsePortSpec(rep, p, [...path, 'ports', j], { knp: true });
        if (ps) ports.push(ps);
      });
      const toPorts: PortRule[] | null =
        portsRaw.length > 0 ? [{ ports, l7: null, range: rep.range([...path, 'ports']) }] : null;
      const peers = arr(rule[peerKey]);
      const base = {
        direction: section,
        deny: false,
        subject,
        services: [] as ServiceRef[],
        fqdns: [],
        requires: [],
        toPorts,
        enforces: true,
      };
      if (peers.length === 0) {
        // No from/to: every source or destination, world included (51).
        rules.push({
          ...base,
          id: `${key}#${section}[${i}]`,
          origin: { policy: ref, section, index: i, range: rep.range(path) },
          endpoints: [],
          aggregated: [WILDCARD],
          cidrs: [],
        });
        return;
      }
      peers.forEach((peer, j) => {
        const pp: FieldPath = [...path, peerKey, j];
        const { endpoints, cidrs } = peerOf(peer, pp);
        rules.push({
          ...base,
          id: `${key}#${section}[${i}].${peerKey}[${j}]`,
          origin: { policy: ref, section, index: i, peerIndex: j, range: rep.range(path) },
          endpoints,
          aggregated: [],
          cidrs,
        });
      });
    });
  };
  sectionRules('ingress');
  sectionRules('egress');

  // Default deny (52): ingress unless the policy is explicitly egress-only; egress when listed.
  const types = arr(spec.policyTypes).map(String);
  const pushDenyAll = (section: 'ingress' | 'egress') =>
    rules.push({
      id: `${key}#${section}:isolation`,
      origin: { policy: ref, section, index: -1, range: rep.range(['spec', 'policyTypes']) },
      direction: section,
      deny: false,
      subject,
      endpoints: [],
      aggregated: [],
      cidrs: [],
      services: [],
      fqdns: [],
      requires: [],
      toPorts: null,
      enforces: true,
    });
  if (arr(spec.ingress).length === 0 && (types.includes('Ingress') || !types.includes('Egress')))
    pushDenyAll('ingress');
  if (arr(spec.egress).length === 0 && types.includes('Egress')) pushDenyAll('egress');

  if (rep.hasErrors) return undefined;
  return { key, ref, file: raw.file, range: raw.locate([]), rules, subjects: [subject] };
}

// ---------------------------------------------------------------------------------------------
// CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy

const INGRESS_PEERS = [
  'fromEndpoints',
  'fromCIDR',
  'fromCIDRSet',
  'fromEntities',
  'fromNodes',
  'fromGroups',
] as const;
const EGRESS_PEERS = [
  'toEndpoints',
  'toCIDR',
  'toCIDRSet',
  'toEntities',
  'toServices',
  'toGroups',
  'toNodes',
  'toFQDNs',
] as const;

function normaliseCilium(
  raw: RawObject,
  obj: Obj,
  ref: PolicyRef,
  rep: Reporter,
  options: EngineOptions,
): Policy | undefined {
  const issues: SchemaIssue[] = [];
  check(obj, ciliumPolicyObject, [], issues);
  fromSchema(rep, issues);
  if (rep.hasErrors) return undefined;

  const clusterwide = ref.kind === 'CiliumClusterwideNetworkPolicy';
  const ns = clusterwide ? undefined : (ref.namespace ?? 'default');
  const key = policyKey(ref);
  const specs: { spec: Obj; path: FieldPath; specIndex?: number }[] = [];
  if (isObj(obj.spec)) specs.push({ spec: obj.spec, path: ['spec'] });
  arr(obj.specs).forEach((s, k) => {
    if (isObj(s)) specs.push({ spec: s, path: ['specs', k], specIndex: k });
  });
  if (specs.length === 0) {
    rep.add('error', 'invalid-policy', [], `invalid ${ref.kind}: it has neither spec nor specs`);
    return undefined;
  }

  const rules: Rule[] = [];
  const subjects: CompiledSelector[] = [];
  const version = options.ciliumVersion;
  for (const { spec, path, specIndex } of specs) {
    const hasEp = spec.endpointSelector != null;
    const hasNode = spec.nodeSelector != null;
    // Agent-side checks (6): the policy is logged and ignored when any fails.
    if (hasEp && hasNode)
      rep.add(
        'error',
        'invalid-policy',
        path,
        'rule cannot have both EndpointSelector and NodeSelector',
      );
    else if (!hasEp && !hasNode)
      rep.add(
        'error',
        'invalid-policy',
        path,
        'rule must have one of EndpointSelector or NodeSelector',
      );
    if (hasNode && !clusterwide)
      rep.add(
        'error',
        'invalid-policy',
        [...path, 'nodeSelector'],
        'CiliumNetworkPolicy cannot use nodeSelector: host policies exist only as CiliumClusterwideNetworkPolicy',
      );
    const sections: Section[] = ['ingress', 'ingressDeny', 'egress', 'egressDeny'];
    const nonEmpty = sections.filter((s) => arr(spec[s]).length > 0);
    // 9: a rule with no non-empty section is rejected from 1.18 on; earlier it is a no-op.
    if (nonEmpty.length === 0 && hasBehaviour(version, 'empty-rule-rejected'))
      rep.add(
        'error',
        'invalid-policy',
        path,
        'rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny',
      );
    checkSelector(rep, spec.endpointSelector, [...path, 'endpointSelector']);

    if (hasNode && clusterwide) {
      // 28: host policies need the host firewall, which a default install does not enable.
      rep.add(
        'info',
        'host-policy',
        [...path, 'nodeSelector'],
        'nodeSelector makes this a host policy, which needs the host firewall (off by default): it has no effect on pods',
      );
      continue;
    }
    if (!hasEp) continue;

    const epReqs = selectorRequirements(spec.endpointSelector as LabelSelectorSpec);
    if (ns !== undefined) epReqs.push(nsReq(ns)); // 23
    const subject = compileRequirements(epReqs);
    subjects.push(subject);
    const dd = isObj(spec.enableDefaultDeny) ? spec.enableDefaultDeny : {};

    for (const section of sections) {
      const direction = section.startsWith('ingress') ? 'ingress' : 'egress';
      const deny = section.endsWith('Deny');
      const peerKinds = direction === 'ingress' ? INGRESS_PEERS : EGRESS_PEERS;
      const enforces = dd[direction] !== false; // 11
      arr(spec[section]).forEach((r, i) => {
        const rule = isObj(r) ? r : {};
        const rp: FieldPath = [...path, section, i];
        // 34, 47: one kind of L3 peer per rule, toFQDNs included. The agent counts non-empty
        // lists only (rule_validation.go `IngressRule.sanitize`/`EgressRule.sanitize`: `len(...) > 0`),
        // so an explicitly empty list may sit next to another kind.
        const present = peerKinds.filter((k) => rule[k] !== undefined && rule[k] !== null);
        const used = present.filter((k) => arr(rule[k]).length > 0);
        if (used.length > 1)
          rep.add(
            'error',
            'invalid-policy',
            [...rp, used[1]!],
            `Combining ${used[0]} and ${used[1]} is not supported yet`,
            'key',
          );

        const endpoints: CompiledSelector[] = [];
        const aggregated: CompiledSelector[] = [];
        let cidrs: CidrSpec[] = [];
        const services: ServiceRef[] = [];
        const fqdns: { matchName?: string; matchPattern?: string }[] = [];
        const epKey = direction === 'ingress' ? 'fromEndpoints' : 'toEndpoints';
        arr(rule[epKey]).forEach((s, j) => {
          checkSelector(rep, s, [...rp, epKey, j]);
          if (isObj(s)) endpoints.push(ciliumPeerSelector(s as LabelSelectorSpec, ns));
        });
        const entKey = direction === 'ingress' ? 'fromEntities' : 'toEntities';
        for (const e of arr(rule[entKey]))
          aggregated.push(...entitySelectors(String(e), options.clusterName));
        const cidrKey = direction === 'ingress' ? 'fromCIDR' : 'toCIDR';
        cidrs = cidrs.concat(parseCidrList(rep, rule[cidrKey], [...rp, cidrKey], false));
        const setKey = direction === 'ingress' ? 'fromCIDRSet' : 'toCIDRSet';
        cidrs = cidrs.concat(parseCidrList(rep, rule[setKey], [...rp, setKey], true));
        const nodesKey = direction === 'ingress' ? 'fromNodes' : 'toNodes';
        if (arr(rule[nodesKey]).length > 0)
          rep.add(
            'info',
            'needs-option',
            [...rp, nodesKey],
            `${nodesKey} needs the agent option enable-node-selector-labels (off by default): it selects nothing here`,
            'key',
          );
        const groupsKey = direction === 'ingress' ? 'fromGroups' : 'toGroups';
        if (arr(rule[groupsKey]).length > 0)
          rep.add(
            'info',
            'unsupported-field',
            [...rp, groupsKey],
            `${groupsKey} refers to a cloud provider's groups, which the simulated cluster has none of: it selects nothing`,
            'key',
          );
        arr(rule.toServices).forEach((s, j) => {
          if (!isObj(s)) return;
          if (isObj(s.k8sService)) {
            services.push({
              namespace:
                typeof s.k8sService.namespace === 'string' && s.k8sService.namespace !== ''
                  ? s.k8sService.namespace
                  : (ns ?? 'default'),
              name: String(s.k8sService.serviceName ?? ''),
            });
          } else if (isObj(s.k8sServiceSelector)) {
            const sel = s.k8sServiceSelector;
            checkSelector(rep, sel.selector, [
              ...rp,
              'toServices',
              j,
              'k8sServiceSelector',
              'selector',
            ]);
            services.push({
              ...(typeof sel.namespace === 'string' && sel.namespace !== ''
                ? { namespace: sel.namespace }
                : ns !== undefined
                  ? { namespace: ns }
                  : {}),
              selector: compileRequirements(
                selectorRequirements(sel.selector as LabelSelectorSpec),
              ),
            });
          }
        });
        arr(rule.toFQDNs).forEach((f, j) => {
          if (!isObj(f)) return;
          checkFqdnSelector(rep, f, [...rp, 'toFQDNs', j], true);
          fqdns.push({
            ...(typeof f.matchName === 'string' ? { matchName: f.matchName } : {}),
            ...(typeof f.matchPattern === 'string' ? { matchPattern: f.matchPattern } : {}),
          });
        });
        const reqKey = direction === 'ingress' ? 'fromRequires' : 'toRequires';
        const requires = requirementsOf(rule[reqKey], ns);

        // toPorts (35): absent or empty = no L4 part.
        let toPorts: PortRule[] | null = null;
        const tp = arr(rule.toPorts);
        if (tp.length > 0) {
          toPorts = [];
          tp.forEach((entry, j) => {
            if (!isObj(entry)) return;
            const ep: FieldPath = [...rp, 'toPorts', j];
            const portList = arr(entry.ports);
            const ports: PortSpec[] = [];
            portList.forEach((p, k) => {
              if (!isObj(p)) return;
              const ps = parsePortSpec(rep, p, [...ep, 'ports', k], { knp: false });
              if (ps) ports.push(ps);
            });
            // A toPorts entry without ports covers every port (all protocols).
            if (portList.length === 0) ports.push({ port: 0, endPort: 0, protocol: 'ANY' });
            const l7 = isObj(entry.rules) ? entry.rules : null;
            if (l7) checkL7(rep, entry, l7, ep, direction, version);
            const l7Ranges = l7 ? l7RangesOf(rep, l7, ep) : undefined;
            toPorts!.push({ ports, l7, range: rep.range(ep), ...(l7Ranges ? { l7Ranges } : {}) });
          });
          if (!hasBehaviour(version, 'toservices-with-toports') && arr(rule.toServices).length > 0)
            rep.add(
              'error',
              'invalid-policy',
              [...rp, 'toPorts'],
              'toServices cannot be combined with toPorts in Cilium 1.16',
              'key',
            );
        } else if (arr(rule.icmps).length > 0) {
          toPorts = []; // ICMP only: no TCP/UDP/SCTP port matches.
        }

        // 17: no peer at all (but ports) = every peer; an explicitly empty peer list = none.
        if (present.length === 0 && (tp.length > 0 || arr(rule.icmps).length > 0))
          aggregated.push(WILDCARD);

        rules.push({
          id: `${key}#${specIndex !== undefined ? `specs[${specIndex}].` : ''}${section}[${i}]`,
          origin: {
            policy: ref,
            section,
            ...(specIndex !== undefined ? { specIndex } : {}),
            index: i,
            range: rep.range(rp),
          },
          direction,
          deny,
          subject,
          endpoints,
          aggregated,
          cidrs,
          services,
          fqdns,
          requires,
          toPorts,
          enforces,
        });
      });
    }
  }
  if (rep.hasErrors) return undefined;
  return { key, ref, file: raw.file, range: raw.locate([]), rules, subjects };
}

/**
 * A `matchName`/`matchPattern` selector of `toFQDNs` or `rules.dns` (46, 47). Both use the CRD
 * type FQDNSelector (pkg/policy/api/fqdn.go): `+kubebuilder:validation:OneOf` on the two fields,
 * so the API server wants exactly one, and each has a `Pattern` (l7/dns.ts). The agent's own
 * checks (`FQDNSelector.sanitize`, `PortRuleDNS.Sanitize`) are weaker versions of the same.
 */
function checkFqdnSelector(rep: Reporter, sel: Obj, path: FieldPath, toFqdns: boolean): void {
  const name = typeof sel.matchName === 'string' ? sel.matchName : undefined;
  const pattern = typeof sel.matchPattern === 'string' ? sel.matchPattern : undefined;
  const where = toFqdns ? 'toFQDNs' : 'DNS rule';
  if (name !== undefined && pattern !== undefined)
    // FQDNSelector.sanitize (1.16–1.20): "only one of MatchName or MatchPattern is allowed".
    rep.add(
      'error',
      'invalid-policy',
      [...path, 'matchPattern'],
      `only one of matchName or matchPattern is allowed in a ${where} selector`,
      'key',
    );
  else if (name === undefined && pattern === undefined)
    // CRD oneOf: a selector with neither field matches no branch.
    rep.add(
      'error',
      'invalid-policy',
      path,
      `a ${where} selector needs one of matchName or matchPattern`,
    );
  if (name !== undefined && !isValidMatchName(name))
    // CRD Pattern `^([-a-zA-Z0-9_]+[.]?)+$`; fqdn.go allowedMatchNameChars.
    rep.add(
      'error',
      'invalid-policy',
      [...path, 'matchName'],
      `invalid matchName "${name}": only letters, digits, '-' and '_' in labels separated by single dots are allowed`,
    );
  if (pattern !== undefined && !isValidMatchPattern(pattern))
    // CRD Pattern `^([-a-zA-Z0-9_*]+[.]?)+$`; fqdn.go allowedPatternChars, matchpattern.Validate.
    rep.add(
      'error',
      'invalid-policy',
      [...path, 'matchPattern'],
      `invalid matchPattern "${pattern}": only letters, digits, '-', '_' and '*' in labels separated by single dots are allowed`,
    );
}

/** The place of every L7 rule in a `rules` block, per protocol, for pointing at the one that decided. */
function l7RangesOf(rep: Reporter, l7: Obj, path: FieldPath): PortRule['l7Ranges'] {
  const out: NonNullable<PortRule['l7Ranges']> = {};
  for (const k of ['http', 'dns', 'kafka'] as const) {
    const list = arr(l7[k]);
    if (list.length > 0) out[k] = list.map((_, i) => rep.range([...path, 'rules', k, i]));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Agent-side checks of a `toPorts` entry with an L7 `rules` block (6, 39–50): pkg/policy/api
 * rule_validation.go `PortRule.sanitize` and `L7Rules.sanitize` (1.16.0 to 1.18.0),
 * http.go `PortRuleHTTP.Sanitize`, fqdn.go, and cilium/proxy pkg/policy/api/kafka
 * `PortRule.Sanitize`. Any failure makes the agent log and ignore the whole policy. Enforcement
 * belongs to the L7 stage.
 */
function checkL7(
  rep: Reporter,
  entry: Obj,
  l7: Obj,
  path: FieldPath,
  direction: 'ingress' | 'egress',
  version: CiliumVersion,
): void {
  const rp: FieldPath = [...path, 'rules'];
  const has = (k: string) => l7[k] !== undefined && l7[k] !== null;
  const kinds = ['http', 'kafka', 'dns', 'l7proto'].filter(has);
  // L7Rules.sanitize: "multiple L7 protocol rule types specified in single rule" (and the CRD's
  // oneOf over http, kafka, dns and l7proto).
  if (kinds.length > 1)
    rep.add(
      'error',
      'invalid-policy',
      rp,
      `multiple L7 protocol rule types (${kinds.join(', ')}) in one rules block are not supported`,
    );
  // versions.ts 'kafka-rules-removed': 1.20 dropped proxylib and with it the `kafka` field.
  const kafkaRemoved = has('kafka') && hasBehaviour(version, 'kafka-rules-removed');
  if (kafkaRemoved)
    rep.add(
      'error',
      'invalid-policy',
      [...rp, 'kafka'],
      'Kafka rules are not supported in Cilium 1.20 and later (Kafka-aware policy was removed)',
      'key',
    );
  const hasDns = arr(l7.dns).length > 0;
  // PortRule.sanitize: "DNS rules are not allowed on ingress".
  if (hasDns && direction === 'ingress')
    rep.add(
      'error',
      'invalid-policy',
      [...rp, 'dns'],
      'DNS rules are not allowed on ingress',
      'key',
    );
  // L7Rules.IsEmpty: only the lengths of http, kafka, dns and l7 count; an empty block is not
  // checked any further (and sends nothing through a proxy).
  const length = ['http', 'kafka', 'dns', 'l7'].reduce((n, k) => n + arr(l7[k]).length, 0);
  if (length === 0) return;

  // PortRule.sanitize: SNI matching with L7 rules needs TLS termination.
  if (
    arr(entry.serverNames).length > 0 &&
    (entry.terminatingTLS === undefined || entry.terminatingTLS === null)
  )
    rep.add(
      'error',
      'invalid-policy',
      [...path, 'serverNames'],
      'ServerNames are not allowed with L7 rules without TLS termination',
      'key',
    );
  // PortRule.sanitize: "Listener is not allowed with L7 rules".
  if (entry.listener !== undefined && entry.listener !== null)
    rep.add(
      'error',
      'invalid-policy',
      [...path, 'listener'],
      'Listener is not allowed with L7 rules',
      'key',
    );

  const portList = arr(entry.ports);
  portList.forEach((p, k) => {
    if (!isObj(p)) return;
    const pp: FieldPath = [...path, 'ports', k];
    const raw = typeof p.port === 'string' ? p.port : undefined;
    const numeric = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
    // PortRule.sanitize: "L7 rules can not be used when a port is 0".
    if (numeric === 0)
      rep.add(
        'error',
        'invalid-policy',
        [...pp, 'port'],
        'L7 rules can not be used when a port is 0',
      );
    // PortProtocol.sanitize: a DNS port is one port (cilium/cilium#34023, 1.17 on; 1.16 patch
    // releases reject a range under any L7 rule, #36050; 1.16.0 let it through).
    if (hasDns && numeric !== undefined && typeof p.endPort === 'number' && p.endPort > numeric)
      rep.add(
        'error',
        'invalid-policy',
        [...pp, 'endPort'],
        'DNS rules do not support port ranges',
      );
    // PortRule.sanitize: every L7 type but DNS needs TCP, and an omitted protocol is ANY
    // (ParseL4Proto("") = ANY; the CRD has no default), which fails too.
    const protocol =
      typeof p.protocol === 'string' && p.protocol !== '' ? p.protocol.toUpperCase() : 'ANY';
    if (!hasDns && protocol !== 'TCP')
      rep.add(
        'error',
        'invalid-policy',
        p.protocol !== undefined && p.protocol !== null ? [...pp, 'protocol'] : pp,
        `L7 rules can only apply to TCP (not ${protocol}) except for DNS rules`,
      );
  });

  // PortRuleHTTP.Sanitize compiles `path` and `method` with Go's regexp (RE2 syntax, as
  // l7/regex.ts). It does not look at `host`, but Envoy compiles it as an RE2 `safe_regex` and
  // rejects the whole network policy update (NACK, cilium/cilium#3401, #41314), so the policy
  // never takes effect either; it is reported the same way.
  arr(l7.http).forEach((h, i) => {
    if (!isObj(h)) return;
    const hp: FieldPath = [...rp, 'http', i];
    for (const field of ['path', 'method', 'host'] as const) {
      const v = h[field];
      if (typeof v !== 'string' || v === '') continue;
      const c = compileRegex(v);
      if (!c.ok)
        rep.add(
          'error',
          'invalid-policy',
          [...hp, field],
          `invalid regular expression in http ${field} "${v}": ${c.error}${field === 'host' ? ' (the agent accepts it, but Envoy rejects the policy)' : ''}`,
        );
    }
    // PortRuleHTTP.Sanitize on headerMatches (the CRD also has MinLength=1 on name).
    arr(h.headerMatches).forEach((m, j) => {
      if (!isObj(m)) return;
      if (m.name === '')
        rep.add(
          'error',
          'invalid-policy',
          [...hp, 'headerMatches', j, 'name'],
          'Header name missing',
        );
      if (isObj(m.secret) && m.secret.name === '')
        rep.add(
          'error',
          'invalid-policy',
          [...hp, 'headerMatches', j, 'secret', 'name'],
          'Secret name missing',
        );
    });
  });

  if (!kafkaRemoved)
    arr(l7.kafka).forEach((r, i) => {
      if (!isObj(r)) return;
      for (const problem of kafkaRuleFieldProblems(r as KafkaRule))
        rep.add('error', 'invalid-policy', [...rp, 'kafka', i, problem.field], problem.message);
    });

  if (has('dns')) {
    // L7Rules.sanitize: "port 53 must be specified for DNS rules" when the entry has no ports.
    if (portList.length === 0)
      rep.add(
        'error',
        'invalid-policy',
        [...rp, 'dns'],
        'port 53 must be specified for DNS rules',
        'key',
      );
    arr(l7.dns).forEach((d, i) => {
      if (isObj(d)) checkFqdnSelector(rep, d, [...rp, 'dns', i], false);
    });
  }

  // L7Rules.sanitize: generic key-value rules need their parser's name.
  if (has('l7') && (typeof l7.l7proto !== 'string' || l7.l7proto === ''))
    rep.add(
      'error',
      'invalid-policy',
      [...rp, 'l7'],
      "'l7' may only be specified when a 'l7proto' is also specified",
      'key',
    );
}

/** Normalises one policy object. */
export function normalisePolicy(raw: RawObject, options: EngineOptions): NormaliseResult {
  const obj = raw.value as Obj;
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const kind = obj.kind as PolicyKind;
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace =
    kind === 'CiliumClusterwideNetworkPolicy'
      ? undefined
      : typeof meta.namespace === 'string' && meta.namespace !== ''
        ? meta.namespace
        : 'default';
  const ref: PolicyRef = { kind, ...(namespace !== undefined ? { namespace } : {}), name };
  const rep = new Reporter(raw, ref);
  if (!name) {
    rep.add(
      'error',
      'missing-field',
      ['metadata', 'name'],
      'metadata.name: Required value: name or generateName is required',
    );
    return { diagnostics: rep.diagnostics };
  }
  const policy =
    kind === 'NetworkPolicy'
      ? normaliseKnp(raw, obj, ref, rep)
      : normaliseCilium(raw, obj, ref, rep, options);
  return { ...(policy ? { policy } : {}), diagnostics: rep.diagnostics };
}
