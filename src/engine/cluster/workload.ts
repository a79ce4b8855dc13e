/**
 * Which workload a pod belongs to, for grouping pods the way people think of them (graph nodes,
 * generated policies): from its owner when the cluster is known, from its name otherwise.
 */
import type { Pod } from './model.ts';

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
