/**
 * `kubectl describe`: the pod, service and network policy pages of kubectl's describers, and its
 * generic describer (every field of the object, names title-cased) for everything else, Cilium's
 * policies included. Pages are laid out by a tabwriter with padding 2; nesting adds two spaces.
 */
import type { CommandResult } from '../../shell/types.ts';
import { DESCRIBE, tabwrite } from '../tabwriter.ts';
import { serviceEndpoints, toApi } from './api.ts';
import { LAST_APPLIED } from './apply.ts';
import { asArray, asObj, isObj, type ApiObject, type Catalog, type Obj } from './catalog.ts';
import { Kctx, notFound } from './context.ts';
import { age, goTime, rfc1123z } from './duration.ts';
import { flagBool, flagValue, type FlagSpec } from './flags.ts';
import { formatEndpoints } from './printers.ts';
import { resolveArgs } from './get.ts';
import { formatLabels, formatLabelSelector, matchesSelector, parseSelector } from './selector.ts';

export const DESCRIBE_FLAGS: FlagSpec[] = [
  { name: 'selector', short: 'l', type: 'string' },
  { name: 'all-namespaces', short: 'A', type: 'bool' },
  { name: 'show-events', type: 'bool' },
  { name: 'filename', short: 'f', type: 'strings' },
];

