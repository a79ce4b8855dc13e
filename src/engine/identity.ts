/**
 * Security identities (brief §21, §22, and layer3.rst "Entities based").
 *
 * Every pod endpoint gets the label set Cilium derives for it; pods with equal sets share one
 * identity. Reserved identities stand for the nodes, the world and Cilium's special endpoints.
 * Numbers: reserved 1–8 as Cilium fixes them; cluster identities from 256 up, derived from a
 * hash of the label set so that they stay put when unrelated objects change.
 */
import type { Cluster, Pod } from './cluster/model.ts';
import { fnv1a } from './hash.ts';
import {
  CLUSTER_KEY,
  K8S,
  NAMESPACE_LABELS_PREFIX,
  POD_NAMESPACE_KEY,
  RESERVED,
  SERVICE_ACCOUNT_KEY,
  indexLabels,
  isIdentityRelevant,
  labelsKey,
  type Label,
  type LabelIndex,
} from './labels.ts';

export type IdentityKind = 'pod' | 'reserved';

export interface Identity {
  /** Dense index used by bitsets. */
  index: number;
  /** Cilium's numeric identity. */
  id: number;
  kind: IdentityKind;
  /** `reserved:host`, or the namespace of a pod identity. */
  name: string;
  namespace?: string;
  labels: Label[];
  lookup: LabelIndex;
}

/** Cilium's fixed reserved identities — pkg/identity/numericidentity.go. */
export const RESERVED_IDS = {
  host: 1,
  world: 2,
  unmanaged: 3,
  health: 4,
  init: 5,
  'remote-node': 6,
  'kube-apiserver': 7,
  ingress: 8,
} as const;

export type ReservedName = keyof typeof RESERVED_IDS;

/** The identities of a cluster, and which pod has which. */
export interface IdentityTable {
  all: Identity[];
  /** Reserved identities by name; `host+kube-apiserver` is the local control-plane node. */
  reserved: Map<string, Identity>;
  /** Pod key `ns/name` → identity (absent for hostNetwork pods). */
  byPod: Map<string, Identity>;
  podIdentities: Identity[];
}

/** The label set Cilium gives a pod endpoint (21), after the identity filter (22). */
export function podIdentityLabels(
  pod: Pod,
  nsLabels: Record<string, string>,
  clusterName: string,
): Label[] {
  const labels: Label[] = [];
  for (const [k, v] of Object.entries(pod.labels)) {
    if (isIdentityRelevant(k)) labels.push({ source: K8S, key: k, value: v });
  }
  labels.push({ source: K8S, key: POD_NAMESPACE_KEY, value: pod.namespace });
  labels.push({ source: K8S, key: SERVICE_ACCOUNT_KEY, value: pod.serviceAccount });
  labels.push({ source: K8S, key: CLUSTER_KEY, value: clusterName });
  for (const [k, v] of Object.entries(nsLabels)) {
    labels.push({ source: K8S, key: NAMESPACE_LABELS_PREFIX + k, value: v });
  }
  return labels;
}

/** Builds the identity table of a cluster. */
export function buildIdentities(cluster: Cluster, clusterName: string): IdentityTable {
  const all: Identity[] = [];
  const reserved = new Map<string, Identity>();
  const addReserved = (key: string, id: number, names: string[]) => {
    const labels = names.map((n) => ({ source: RESERVED, key: n, value: '' }));
    const ident: Identity = {
      index: all.length,
      id,
      kind: 'reserved',
      name: key,
      labels,
      lookup: indexLabels(labels),
    };
    all.push(ident);
    reserved.set(key, ident);
  };
  for (const [name, id] of Object.entries(RESERVED_IDS)) {
    if (name === 'kube-apiserver') addReserved(name, id, ['kube-apiserver', 'remote-node']);
    else addReserved(name, id, [name]);
  }
  // The API server on the local node: the host identity with the kube-apiserver label as well.
  addReserved('host+kube-apiserver', RESERVED_IDS.host, ['host', 'kube-apiserver']);

  const nsLabels = new Map(cluster.namespaces.map((n) => [n.name, n.labels]));
  const byKey = new Map<string, { labels: Label[]; namespace: string; pods: Pod[] }>();
  for (const pod of cluster.pods) {
    if (pod.hostNetwork) continue;
    const labels = podIdentityLabels(pod, nsLabels.get(pod.namespace) ?? {}, clusterName);
    const key = labelsKey(labels);
    const e = byKey.get(key);
    if (e) e.pods.push(pod);
    else byKey.set(key, { labels, namespace: pod.namespace, pods: [pod] });
  }
  const used = new Set<number>();
  const byPod = new Map<string, Identity>();
  const podIdentities: Identity[] = [];
  const RANGE = 65536 - 256;
  for (const key of [...byKey.keys()].sort()) {
    const e = byKey.get(key)!;
    let n = fnv1a(key) % RANGE;
    while (used.has(n)) n = (n + 1) % RANGE;
    used.add(n);
    const ident: Identity = {
      index: all.length,
      id: 256 + n,
      kind: 'pod',
      name: e.namespace,
      namespace: e.namespace,
      labels: e.labels.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      lookup: indexLabels(e.labels),
    };
    all.push(ident);
    podIdentities.push(ident);
    for (const p of e.pods) byPod.set(`${p.namespace}/${p.name}`, ident);
  }
  return { all, reserved, byPod, podIdentities };
}
