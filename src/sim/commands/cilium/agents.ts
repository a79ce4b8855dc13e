/**
 * The Cilium agents of the simulated cluster: one `cilium-xxxxx` pod per node of the `cilium`
 * DaemonSet in kube-system, the endpoints each one manages and their numeric IDs.
 *
 * The engine's cluster model holds no Cilium pods (they use the host network), so their names
 * are derived from the node: `cilium-` and five characters hashed from `cilium@<node>`, the
 * names kubectl shows for the DaemonSet's pods. A shell opened in one of them (or any pod on a
 * node) tells `agentNode` which agent answers.
 */
import type { Cluster, ClusterNode, Pod } from '../../../engine/cluster/model.ts';
import { endpointIdsOf, fnv1a, safeSuffix } from '../../../engine/hash.ts';
import type { ShellState } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';

export interface AgentPod {
  name: string;
  node: string;
}

/** The agent pods, one per node, sorted by name. */
export function agentPods(world: SimWorld): AgentPod[] {
  const cluster = world.engine.cluster;
  const declared = cluster.pods.filter(
    (p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'cilium',
  );
  const pods = declared.length
    ? declared.map((p) => ({ name: p.name, node: p.nodeName }))
    : cluster.nodes.map((n) => ({
        name: `cilium-${safeSuffix(`cilium@${n.name}`, 5)}`,
        node: n.name,
      }));
  return pods.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The node whose agent answers: the one of the pod the shell is in (an agent pod, or any pod on
 * a node), else the first node ordinary pods run on — the pod `ds/cilium` usually lands on.
 */
export function agentNode(world: SimWorld, shell: ShellState): ClusterNode {
  const cluster = world.engine.cluster;
  const loc = shell.location;
  if (loc.kind === 'pod') {
    const agent = agentPods(world).find((a) => a.name === loc.pod);
    const pod = cluster.pods.find((p) => p.namespace === loc.namespace && p.name === loc.pod);
    const name = agent?.node ?? pod?.nodeName;
    const node = cluster.nodes.find((n) => n.name === name);
    if (node) return node;
  }
  return cluster.nodes.find((n) => n.schedulable) ?? cluster.nodes[0]!;
}

/** Whether the shell is inside a Cilium agent container (where `cilium` is `cilium-dbg`). */
export function inAgent(world: SimWorld, shell: ShellState): boolean {
  const loc = shell.location;
  if (loc.kind !== 'pod') return false;
  if (/(^|\/)cilium\/cilium(:|@|$)/.test(loc.image)) return true;
  return loc.namespace === 'kube-system' && agentPods(world).some((a) => a.name === loc.pod);
}

const endpointIdCache = new WeakMap<Cluster, Map<string, number>>();

/**
 * Endpoint IDs of pod endpoints, keyed `namespace/name`: a stable hash of the pod key into
 * 1–4095, moved on past IDs already taken on the same node. The flow builder numbers pods the
 * same way, so `hubble observe -o json` and `endpoint list` agree.
 */
export function podEndpointIds(cluster: Cluster): Map<string, number> {
  const hit = endpointIdCache.get(cluster);
  if (hit) return hit;
  const ids = endpointIdsOf(cluster.pods);
  endpointIdCache.set(cluster, ids);
  return ids;
}

/** An ID for one of the agent's own endpoints (host, health), free among the node's pods. */
export function specialEndpointId(cluster: Cluster, node: string, what: 'host' | 'health'): number {
  const ids = podEndpointIds(cluster);
  const taken = new Set<number>();
  for (const p of cluster.pods)
    if (p.nodeName === node) {
      const id = ids.get(`${p.namespace}/${p.name}`);
      if (id !== undefined) taken.add(id);
    }
  if (what === 'health') taken.add(specialEndpointId(cluster, node, 'host'));
  let id = 1 + (fnv1a(`${what}-endpoint:${node}`) % 4095);
  while (taken.has(id)) id = (id % 4095) + 1;
  return id;
}

/** The address of the node's health endpoint: a free slot in the node's pod CIDR. */
export function healthAddress(cluster: Cluster, node: ClusterNode): string {
  const [base = '10.244.0.0', bitsText = '24'] = node.podCIDR.split('/');
  const octets = base.split('.').map(Number);
  const size = 2 ** (32 - Number(bitsText));
  const used = new Set(cluster.pods.map((p) => p.ip));
  const start = fnv1a(`health:${node.name}`) % Math.max(1, size - 3);
  for (let k = 0; k < size - 3; k++) {
    const n = 2 + ((start + k) % (size - 3));
    const v =
      (((octets[0]! << 24) >>> 0) + (octets[1]! << 16) + (octets[2]! << 8) + octets[3]! + n) >>> 0;
    const ip = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
    if (!used.has(ip)) return ip;
  }
  return '';
}

/** Pod endpoints an agent manages: the node's pods that are not on the host network. */
export function nodePods(cluster: Cluster, node: string): Pod[] {
  return cluster.pods.filter((p) => p.nodeName === node && !p.hostNetwork && p.ip !== '');
}

const firstSeen = new WeakMap<SimWorld, number>();

/**
 * When the agents started, in simulated time: when the lesson's oldest object appeared (lessons
 * start three days into the cluster's life), else three days before the world's clock first
 * reached these commands.
 */
export function agentStart(world: SimWorld): number {
  const created = world
    .liveFiles()
    .map((f) => world.fileCreatedAt(f))
    .filter((t): t is number => t !== undefined);
  if (created.length) return Math.min(...created);
  let seen = firstSeen.get(world);
  if (seen === undefined) {
    seen = world.clock.now() - 3 * 86_400_000;
    firstSeen.set(world, seen);
  }
  return seen;
}
