/**
 * Which workload a pod belongs to, for grouping pods the way people think of them (flows, diff
 * rows, graph nodes, generated policies): from its owner when the cluster is known, from its name
 * otherwise.
 */
import type { Pod } from './model.ts';

/** A workload by name and kind, as a flow's `workloads` field lists it. */
export interface OwnerWorkload {
  name: string;
  kind: string;
}

/**
 * The workload that owns a pod, named as Hubble names it in a flow's `workloads` field: a
 * ReplicaSet named `<deployment>-<pod-template-hash>` stands for its Deployment, any other owner
 * for itself. Undefined for a pod without an owner.
 */
export function ownerWorkload(pod: Pod): OwnerWorkload | undefined {
  const o = pod.owner;
  if (!o) return undefined;
  if (o.kind === 'ReplicaSet') {
    const hash = pod.labels['pod-template-hash'];
    if (hash && o.name.endsWith(`-${hash}`))
      return { name: o.name.slice(0, -(hash.length + 1)), kind: 'Deployment' };
    // Without the label, a ReplicaSet in kube-system is still taken for a Deployment's: the
    // system add-ons there (CoreDNS and the like) are deployed that way.
    const dash = o.name.lastIndexOf('-');
    if (dash > 0 && pod.namespace === 'kube-system')
      return { name: o.name.slice(0, dash), kind: 'Deployment' };
  }
  return { name: o.name, kind: o.kind };
}

/** The pod's Deployment, StatefulSet, DaemonSet, Job, or the pod itself. */
export function workloadOf(pod: Pod): string {
  const o = pod.owner;
  if (!o) return pod.name;
  // A ReplicaSet made by a Deployment is named `<deployment>-<hash>`.
  if (o.kind === 'ReplicaSet') return o.name.replace(/-[a-z0-9]{6,10}$/, '');
  return o.name;
}

/**
 * The workload a pod name suggests when only the name is known (flows from another cluster):
 * the suffixes controllers add are dropped — ReplicaSet hash and pod suffix, StatefulSet
 * ordinal, DaemonSet suffix.
 */
export function workloadFromPodName(pod: string): string {
  const rs = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  if (rs) return rs[1]!;
  const sts = /^(.+)-\d+$/.exec(pod);
  if (sts) return sts[1]!;
  const ds = /^(.+)-[a-z0-9]{5}$/.exec(pod);
  return ds ? ds[1]! : pod;
}
