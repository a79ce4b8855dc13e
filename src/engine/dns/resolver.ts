/**
 * The simulated DNS: CoreDNS for cluster names, plus a public zone given as data.
 *
 * Cluster names follow the Kubernetes DNS specification: `svc.ns.svc.cluster.local` answers the
 * ClusterIP, or every ready backend address for a headless service; `pod.svc.ns.svc.cluster.local`
 * answers one backend of a headless service; `a-b-c-d.ns.pod.cluster.local` answers that address.
 * Anything else under `cluster.local` and any public name not in the zone is NXDOMAIN.
 */
import type { Cluster } from '../cluster/model.ts';
import { normaliseName } from '../l7/dns.ts';

export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'REFUSED' | 'SERVFAIL';

/** One answer from the authoritative data (before any proxy). */
export interface DnsAnswer {
  /** The queried name, normalised (lower case, trailing dot). */
  name: string;
  rcode: Rcode;
  /** A records, in answer order. */
  addresses: string[];
  /** True for cluster.local names, which CoreDNS answers authoritatively. */
  authoritative: boolean;
}

/** The public zone: name → addresses. Keys may be written with or without a trailing dot. */
export type PublicZone = Readonly<Record<string, readonly string[]>>;

export const CLUSTER_DOMAIN = 'cluster.local.';

/** The search list a pod's resolv.conf has in namespace `ns` (with `options ndots:5`). */
export function searchList(ns: string): string[] {
  return [`${ns}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN];
}

/**
 * The names a resolver tries for `typed`, in order: with fewer than 5 dots the search list comes
 * first, then the name itself; a trailing dot means the name alone.
 */
export function candidateNames(typed: string, ns: string): string[] {
  if (typed.endsWith('.')) return [normaliseName(typed)];
  const dots = (typed.match(/\./g) ?? []).length;
  const expanded = searchList(ns).map((d) => normaliseName(`${typed}.${d}`));
  return dots >= 5 ? [normaliseName(typed), ...expanded] : [...expanded, normaliseName(typed)];
}

/** Answers one fully qualified name. */
export function answer(cluster: Cluster, zone: PublicZone, fqdn: string): DnsAnswer {
  const name = normaliseName(fqdn);
  if (name.endsWith(`.${CLUSTER_DOMAIN}`) || name === CLUSTER_DOMAIN) {
    const labels = name.slice(0, -(CLUSTER_DOMAIN.length + 1)).split('.');
    const nx: DnsAnswer = { name, rcode: 'NXDOMAIN', addresses: [], authoritative: true };
    const last = labels[labels.length - 1];
    if (last === 'svc' && (labels.length === 3 || labels.length === 4)) {
      const [first, second, third] = labels;
      const svcName = labels.length === 3 ? first : second;
      const ns = labels.length === 3 ? second : third;
      const svc = cluster.services.find((s) => s.namespace === ns && s.name === svcName);
      if (!svc) return nx;
      const backends = cluster.pods.filter(
        (p) =>
          p.namespace === svc.namespace &&
          p.ip !== '' &&
          svc.selector !== undefined &&
          Object.entries(svc.selector).every(([k, v]) => p.labels[k] === v),
      );
      if (labels.length === 4) {
        if (svc.clusterIP !== 'None') return nx;
        const pod = backends.find((p) => p.name === first);
        return pod ? { name, rcode: 'NOERROR', addresses: [pod.ip], authoritative: true } : nx;
      }
      if (svc.type === 'ExternalName') return nx;
      const addresses =
        svc.clusterIP === 'None'
          ? backends.length > 0
            ? backends.map((p) => p.ip)
            : svc.manualEndpoints
          : [svc.clusterIP];
      return { name, rcode: 'NOERROR', addresses, authoritative: true };
    }
    if (last === 'pod' && labels.length === 3) {
      const ip = labels[0]!.replace(/-/g, '.');
      const pod = cluster.pods.find((p) => p.namespace === labels[1] && p.ip === ip);
      return pod ? { name, rcode: 'NOERROR', addresses: [ip], authoritative: true } : nx;
    }
    return nx;
  }
  for (const [k, v] of Object.entries(zone)) {
    if (normaliseName(k) === name)
      return { name, rcode: 'NOERROR', addresses: [...v], authoritative: false };
  }
  return { name, rcode: 'NXDOMAIN', addresses: [], authoritative: false };
}
