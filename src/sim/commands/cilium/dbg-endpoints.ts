/**
 * `cilium-dbg endpoint list`, `identity list` and `status`: what one agent knows about its
 * node (cilium-dbg/cmd/endpoint_list.go, identity_list.go).
 *
 * Policy enforcement per direction comes from the engine's policy index: an endpoint is
 * `Enabled` in a direction as soon as a rule puts it into default deny there (a rule selecting
 * it with that section, brief §8–§11). The host and health endpoints carry no policy.
 */
import type { ClusterNode } from '../../../engine/cluster/model.ts';
import type { Identity } from '../../../engine/identity.ts';
import { FIRST_LOCAL_IDENTITY } from '../../../engine/flows/model.ts';
import type { SimWorld } from '../../world.ts';
import { tabwrite } from '../tabwriter.ts';
import {
  agentStart,
  healthAddress,
  nodePods,
  podEndpointIds,
  specialEndpointId,
} from './agents.ts';
import { ciliumRelease } from './versions.ts';

export type Enforcement = 'Enabled' | 'Disabled';

export interface EndpointRow {
  id: number;
  ingress: Enforcement;
  egress: Enforcement;
  /** The identity number, or `<no label id>`. */
  identity: string;
  labels: string[];
  ipv6: string;
  ipv4: string;
  status: string;
  /** `namespace/pod` for pod endpoints. */
  pod?: string;
}

/** `source:key=value`, or `source:key` when the value is empty, as Cilium prints labels. */
export function labelText(l: { source: string; key: string; value: string }): string {
  return l.value === '' ? `${l.source}:${l.key}` : `${l.source}:${l.key}=${l.value}`;
}

function enforcement(world: SimWorld, identity: Identity | undefined, dir: 'ingress' | 'egress') {
  if (!identity) return 'Disabled';
  return world.engine.index.view(identity.index, dir).enforcing.length > 0 ? 'Enabled' : 'Disabled';
}

/** The endpoints of one node's agent, sorted by ID. */
export function endpointRows(world: SimWorld, node: ClusterNode): EndpointRow[] {
  const cluster = world.engine.cluster;
  const ids = podEndpointIds(cluster);
  const rows: EndpointRow[] = [];
  for (const pod of nodePods(cluster, node.name)) {
    const key = `${pod.namespace}/${pod.name}`;
    const identity = world.engine.identities.byPod.get(key);
    rows.push({
      id: ids.get(key) ?? 0,
      ingress: enforcement(world, identity, 'ingress'),
      egress: enforcement(world, identity, 'egress'),
      identity: identity ? String(identity.id) : '<no label id>',
      labels: identity ? identity.labels.map(labelText).sort() : ['no labels'],
      ipv6: '',
      ipv4: pod.ip,
      status: 'ready',
      pod: key,
    });
  }
  const hostLabels = Object.entries(node.labels)
    .filter(([k]) => k.startsWith('node-role.kubernetes.io/'))
    .map(([k, v]) => labelText({ source: 'k8s', key: k, value: v }));
  hostLabels.push('reserved:host');
  if (node.controlPlane) hostLabels.push('reserved:kube-apiserver');
  rows.push({
    id: specialEndpointId(cluster, node.name, 'host'),
    ingress: 'Disabled',
    egress: 'Disabled',
    identity: '1',
    labels: hostLabels.sort(),
    ipv6: '',
    ipv4: '',
    status: 'ready',
  });
  rows.push({
    id: specialEndpointId(cluster, node.name, 'health'),
    ingress: 'Disabled',
    egress: 'Disabled',
    identity: '4',
    labels: ['reserved:health'],
    ipv6: '',
    ipv4: healthAddress(cluster, node),
    status: 'ready',
  });
  return rows.sort((a, b) => a.id - b.id);
}

/** `endpoint list` text: two header lines, one label per line, every row ending in a tab. */
export function formatEndpointList(rows: readonly EndpointRow[], headers = true): string {
  let text = '';
  if (headers) {
    text +=
      'ENDPOINT\tPOLICY (ingress)\tPOLICY (egress)\tIDENTITY\tLABELS (source:key[=value])\tIPv6\tIPv4\tSTATUS\t\n';
    text += '\tENFORCEMENT\tENFORCEMENT\t\t\t\t\t\n';
  }
  for (const r of rows)
    r.labels.forEach((l, i) => {
      text +=
        i === 0
          ? `${r.id}\t${r.ingress}\t${r.egress}\t${r.identity}\t${l}\t${r.ipv6}\t${r.ipv4}\t${r.status}\t\n`
          : `\t\t\t\t${l}\t\t\t\t\n`;
    });
  return tabwrite(text, { minWidth: 5, padding: 3 });
}