/** kubectl's PrefixWriter: two spaces per level. */
class Page {
  private text = '';
  w(level: number, s: string): void {
    this.text += '  '.repeat(level) + s;
  }
  labels(title: string, labels: Record<string, string>): void {
    const keys = Object.keys(labels).sort();
    if (keys.length === 0) {
      this.w(0, `${title}:\t<none>\n`);
      return;
    }
    keys.forEach((k, i) => this.w(0, `${i === 0 ? `${title}:` : ''}\t${k}=${labels[k]}\n`));
  }
  annotations(annotations: Record<string, string>): void {
    const keys = Object.keys(annotations)
      .filter((k) => k !== LAST_APPLIED)
      .sort();
    if (keys.length === 0) {
      this.w(0, 'Annotations:\t<none>\n');
      return;
    }
    keys.forEach((k, i) => {
      const prefix = i === 0 ? 'Annotations:\t' : '\t';
      const value = annotations[k]!.replace(/\n$/, '');
      if (value.length + k.length + 2 > 140 || value.includes('\n')) {
        this.w(0, `${prefix}${k}:\n`);
        for (const line of value.split('\n'))
          this.w(0, `\t  ${line.length > 138 ? `${line.slice(0, 138)}...` : line}\n`);
      } else this.w(0, `${prefix}${k}: ${value}\n`);
    });
  }
  events(rows: string[][]): void {
    if (rows.length === 0) {
      this.w(0, 'Events:\t<none>\n');
      return;
    }
    this.w(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
    this.w(1, '----\t------\t----\t----\t-------\n');
    for (const r of rows) this.w(1, `${r.join('\t')}\n`);
  }
  toString(): string {
    return tabwrite(this.text, DESCRIBE);
  }
}

export function runDescribe(k: Kctx): CommandResult {
  const resolved = resolveArgs(k.flags.args, false);
  if (!resolved.ok) return k.fail(resolved.error);
  if (resolved.requests.length === 0) {
    return k.fail(
      'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n',
    );
  }
  const allNs = flagBool(k.flags, 'all-namespaces');
  const ns = allNs ? undefined : k.namespace;
  const sel = flagValue(k.flags, 'selector');
  const parsed = sel === undefined ? undefined : parseSelector(sel);
  if (parsed && !parsed.ok) return k.fail(parsed.error);
  const catalog = k.catalog;
  const found: ApiObject[] = [];
  const errors: string[] = [];
  for (const r of resolved.requests) {
    if (r.names.length === 0) {
      let items = catalog.list(r.type, ns);
      if (parsed?.ok) items = items.filter((o) => matchesSelector(parsed.requirements, o.labels));
      found.push(...items);
      continue;
    }
    for (const name of r.names) {
      const exact = catalog.get(r.type, ns, name);
      if (exact) {
        found.push(exact);
        continue;
      }
      // describe also takes a name prefix: `kubectl describe pod flask-app` shows every replica.
      const prefixed = catalog.list(r.type, ns).filter((o) => o.name.startsWith(name));
      if (prefixed.length > 0) found.push(...prefixed);
      else errors.push(notFound(r.type, name));
    }
  }
  const pages = found.map((o) => describe(o, catalog, k.world.clock.now()));
  if (pages.length > 0) k.out(pages.join('\n\n'));
  for (const e of errors) k.err(e);
  if (found.length === 0 && errors.length === 0) {
    k.err(ns === undefined ? 'No resources found' : `No resources found in ${ns} namespace.`);
  }
  return k.done(errors.length > 0 ? 1 : 0);
}

export function describe(o: ApiObject, catalog: Catalog, now: number): string {
  switch (o.type.kind) {
    case 'Pod':
      return describePod(o, catalog, now);
    case 'Service':
      return describeService(o, catalog);
    case 'NetworkPolicy':
      return describeNetworkPolicy(o);
    default:
      return describeGeneric(o, catalog);
  }
}

function describePod(o: ApiObject, catalog: Catalog, now: number): string {
  const api = toApi(o, catalog);
  const spec = asObj(api.spec);
  const status = asObj(api.status);
  const p = new Page();
  p.w(0, `Name:\t${o.name}\n`);
  p.w(0, `Namespace:\t${o.namespace}\n`);
  p.w(0, `Priority:\t${String(spec.priority ?? 0)}\n`);
  if (typeof spec.priorityClassName === 'string')
    p.w(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  p.w(0, `Service Account:\t${String(spec.serviceAccountName ?? 'default')}\n`);
  p.w(0, `Node:\t${String(spec.nodeName)}/${String(status.hostIP)}\n`);
  p.w(0, `Start Time:\t${rfc1123z(Date.parse(String(status.startTime)))}\n`);
  p.labels('Labels', o.labels);
  p.annotations(o.annotations);
  p.w(0, `Status:\t${String(status.phase)}\n`);
  p.w(0, `IP:\t${String(status.podIP ?? '')}\n`);
  const ips = asArray(status.podIPs).filter(isObj);
  if (ips.length === 0) p.w(0, 'IPs:\t<none>\n');
  else {
    p.w(0, 'IPs:\n');
    for (const ip of ips) p.w(1, `IP:\t${String(ip.ip)}\n`);
  }
  if (o.owner) p.w(0, `Controlled By:\t${o.owner.kind}/${o.owner.name}\n`);
  const init = asArray(spec.initContainers).filter(isObj);
  if (init.length > 0)
    containers(p, 'Init Containers', init, asArray(status.initContainerStatuses).filter(isObj));
  containers(
    p,
    'Containers',
    asArray(spec.containers).filter(isObj),
    asArray(status.containerStatuses).filter(isObj),
  );
  p.w(0, 'Conditions:\n  Type\tStatus\n');
  for (const c of asArray(status.conditions).filter(isObj))
    p.w(1, `${String(c.type)} \t${String(c.status)} \n`);
  const volumes = asArray(spec.volumes).filter(isObj);
  if (volumes.length === 0) p.w(0, 'Volumes:\t<none>\n');
  else {
    p.w(0, 'Volumes:\n');
    for (const v of volumes) {
      p.w(1, `${String(v.name)}:\n`);
      if (isObj(v.projected)) {
        p.w(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
        for (const src of asArray(v.projected.sources).filter(isObj)) {
          if (isObj(src.serviceAccountToken))
            p.w(
              2,
              `TokenExpirationSeconds:\t${String(src.serviceAccountToken.expirationSeconds)}\n`,
            );
          else if (isObj(src.configMap))
            p.w(2, `ConfigMapName:\t${String(src.configMap.name)}\n    Optional:\tfalse\n`);
          else if (isObj(src.downwardAPI)) p.w(2, 'DownwardAPI:\ttrue\n');
        }
      } else if (isObj(v.emptyDir)) {
        p.w(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n");
        p.w(2, 'Medium:\t\n');
        p.w(2, 'SizeLimit:\t<unset>\n');
      } else p.w(2, 'Type:\t<unknown>\n');
    }
  }
  p.w(0, 'QoS Class:\tBestEffort\n');
  p.labels('Node-Selectors', asObj(spec.nodeSelector) as Record<string, string>);
  const tolerations = asArray(spec.tolerations)
    .filter(isObj)
    .sort((a, b) => (String(a.key ?? '') < String(b.key ?? '') ? -1 : 1));
  if (tolerations.length === 0) p.w(0, 'Tolerations:\t<none>\n');
  tolerations.forEach((t, i) => {
    let s = String(t.key ?? '');
    if (t.value) s += `=${String(t.value)}`;
    if (t.effect) s += `:${String(t.effect)}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (t.tolerationSeconds !== undefined) s += ` for ${String(t.tolerationSeconds)}s`;
    p.w(0, `${i === 0 ? 'Tolerations:' : ''}\t${s}\n`);
  });
  // Events are kept for an hour: only recently started pods still show theirs.
  const rows: string[][] = [];
  if (now - o.createdAt < 3_600_000 && o.source.kind !== 'cluster') {
    const when = age(o.createdAt, now);
    rows.push([
      'Normal',
      'Scheduled',
      when,
      'default-scheduler',
      `Successfully assigned ${o.namespace}/${o.name} to ${String(spec.nodeName)}`,
    ]);
    for (const c of asArray(spec.containers).filter(isObj)) {
      rows.push([
        'Normal',
        'Pulled',
        when,
        'kubelet',
        `Container image "${String(c.image)}" already present on machine`,
      ]);
      rows.push(['Normal', 'Created', when, 'kubelet', `Created container: ${String(c.name)}`]);
      rows.push(['Normal', 'Started', when, 'kubelet', `Started container ${String(c.name)}`]);
    }
  }
  p.events(rows);
  return p.toString();
}

function containers(p: Page, label: string, list: Obj[], statuses: Obj[]): void {
  p.w(0, `${label}:${list.length === 0 ? ' <none>' : ''}\n`);
  for (const c of list) {
    const st = statuses.find((s) => s.name === c.name);
    p.w(1, `${String(c.name)}:\n`);
    if (st) p.w(2, `Container ID:\t${String(st.containerID)}\n`);
    p.w(2, `Image:\t${String(c.image)}\n`);
    if (st) p.w(2, `Image ID:\t${String(st.imageID)}\n`);
    const ports = asArray(c.ports).filter(isObj);
    const portText = ports
      .map(
        (x) =>
          `${String(x.containerPort)}/${String(x.protocol ?? 'TCP')}${x.name ? ` (${String(x.name)})` : ''}`,
      )
      .join(', ');
    const hostText = ports
      .map(
        (x) =>
          `${String(x.hostPort ?? 0)}/${String(x.protocol ?? 'TCP')}${x.name ? ` (${String(x.name)})` : ''}`,
      )
      .join(', ');
    if (portText.includes(',')) p.w(2, `Ports:\t${portText}\n`);
    else p.w(2, `Port:\t${portText || '<none>'}\n`);
    if (hostText.includes(',')) p.w(2, `Host Ports:\t${hostText}\n`);
    else p.w(2, `Host Port:\t${hostText || '<none>'}\n`);
    for (const [key, title] of [
      ['command', 'Command'],
      ['args', 'Args'],
    ] as const) {
      const items = asArray(c[key]);
      if (items.length === 0) continue;
      p.w(2, `${title}:\n`);
      for (const item of items) for (const line of String(item).split('\n')) p.w(3, `${line}\n`);
    }
    if (st) {
      const state = asObj(st.state);
      if (isObj(state.running)) {
        p.w(2, 'State:\tRunning\n');
        p.w(3, `Started:\t${rfc1123z(Date.parse(String(state.running.startedAt)))}\n`);
      } else if (isObj(state.terminated)) {
        const t = state.terminated;
        p.w(2, 'State:\tTerminated\n');
        p.w(3, `Reason:\t${String(t.reason)}\n`);
        p.w(3, `Exit Code:\t${String(t.exitCode)}\n`);
        p.w(3, `Started:\t${rfc1123z(Date.parse(String(t.startedAt)))}\n`);
        p.w(3, `Finished:\t${rfc1123z(Date.parse(String(t.finishedAt)))}\n`);
      }
      p.w(2, `Ready:\t${st.ready ? 'True' : 'False'}\n`);
      p.w(2, `Restart Count:\t${String(st.restartCount ?? 0)}\n`);
    }
    const env = asArray(c.env).filter(isObj);
    if (env.length === 0) p.w(2, 'Environment:\t<none>\n');
    else {
      p.w(2, 'Environment:\n');
      for (const e of env)
        p.w(
          3,
          `${String(e.name)}:\t${e.value !== undefined ? String(e.value) : '<set to the key>'}\n`,
        );
    }
    const mounts = asArray(c.volumeMounts).filter(isObj);
    if (mounts.length === 0) p.w(2, 'Mounts:\t<none>\n');
    else {
      p.w(2, 'Mounts:\n');
      for (const m of mounts)
        p.w(3, `${String(m.mountPath)} from ${String(m.name)} (${m.readOnly ? 'ro' : 'rw'})\n`);
    }
  }
}

function describeService(o: ApiObject, catalog: Catalog): string {
  const s = o.service!;
  const p = new Page();
  p.w(0, `Name:\t${o.name}\n`);
  p.w(0, `Namespace:\t${o.namespace}\n`);
  p.labels('Labels', o.labels);
  p.annotations(o.annotations);
  p.w(0, `Selector:\t${s.selector ? formatLabels(s.selector) : ''}\n`);
  p.w(0, `Type:\t${s.type}\n`);
  p.w(0, 'IP Family Policy:\tSingleStack\n');
  p.w(0, 'IP Families:\tIPv4\n');
  p.w(0, `IP:\t${s.clusterIP}\n`);
  p.w(0, `IPs:\t${s.clusterIP}\n`);
  const eps = serviceEndpoints(o, catalog);
  s.ports.forEach((port, i) => {
    const name = port.name ?? '<unset>';
    p.w(0, `Port:\t${name}\t${port.port}/${port.protocol}\n`);
    p.w(0, `TargetPort:\t${String(port.targetPort)}/${port.protocol}\n`);
    if (port.nodePort !== undefined)
      p.w(0, `NodePort:\t${name}\t${port.nodePort}/${port.protocol}\n`);
    const target = eps.ports[i]?.port;
    p.w(0, `Endpoints:\t${formatEndpoints(eps.addresses.map((a) => `${a.ip}:${target}`))}\n`);
  });
  p.w(0, 'Session Affinity:\tNone\n');
  if (s.type === 'NodePort' || s.type === 'LoadBalancer')
    p.w(0, 'External Traffic Policy:\tCluster\n');
  p.w(0, 'Internal Traffic Policy:\tCluster\n');
  p.events([]);
  return p.toString();
}

function describeNetworkPolicy(o: ApiObject): string {
  const spec = asObj(o.body.spec);
  const p = new Page();
  p.w(0, `Name:\t${o.name}\n`);
  p.w(0, `Namespace:\t${o.namespace}\n`);
  p.w(0, `Created on:\t${goTime(o.createdAt)}\n`);
  p.labels('Labels', o.labels);
  p.annotations(o.annotations);
  p.w(0, 'Spec:\n');
  p.w(1, 'PodSelector: ');
  const podSel = formatLabelSelector(spec.podSelector);
  p.w(
    2,
    podSel === '<none>'
      ? '<none> (Allowing the specific traffic to all pods in this namespace)\n'
      : `${podSel}\n`,
  );
  const types = Array.isArray(spec.policyTypes)
    ? spec.policyTypes.map(String)
    : ['Ingress', ...(Array.isArray(spec.egress) ? ['Egress'] : [])];
  const sections: ['ingress' | 'egress', string, string][] = [
    ['ingress', 'Ingress', 'from'],
    ['egress', 'Egress', 'to'],
  ];
  for (const [key, title, peerKey] of sections) {
    if (!types.includes(title)) {
      p.w(1, `Not affecting ${key} traffic\n`);
      continue;
    }
    p.w(1, `Allowing ${key} traffic:\n`);
    const rules = asArray(spec[key]).filter(isObj);
    const indent = '    ';
    if (rules.length === 0) {
      p.w(0, `${indent}<none> (Selected pods are isolated for ${key} connectivity)\n`);
      continue;
    }
    rules.forEach((rule, i) => {
      const ports = asArray(rule.ports).filter(isObj);
      if (ports.length === 0) p.w(0, `${indent}To Port: <any> (traffic allowed to all ports)\n`);
      for (const port of ports) {
        const proto = String(port.protocol ?? 'TCP');
        const num = port.port === undefined || port.port === null ? '<nil>' : String(port.port);
        if (port.endPort === undefined || port.endPort === null)
          p.w(0, `${indent}To Port: ${num}/${proto}\n`);
        else p.w(0, `${indent}To Port Range: ${num}-${String(port.endPort)}/${proto}\n`);
      }
      const peers = asArray(rule[peerKey]).filter(isObj);
      if (peers.length === 0) {
        p.w(
          0,
          key === 'ingress'
            ? `${indent}From: <any> (traffic not restricted by source)\n`
            : `${indent}To: <any> (traffic not restricted by destination)\n`,
        );
      }
      for (const peer of peers) {
        p.w(0, `${indent}${key === 'ingress' ? 'From' : 'To'}:\n`);
        if (peer.podSelector !== undefined && peer.namespaceSelector !== undefined) {
          p.w(1, `${indent}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
          p.w(1, `${indent}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
        } else if (peer.podSelector !== undefined) {
          p.w(1, `${indent}PodSelector: ${formatLabelSelector(peer.podSelector)}\n`);
        } else if (peer.namespaceSelector !== undefined) {
          p.w(1, `${indent}NamespaceSelector: ${formatLabelSelector(peer.namespaceSelector)}\n`);
        } else if (isObj(peer.ipBlock)) {
          p.w(1, `${indent}IPBlock:\n`);
          p.w(2, `${indent}CIDR: ${String(peer.ipBlock.cidr)}\n`);
          p.w(2, `${indent}Except: ${asArray(peer.ipBlock.except).map(String).join(', ')}\n`);
        }
      }
      if (i !== rules.length - 1) p.w(0, `${indent}----------\n`);
    });
  }
  p.w(1, `Policy Types: ${types.join(', ')}\n`);
  return p.toString();
}

/** kubectl's generic describer: every field, keys sorted, names made readable. */
function describeGeneric(o: ApiObject, catalog: Catalog): string {
  const api = toApi(o, catalog);
  const p = new Page();
  p.w(0, `Name:\t${o.name}\n`);
  p.w(0, `Namespace:\t${o.namespace ?? ''}\n`);
  p.labels('Labels', o.labels);
  p.annotations(o.annotations);
  const skip = new Set([
    '.metadata.managedFields',
    '.metadata.name',
    '.metadata.namespace',
    '.metadata.labels',
    '.metadata.annotations',
  ]);
  const walk = (level: number, content: Obj, prefix: string): void => {
    for (const field of Object.keys(content).sort()) {
      const value = content[field];
      const path = `${prefix}.${field}`;
      if (skip.has(path)) continue;
      if (isObj(value)) {
        p.w(level, `${smartLabel(field)}:\n`);
        walk(level + 1, value, path);
      } else if (Array.isArray(value)) {
        p.w(level, `${smartLabel(field)}:\n`);
        for (const child of value) {
          if (isObj(child)) walk(level + 1, child, path);
          else p.w(level + 1, `${goValue(child)}\n`);
        }
      } else p.w(level, `${smartLabel(field)}:\t${goValue(value)}\n`);
    }
  };
  walk(0, api, '');
  p.events([]);
  return p.toString();
}

function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

/** Splits a name at case changes as fatih/camelcase does: `matchLabels` → `match`, `Labels`. */
function camelSplit(s: string): string[] {
  const cls = (c: string): number =>
    /[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 4;
  const runs: string[][] = [];
  let last = 0;
  for (const c of s) {
    const k = cls(c);
    if (k === last && runs.length > 0) runs[runs.length - 1]!.push(c);
    else runs.push([c]);
    last = k;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    const a = runs[i]!;
    const b = runs[i + 1]!;
    if (cls(a[0]!) === 2 && cls(b[0]!) === 1) {
      b.unshift(a.pop()!);
    }
  }
  return runs.filter((r) => r.length > 0).map((r) => r.join(''));
}

/** kubectl's `smartLabelFor`: `endpointSelector` → `Endpoint Selector`, `apiVersion` → `API Version`. */
export function smartLabel(field: string): string {
  if (/[^A-Za-z-]/.test(field)) return field;
  const parts = camelSplit(field);
  const merged: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next = parts[i + 1];
    if (
      next !== undefined &&
      part.length >= 2 &&
      part === part.toUpperCase() &&
      /^[A-Z]/.test(next)
    ) {
      merged.push(part + next);
      i++;
      continue;
    }
    merged.push(part);
  }
  return merged
    .filter((part) => part !== '_')
    .map((part) => {
      if (['API', 'URL', 'UID', 'GUID'].includes(part.toUpperCase())) return part.toUpperCase();
      if (part.toLowerCase() === part) return part.charAt(0).toUpperCase() + part.slice(1);
      return part;
    })
    .join(' ');
}
