/**
 * `cilium-dbg policy get` and `policy selectors`: the agent's policy repository
 * (cilium-dbg/cmd/policy_get.go, policy_selectors.go).
 *
 * `policy get` prints the rules as the agent stores them, as indented JSON, then the revision:
 *   - selector keys carry their label source: `any:` for a Cilium policy's plain keys, `k8s:`
 *     for a NetworkPolicy's; namespaced policies add `k8s:io.kubernetes.pod.namespace` to their
 *     endpoint selector and to peer selectors that do not name a namespace;
 *   - ports are strings and an unset protocol reads `ANY`, as after the agent's sanitising;
 *   - each rule carries the labels naming its policy (derived-from, name, namespace, uid).
 * The uid and revision are the ones the flow records use.
 *
 * `policy selectors` lists the peer selectors of all rules with the policies using them, the
 * number of rules using them and the identities they select.
 */
import { uuidFrom } from '../../../engine/flows/build.ts';
import type { PolicyRef, Rule } from '../../../engine/policy/model.ts';
import type { CompiledSelector } from '../../../engine/selector.ts';
import type { SimWorld } from '../../world.ts';
import { tabwrite } from '../tabwriter.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const NS_KEY = 'io.kubernetes.pod.namespace';
const POLICY_LABEL = 'io.cilium.k8s.policy.';

/** The labels a rule of a policy carries, `{key, value, source}` as the API prints them. */
export function policyLabels(ref: PolicyRef): { key: string; value: string; source: string }[] {
  return [
    { key: `${POLICY_LABEL}derived-from`, value: ref.kind, source: 'k8s' },
    { key: `${POLICY_LABEL}name`, value: ref.name, source: 'k8s' },
    ...(ref.namespace !== undefined
      ? [{ key: `${POLICY_LABEL}namespace`, value: ref.namespace, source: 'k8s' }]
      : []),
    {
      key: `${POLICY_LABEL}uid`,
      value: uuidFrom(`policy:${ref.kind}/${ref.namespace ?? ''}/${ref.name}`),
      source: 'k8s',
    },
  ];
}

/** The repository revision: one for the empty repository, one more per policy applied. */
export function policyRevision(world: SimWorld): number {
  return world.engine.policies.length + 1;
}

// ---------------------------------------------------------------------------------------------
// Rules as the agent stores them.

/** Keys in the order of the agent's Go structs; others follow as written. */
const ORDER: Readonly<Record<string, readonly string[]>> = {
  rule: [
    'endpointSelector',
    'nodeSelector',
    'ingress',
    'ingressDeny',
    'egress',
    'egressDeny',
    'labels',
    'enableDefaultDeny',
    'description',
  ],
  ingress: [
    'fromEndpoints',
    'fromRequires',
    'fromCIDR',
    'fromCIDRSet',
    'fromEntities',
    'fromGroups',
    'fromNodes',
    'toPorts',
    'icmps',
    'authentication',
  ],
  egress: [
    'toEndpoints',
    'toRequires',
    'toCIDR',
    'toCIDRSet',
    'toEntities',
    'toServices',
    'toGroups',
    'toNodes',
    'toPorts',
    'toFQDNs',
    'icmps',
    'authentication',
  ],
  portRule: ['ports', 'terminatingTLS', 'originatingTLS', 'serverNames', 'listener', 'rules'],
  port: ['port', 'endPort', 'protocol'],
  l7: ['http', 'kafka', 'dns', 'l7proto', 'l7'],
  http: ['path', 'method', 'host', 'headers', 'headerMatches'],
  selector: ['matchLabels', 'matchExpressions'],
  requirement: ['key', 'operator', 'values'],
};