/** Identities the agent knows: reserved ones, every pod identity, and local CIDR/FQDN ones seen in flows. */
export function identityRows(world: SimWorld): { id: number; labels: string[] }[] {
  const rows = new Map<number, string[]>();
  for (const [name, ident] of world.engine.identities.reserved) {
    if (name.includes('+')) continue;
    rows.set(ident.id, ident.labels.map(labelText).sort());
  }
  for (const ident of world.engine.identities.podIdentities)
    rows.set(ident.id, ident.labels.map(labelText).sort());
  for (const { flow } of world.flows.all())
    for (const ep of [flow.source, flow.destination])
      if (ep.identity >= FIRST_LOCAL_IDENTITY && !rows.has(ep.identity))
        rows.set(ep.identity, [...ep.labels].map((l) => l.replace(/=$/, '')).sort());
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([id, labels]) => ({ id, labels }));
}

export function formatIdentityList(rows: readonly { id: number; labels: string[] }[]): string {
  let text = 'ID\tLABELS\n';
  for (const r of rows)
    r.labels.forEach((l, i) => (text += i === 0 ? `${r.id}\t${l}\n` : `\t${l}\n`));
  return tabwrite(text, { minWidth: 5, padding: 3 });
}

/** `cilium-dbg status` (the short form): the agent's view of itself and its node. */
export function formatAgentStatus(world: SimWorld, node: ClusterNode): string {
  const release = ciliumRelease(world);
  const cluster = world.engine.cluster;
  const pods = nodePods(cluster, node.name);
  const endpoints = pods.length + 2;
  const nodeFlows = world.flows.all().filter((e) => e.flow.node_name === node.name).length;
  const now = world.clock.now();
  const recent = world.flows
    .all()
    .filter((e) => e.flow.node_name === node.name && e.at > now - 60_000 && e.at <= now).length;
  const uptime = Math.max(1, (now - agentStart(world)) / 1000);
  const rate = recent > 0 ? recent / 60 : nodeFlows / uptime;
  const cap = world.flows.capacity;
  const redirects = world.engine.policies.some((p) =>
    p.rules.some((r) => r.toPorts?.some((t) => t.l7)),
  )
    ? 1
    : 0;
  const nodes = cluster.nodes.length;
  const lines: [string, string][] = [
    ['KVStore', 'Disabled'],
    ['Kubernetes', 'Ok   1.33 (v1.33.1) [linux/amd64]'],
    [
      'Kubernetes APIs',
      '["EndpointSliceOrEndpoint", "cilium/v2::CiliumClusterwideNetworkPolicy", "cilium/v2::CiliumEndpoint", "cilium/v2::CiliumNetworkPolicy", "cilium/v2::CiliumNode", "core/v1::Namespace", "core/v1::Pods", "core/v1::Service", "networking.k8s.io/v1::NetworkPolicy"]',
    ],
    ['KubeProxyReplacement', `True   [eth0   ${node.ip} (Direct Routing)]`],
    ['Host firewall', 'Disabled'],
    ['CNI Chaining', 'none'],
    ['Cilium', `Ok   ${release} (v${release})`],
    ['NodeMonitor', 'Listening for events on 8 CPUs with 64x4096 of shared memory'],
    ['Cilium health daemon', 'Ok'],
    ['IPAM', `IPv4: ${endpoints - 1}/254 allocated from ${node.podCIDR}`],
    ['Routing', 'Network: Tunnel [vxlan]   Host: Legacy'],
    ['Masquerading', 'IPTables [IPv4: Enabled, IPv6: Disabled]'],
    ['Controller Status', `${30 + 2 * endpoints}/${30 + 2 * endpoints} healthy`],
    [
      'Proxy Status',
      `OK, ip ${healthAddress(cluster, node)}, ${redirects} redirects active on ports 10000-20000, Envoy: external`,
    ],
    ['Global Identity Range', 'min 256, max 65535'],
    [
      'Hubble',
      `Ok   Current/Max Flows: ${Math.min(nodeFlows, cap)}/${cap} (${((Math.min(nodeFlows, cap) / cap) * 100).toFixed(2)}%), Flows/s: ${rate.toFixed(2)}   Metrics: Disabled`,
    ],
    ['Encryption', 'Disabled'],
    ['Cluster health', `${nodes}/${nodes} reachable`],
  ];
  return tabwrite(lines.map(([k, v]) => `${k}:\t${v}\n`).join(''), { minWidth: 2, padding: 3 });
}