function ordered(o: Obj, order: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

function sortedKeys(o: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

interface SelectorStyle {
  /** `any` for Cilium policies, `k8s` for NetworkPolicy. */
  source: string;
  /** The namespace added to selectors that do not name one (namespaced policies). */
  namespace?: string;
}

function prefixed(key: string, source: string): string {
  return key.includes(':') ? key : `${source}:${key}`;
}

function agentSelector(sel: unknown, style: SelectorStyle, addNamespace: boolean): Obj {
  const s = isObj(sel) ? sel : {};
  const labels: Obj = {};
  for (const [k, v] of Object.entries(isObj(s.matchLabels) ? s.matchLabels : {}))
    labels[prefixed(k, style.source)] = String(v ?? '');
  const exprs = (Array.isArray(s.matchExpressions) ? s.matchExpressions : [])
    .filter(isObj)
    .map((e) =>
      ordered({ ...e, key: prefixed(String(e.key ?? ''), style.source) }, ORDER.requirement!),
    );
  const keys = [...Object.keys(labels), ...exprs.map((e) => String(e.key))];
  const namesNamespace = keys.some((k) => k.endsWith(`:${NS_KEY}`));
  if (addNamespace && style.namespace !== undefined && !namesNamespace)
    labels[`k8s:${NS_KEY}`] = style.namespace;
  return ordered(
    {
      ...(Object.keys(labels).length ? { matchLabels: sortedKeys(labels) } : {}),
      ...(exprs.length ? { matchExpressions: exprs } : {}),
    },
    ORDER.selector!,
  );
}

function agentPorts(toPorts: unknown): unknown {
  if (!Array.isArray(toPorts)) return toPorts;
  return toPorts.filter(isObj).map((pr) => {
    const ports = Array.isArray(pr.ports)
      ? pr.ports.filter(isObj).map((p) =>
          ordered(
            {
              ...p,
              port: p.port === undefined ? undefined : String(p.port),
              protocol: typeof p.protocol === 'string' && p.protocol !== '' ? p.protocol : 'ANY',
            },
            ORDER.port!,
          ),
        )
      : undefined;
    let rules = pr.rules;
    if (isObj(rules)) {
      const r: Obj = { ...rules };
      if (Array.isArray(r.http)) r.http = r.http.filter(isObj).map((h) => ordered(h, ORDER.http!));
      rules = ordered(r, ORDER.l7!);
    }
    return ordered({ ...pr, ports, rules }, ORDER.portRule!);
  });
}

function agentSection(list: unknown, kind: 'ingress' | 'egress', style: SelectorStyle): unknown {
  if (!Array.isArray(list)) return list;
  return list.filter(isObj).map((r) => {
    const o: Obj = { ...r };
    for (const key of ['fromEndpoints', 'toEndpoints'])
      if (Array.isArray(o[key]))
        o[key] = (o[key] as unknown[]).map((s) => agentSelector(s, style, true));
    for (const key of ['fromRequires', 'toRequires'])
      if (Array.isArray(o[key]))
        o[key] = (o[key] as unknown[]).map((s) => agentSelector(s, style, false));
    if (o.toPorts !== undefined) o.toPorts = agentPorts(o.toPorts);
    return ordered(o, ORDER[kind]!);
  });
}

function ciliumRules(v: Obj, ref: PolicyRef): Obj[] {
  const style: SelectorStyle = {
    source: 'any',
    ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
  };
  const specs = [
    ...(isObj(v.spec) ? [v.spec] : []),
    ...(Array.isArray(v.specs) ? v.specs.filter(isObj) : []),
  ];
  return specs.map((spec) => {
    const o: Obj = { ...spec };
    if (spec.endpointSelector !== undefined)
      o.endpointSelector = agentSelector(spec.endpointSelector, style, true);
    if (spec.nodeSelector !== undefined)
      o.nodeSelector = agentSelector(spec.nodeSelector, { source: 'any' }, false);
    for (const s of ['ingress', 'ingressDeny'] as const)
      if (spec[s] !== undefined) o[s] = agentSection(spec[s], 'ingress', style);
    for (const s of ['egress', 'egressDeny'] as const)
      if (spec[s] !== undefined) o[s] = agentSection(spec[s], 'egress', style);
    o.labels = policyLabels(ref);
    return ordered(o, ORDER.rule!);
  });
}

/** A NetworkPolicy peer as Cilium translates it: pod and namespace selectors become one. */
function knpPeer(peer: Obj, ns: string): { endpoints?: Obj; cidr?: Obj } {
  if (isObj(peer.ipBlock))
    return {
      cidr: ordered({ cidr: peer.ipBlock.cidr, except: peer.ipBlock.except }, ['cidr', 'except']),
    };
  const pod = agentSelector(peer.podSelector, { source: 'k8s' }, false);
  const labels: Obj = isObj(pod.matchLabels) ? { ...pod.matchLabels } : {};
  const exprs: Obj[] = Array.isArray(pod.matchExpressions)
    ? [...(pod.matchExpressions as Obj[])]
    : [];
  if (isObj(peer.namespaceSelector)) {
    const nsSel = peer.namespaceSelector;
    const nsLabels = isObj(nsSel.matchLabels) ? nsSel.matchLabels : {};
    for (const [k, val] of Object.entries(nsLabels))
      labels[`k8s:io.cilium.k8s.namespace.labels.${k}`] = String(val ?? '');
    for (const e of Array.isArray(nsSel.matchExpressions)
      ? nsSel.matchExpressions.filter(isObj)
      : [])
      exprs.push(
        ordered(
          { ...e, key: `k8s:io.cilium.k8s.namespace.labels.${String(e.key)}` },
          ORDER.requirement!,
        ),
      );
    if (Object.keys(nsLabels).length === 0 && exprs.length === 0)
      exprs.push({ key: `k8s:${NS_KEY}`, operator: 'Exists' });
  } else labels[`k8s:${NS_KEY}`] = ns;
  return {
    endpoints: ordered(
      {
        ...(Object.keys(labels).length ? { matchLabels: sortedKeys(labels) } : {}),
        ...(exprs.length ? { matchExpressions: exprs } : {}),
      },
      ORDER.selector!,
    ),
  };
}

function networkPolicyRules(v: Obj, ref: PolicyRef): Obj[] {
  const ns = ref.namespace ?? 'default';
  const spec = isObj(v.spec) ? v.spec : {};
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : [];
  const rule: Obj = {
    endpointSelector: agentSelector(spec.podSelector, { source: 'k8s', namespace: ns }, true),
  };
  for (const [dir, peersKey, epKey, cidrKey, type] of [
    ['ingress', 'from', 'fromEndpoints', 'fromCIDRSet', 'Ingress'],
    ['egress', 'to', 'toEndpoints', 'toCIDRSet', 'Egress'],
  ] as const) {
    const list = Array.isArray(spec[dir]) ? spec[dir].filter(isObj) : undefined;
    const applies = types.length ? types.includes(type) : dir === 'ingress' || list !== undefined;
    if (!applies) continue;
    rule[dir] = (list ?? [{}]).map((r) => {
      const out: Obj = {};
      const peers = Array.isArray(r[peersKey]) ? r[peersKey].filter(isObj) : undefined;
      if (peers && peers.length) {
        const eps = peers.map((p) => knpPeer(p, ns));
        const endpoints = eps.flatMap((e) => (e.endpoints ? [e.endpoints] : []));
        const cidrs = eps.flatMap((e) => (e.cidr ? [e.cidr] : []));
        if (endpoints.length) out[epKey] = endpoints;
        if (cidrs.length) out[cidrKey] = cidrs;
      } else if (list !== undefined) {
        out[epKey] = [{ matchExpressions: [{ key: `k8s:${NS_KEY}`, operator: 'Exists' }] }];
      }
      if (Array.isArray(r.ports) && r.ports.length)
        out.toPorts = [
          {
            ports: r.ports.filter(isObj).map((p) =>
              ordered(
                {
                  port: p.port === undefined ? undefined : String(p.port),
                  endPort: p.endPort,
                  protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
                },
                ORDER.port!,
              ),
            ),
          },
        ];
      return ordered(out, ORDER[dir]!);
    });
  }
  rule.labels = policyLabels(ref);
  return [ordered(rule, ORDER.rule!)];
}

/** Every rule of the repository as the agent stores it, policies in key order. */
export function repositoryRules(world: SimWorld): Obj[] {
  const rules: Obj[] = [];
  for (const p of world.engine.policies) {
    const raw = world.engine.applied(p.key)?.raw.value;
    if (!isObj(raw)) continue;
    rules.push(
      ...(p.ref.kind === 'NetworkPolicy'
        ? networkPolicyRules(raw, p.ref)
        : ciliumRules(raw, p.ref)),
    );
  }
  return rules;
}

/** Go's `json.MarshalIndent(v, "", "  ")` for plain JSON values, with its HTML escaping. */
export function goJson(v: unknown): string {
  return JSON.stringify(v, null, 2)
    .replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)
    .replace(/\[\n\s*\]/g, '[]')
    .replace(/\{\n\s*\}/g, '{}');
}

/** `policy get [labels...]`: the rules carrying every given label, then the revision. */
export function formatPolicyGet(world: SimWorld, labelFilter: readonly string[]): string {
  const wanted = labelFilter.map((l) => (l.includes(':') ? l : `any:${l}`));
  const rules = repositoryRules(world).filter((r) =>
    wanted.every((w) =>
      (r.labels as { key: string; value: string; source: string }[]).some((l) => {
        const text = `${l.source}:${l.key}=${l.value}`;
        return text === w || `any:${l.key}=${l.value}` === w;
      }),
    ),
  );
  return `${rules.length ? goJson(rules) : 'null'}\nRevision: ${policyRevision(world)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Selectors.

/** The selector text Cilium prints: Kubernetes' generated `String()` of a LabelSelector. */
export function selectorText(sel: CompiledSelector): string {
  const labels: string[] = [];
  const exprs: string[] = [];
  for (const r of sel.requirements) {
    const key = `${r.source}.${r.key}`;
    if (r.op === 'In' && r.values.length === 1) labels.push(`${key}: ${r.values[0]}`);
    else
      exprs.push(
        `LabelSelectorRequirement{Key:${key},Operator:${r.op},Values:[${r.values.join(' ')}],}`,
      );
  }
  labels.sort();
  return `&LabelSelector{MatchLabels:map[string]string{${labels.map((l) => `${l},`).join('')}},MatchExpressions:[]LabelSelectorRequirement{${exprs.map((e) => `${e},`).join('')}},}`;
}

interface SelectorUse {
  text: string;
  selector?: CompiledSelector;
  users: number;
  policies: Set<string>;
}

function collect(world: SimWorld): SelectorUse[] {
  const uses = new Map<string, SelectorUse>();
  const note = (text: string, rule: Rule, selector?: CompiledSelector) => {
    let u = uses.get(text);
    if (!u)
      uses.set(
        text,
        (u = { text, users: 0, policies: new Set(), ...(selector ? { selector } : {}) }),
      );
    u.users++;
    const ref = rule.origin.policy;
    if (ref.namespace !== undefined) u.policies.add(`${ref.namespace}/${ref.name}`);
  };
  for (const p of world.engine.policies)
    for (const rule of p.rules) {
      for (const s of [...rule.endpoints, ...rule.aggregated]) note(selectorText(s), rule, s);
      for (const c of rule.cidrs)
        note(
          `&LabelSelector{MatchLabels:map[string]string{cidr.${c.cidr.text.includes('/') ? c.cidr.text : `${c.cidr.text}/${c.cidr.bits}`}: ,},MatchExpressions:[]LabelSelectorRequirement{},}`,
          rule,
        );
      for (const f of rule.fqdns)
        note(`MatchName: ${f.matchName ?? ''}, MatchPattern: ${f.matchPattern ?? ''}`, rule);
    }
  return [...uses.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/** `policy selectors`: SELECTOR, LABELS (ns/policy), USERS, IDENTITIES (one per line). */
export function formatPolicySelectors(world: SimWorld): string {
  const identities = world.engine.identities.all;
  let text = 'SELECTOR\tLABELS\tUSERS\tIDENTITIES\n';
  for (const u of collect(world)) {
    const ids = new Set<number>();
    if (u.selector) {
      const bits = world.engine.index.selectorBits(u.selector);
      for (const ident of identities) if (bits.has(ident.index)) ids.add(ident.id);
    }
    const sorted = [...ids].sort((a, b) => a - b);
    text += `${u.text}\t${[...u.policies].sort().join(',')}\t${u.users}`;
    if (sorted.length === 0) text += '\t\n';
    sorted.forEach((id, i) => (text += i === 0 ? `\t${id}\t\n` : `\t\t\t${id}\t\n`));
  }
  return tabwrite(text, { minWidth: 5, padding: 3 });
}
