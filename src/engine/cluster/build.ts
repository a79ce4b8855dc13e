/**
 * Stage 2: manifests → simulated cluster.
 *
 * Workloads expand into pods with the names a real controller would give them; addresses come
 * from hashes of the object's own identity, so editing one document never moves another pod.
 */
import type { RawObject } from '../yaml/documents.ts';
import type { Diagnostic, Protocol } from '../types.ts';
import { fnv1a, safeSuffix, stableJson } from '../hash.ts';
import { formatIPv4, parseIPv4 } from '../ip.ts';
import {
  KUBE_DNS_IP,
  KUBERNETES_SERVICE_IP,
  type Cluster,
  type ClusterNode,
  type ContainerPort,
  type Namespace,
  type Pod,
  type Service,
  type ServicePort,
} from './model.ts';
import { NAMESPACE_NAME_LABEL } from '../labels.ts';

type Obj = Record<string, unknown>;

/** Kinds that shape the cluster; everything else except policies is listed as ignored. */
export const CLUSTER_KINDS = new Set([
  'Namespace',
  'Node',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'Service',
  'ServiceAccount',
  'Endpoints',
  'EndpointSlice',
]);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    if (val === null || val === undefined) continue;
    out[k] = String(val);
  }
  return out;
}

function protocolOf(v: unknown): Protocol {
  return v === 'UDP' || v === 'SCTP' ? v : 'TCP';
}

interface PodTemplate {
  labels: Record<string, string>;
  spec: Obj;
}

function containerPorts(spec: Obj): ContainerPort[] {
  const out: ContainerPort[] = [];
  const containers = [
    ...(Array.isArray(spec.containers) ? spec.containers : []),
    ...(Array.isArray(spec.initContainers) ? spec.initContainers : []),
  ];
  for (const c of containers) {
    if (!isObj(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isObj(p)) continue;
      const port = Number(p.containerPort);
      if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
      const name = str(p.name);
      out.push({ ...(name ? { name } : {}), port, protocol: protocolOf(p.protocol) });
    }
  }
  return out;
}

function images(spec: Obj): string[] {
  const cs = Array.isArray(spec.containers) ? spec.containers : [];
  return cs.filter(isObj).map((c) => str(c.image) ?? '');
}

/** Default cluster: three nodes named as kind names them. */
function defaultNodes(): ClusterNode[] {
  const names = ['kind-control-plane', 'kind-worker', 'kind-worker2'];
  return names.map((name, i) => ({
    name,
    ip: `172.18.0.${i + 2}`,
    podCIDR: `10.244.${i}.0/24`,
    labels: {
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      ...(i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    },
    controlPlane: i === 0,
    schedulable: i !== 0,
    declared: false,
  }));
}

/** Everything the builder needs from one object. */
interface Meta {
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  obj: Obj;
  raw: RawObject;
}

export interface BuildResult {
  cluster: Cluster;
  diagnostics: Diagnostic[];
}

/** Builds the cluster from the non-policy objects. `namespaceRefs` adds namespaces used elsewhere. */
export function buildCluster(
  objects: readonly Meta[],
  namespaceRefs: Iterable<string>,
): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const byKind = (k: string) => objects.filter((o) => o.kind === k);

  // Nodes
  const declaredNodes = byKind('Node');
  let nodes: ClusterNode[];
  if (declaredNodes.length === 0) nodes = defaultNodes();
  else {
    nodes = declaredNodes
      .map((m, i) => {
        const status = isObj(m.obj.status) ? m.obj.status : {};
        const spec = isObj(m.obj.spec) ? m.obj.spec : {};
        const addrs = Array.isArray(status.addresses) ? status.addresses.filter(isObj) : [];
        const internal = str(addrs.find((a) => a.type === 'InternalIP')?.address);
        const controlPlane =
          'node-role.kubernetes.io/control-plane' in m.labels ||
          'node-role.kubernetes.io/master' in m.labels;
        const taints = Array.isArray(spec.taints) ? spec.taints.filter(isObj) : [];
        const noSchedule = taints.some((t) => t.effect === 'NoSchedule');
        return {
          name: m.name,
          ip: internal && parseIPv4(internal) !== null ? internal : `172.18.0.${i + 2}`,
          podCIDR: str(spec.podCIDR) ?? `10.244.${i}.0/24`,
          labels: { 'kubernetes.io/hostname': m.name, ...m.labels },
          controlPlane,
          schedulable: !noSchedule && (!controlPlane || declaredNodes.length === 1),
          declared: true,
        };
      })
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    if (!nodes.some((n) => n.schedulable)) nodes.forEach((n) => (n.schedulable = true));
  }
  const workers = nodes.filter((n) => n.schedulable);

  // Namespaces
  const nsMap = new Map<string, Namespace>();
  for (const m of byKind('Namespace')) {
    nsMap.set(m.name, {
      name: m.name,
      labels: { ...m.labels, [NAMESPACE_NAME_LABEL]: m.name },
      declared: true,
      source: m.raw.locate([]),
    });
  }
  const ensureNs = (name: string) => {
    if (!nsMap.has(name))
      nsMap.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, declared: false });
  };
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) ensureNs(n);
  for (const m of objects) if (m.kind !== 'Namespace' && m.kind !== 'Node') ensureNs(m.namespace);
  for (const n of namespaceRefs) ensureNs(n);

  // Pods, before addresses
  const pods: Pod[] = [];
  const fixedIps = new Set<string>();
  const makePod = (
    m: Meta,
    name: string,
    tpl: PodTemplate,
    extraLabels: Record<string, string>,
    owner?: { kind: string; name: string },
    nodeName?: string,
    ip?: string,
  ) => {
    const spec = tpl.spec;
    const hostNetwork = spec.hostNetwork === true;
    const node =
      nodeName ??
      str(spec.nodeName) ??
      workers[fnv1a(`${m.namespace}/${name}`) % Math.max(1, workers.length)]?.name ??
      nodes[0]!.name;
    const pod: Pod = {
      namespace: m.namespace,
      name,
      labels: { ...tpl.labels, ...extraLabels },
      ip: ip ?? '',
      nodeName: node,
      serviceAccount: str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? 'default',
      hostNetwork,
      ports: containerPorts(spec),
      images: images(spec),
      ...(owner ? { owner } : {}),
      source: m.raw.locate([]),
    };
    if (pod.ip) fixedIps.add(pod.ip);
    pods.push(pod);
  };

  const template = (m: Meta): PodTemplate | null => {
    const spec = isObj(m.obj.spec) ? m.obj.spec : {};
    const tpl = isObj(spec.template) ? spec.template : null;
    if (!tpl) {
      diagnostics.push({
        severity: 'error',
        code: 'missing-field',
        message: `${m.kind} ${m.namespace}/${m.name} has no spec.template: no pods were created`,
        range: m.raw.locate(['spec']),
        kind: m.kind,
        namespace: m.namespace,
        name: m.name,
        path: 'spec.template',
      });
      return null;
    }
    const meta = isObj(tpl.metadata) ? tpl.metadata : {};
    return { labels: stringMap(meta.labels), spec: isObj(tpl.spec) ? tpl.spec : {} };
  };
  const replicas = (m: Meta, dflt = 1): number => {
    const spec = isObj(m.obj.spec) ? m.obj.spec : {};
    const r = spec.replicas ?? spec.parallelism;
    if (r === undefined || r === null) return dflt;
    const n = Number(r);
    return Number.isInteger(n) && n >= 0 ? Math.min(n, 1000) : dflt;
  };

  for (const m of objects) {
    switch (m.kind) {
      case 'Pod': {
        const spec = isObj(m.obj.spec) ? m.obj.spec : {};
        const status = isObj(m.obj.status) ? m.obj.status : {};
        const ip = str(status.podIP);
        makePod(
          m,
          m.name,
          { labels: m.labels, spec },
          {},
          undefined,
          str(spec.nodeName),
          ip && parseIPv4(ip) !== null ? ip : undefined,
        );
        break;
      }
      case 'Deployment': {
        const tpl = template(m);
        if (!tpl) break;
        // pod-template-hash: a hash of the template, as the Deployment controller computes one.
        const hash = safeSuffix(stableJson(tpl), 10);
        const rs = `${m.name}-${hash}`;
        for (let i = 0; i < replicas(m); i++) {
          makePod(
            m,
            `${rs}-${safeSuffix(`${rs}/${i}`, 5)}`,
            tpl,
            { 'pod-template-hash': hash },
            {
              kind: 'ReplicaSet',
              name: rs,
            },
          );
        }
        break;
      }
      case 'ReplicaSet': {
        const tpl = template(m);
        if (!tpl) break;
        for (let i = 0; i < replicas(m); i++) {
          makePod(
            m,
            `${m.name}-${safeSuffix(`${m.name}/${i}`, 5)}`,
            tpl,
            {},
            {
              kind: 'ReplicaSet',
              name: m.name,
            },
          );
        }
        break;
      }
      case 'StatefulSet': {
        const tpl = template(m);
        if (!tpl) break;
        const rev = `${m.name}-${safeSuffix(stableJson(tpl), 10)}`;
        for (let i = 0; i < replicas(m); i++) {
          makePod(
            m,
            `${m.name}-${i}`,
            tpl,
            {
              'controller-revision-hash': rev,
              'statefulset.kubernetes.io/pod-name': `${m.name}-${i}`,
              'apps.kubernetes.io/pod-index': String(i),
            },
            { kind: 'StatefulSet', name: m.name },
          );
        }
        break;
      }
      case 'DaemonSet': {
        const tpl = template(m);
        if (!tpl) break;
        const rev = safeSuffix(stableJson(tpl), 10);
        const tolerations = Array.isArray(tpl.spec.tolerations)
          ? tpl.spec.tolerations.filter(isObj)
          : [];
        const toleratesAll = tolerations.some(
          (t) =>
            (t.operator === 'Exists' && t.key === undefined) ||
            String(t.key ?? '').startsWith('node-role.kubernetes.io/'),
        );
        for (const n of nodes) {
          if (!n.schedulable && !toleratesAll) continue;
          makePod(
            m,
            `${m.name}-${safeSuffix(`${m.namespace}/${m.name}@${n.name}`, 5)}`,
            tpl,
            { 'controller-revision-hash': rev, 'pod-template-generation': '1' },
            { kind: 'DaemonSet', name: m.name },
            n.name,
          );
        }
        break;
      }
      case 'Job': {
        const tpl = template(m);
        if (!tpl) break;
        const uid = `${safeSuffix(`${m.namespace}/${m.name}`, 8)}-uid`;
        for (let i = 0; i < replicas(m); i++) {
          makePod(
            m,
            `${m.name}-${safeSuffix(`${m.name}/${i}`, 5)}`,
            tpl,
            {
              'batch.kubernetes.io/controller-uid': uid,
              'batch.kubernetes.io/job-name': m.name,
              'controller-uid': uid,
              'job-name': m.name,
            },
            { kind: 'Job', name: m.name },
          );
        }
        break;
      }
    }
  }

  // CoreDNS, unless the manifests bring their own.
  const hasDns = pods.some(
    (p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns',
  );
  if (!hasDns) {
    const cp = nodes.find((n) => n.controlPlane) ?? nodes[0]!;
    for (let i = 0; i < 2; i++) {
      pods.push({
        namespace: 'kube-system',
        name: `coredns-${safeSuffix('coredns', 10)}-${safeSuffix(`coredns/${i}`, 5)}`,
        labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': safeSuffix('coredns', 10) },
        ip: '',
        nodeName: cp.name,
        serviceAccount: 'coredns',
        hostNetwork: false,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
        images: ['registry.k8s.io/coredns/coredns:v1.12.0'],
        owner: { kind: 'ReplicaSet', name: `coredns-${safeSuffix('coredns', 10)}` },
      });
    }
  }

  // Pod addresses: a hashed slot in the node's /24, probing on collision.
  const used = new Set<string>([...fixedIps, ...nodes.map((n) => n.ip)]);
  const order = pods
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !p.ip)
    .sort((a, b) => {
      const ka = `${a.p.namespace}/${a.p.name}`;
      const kb = `${b.p.namespace}/${b.p.name}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
  for (const { p } of order) {
    const node = nodes.find((n) => n.name === p.nodeName) ?? nodes[0]!;
    if (p.hostNetwork) {
      p.ip = node.ip;
      continue;
    }
    const base = parseIPv4(node.podCIDR.split('/')[0] ?? '');
    const bits = Number(node.podCIDR.split('/')[1] ?? 24);
    if (base === null) continue;
    const size = Math.max(4, 2 ** (32 - bits));
    const usable = size - 3; // network, gateway (.1), broadcast
    const start = fnv1a(`${p.namespace}/${p.name}`) % usable;
    for (let k = 0; k < usable; k++) {
      const ip = formatIPv4(Number(base) + 2 + ((start + k) % usable));
      if (!used.has(ip)) {
        used.add(ip);
        p.ip = ip;
        break;
      }
    }
    if (!p.ip) {
      diagnostics.push({
        severity: 'warning',
        code: 'no-address',
        message: `node ${node.name} has no free address in ${node.podCIDR} for pod ${p.namespace}/${p.name}`,
        range: p.source ?? { file: '', startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      });
    }
  }

  // Services
  const services: Service[] = [];
  const usedSvc = new Set<string>([KUBE_DNS_IP, KUBERNETES_SERVICE_IP]);
  const svcObjs = byKind('Service');
  for (const m of svcObjs) {
    const spec = isObj(m.obj.spec) ? m.obj.spec : {};
    const ip = str(spec.clusterIP);
    if (ip && ip !== 'None' && parseIPv4(ip) !== null) usedSvc.add(ip);
  }
  const hasKubeDnsSvc = svcObjs.some((m) => m.namespace === 'kube-system' && m.name === 'kube-dns');
  for (const m of svcObjs) {
    const spec = isObj(m.obj.spec) ? m.obj.spec : {};
    let clusterIP = str(spec.clusterIP);
    const type =
      (['NodePort', 'LoadBalancer', 'ExternalName'] as const).find((t) => t === spec.type) ??
      'ClusterIP';
    if (!clusterIP || (clusterIP !== 'None' && parseIPv4(clusterIP) === null)) {
      // 10.96.0.0/12 holds 2^20 addresses; skip the network address and the well-known ones.
      let slot = 11 + (fnv1a(`${m.namespace}/${m.name}`) % (2 ** 20 - 12));
      for (;;) {
        const candidate = formatIPv4(Number(parseIPv4('10.96.0.0')!) + slot);
        if (!usedSvc.has(candidate)) {
          clusterIP = candidate;
          usedSvc.add(candidate);
          break;
        }
        slot = 11 + ((slot - 11 + 1) % (2 ** 20 - 12));
      }
    }
    const ports: ServicePort[] = (Array.isArray(spec.ports) ? spec.ports : [])
      .filter(isObj)
      .map((p, i) => {
        const port = Number(p.port);
        const tp = p.targetPort;
        const name = str(p.name);
        const nodePort =
          type === 'NodePort' || type === 'LoadBalancer'
            ? Number(p.nodePort) || 30000 + (fnv1a(`${m.namespace}/${m.name}/${i}`) % 2768)
            : undefined;
        return {
          ...(name ? { name } : {}),
          port,
          targetPort:
            typeof tp === 'number'
              ? tp
              : typeof tp === 'string' && tp !== ''
                ? /^\d+$/.test(tp)
                  ? Number(tp)
                  : tp
                : port,
          protocol: protocolOf(p.protocol),
          ...(nodePort !== undefined ? { nodePort } : {}),
        };
      });
    const selector = isObj(spec.selector) ? stringMap(spec.selector) : undefined;
    services.push({
      namespace: m.namespace,
      name: m.name,
      type,
      clusterIP: clusterIP!,
      ...(selector && Object.keys(selector).length > 0 ? { selector } : {}),
      ports,
      labels: m.labels,
      manualEndpoints: [],
      source: m.raw.locate([]),
    });
  }
  if (!hasKubeDnsSvc) {
    services.push({
      namespace: 'kube-system',
      name: 'kube-dns',
      type: 'ClusterIP',
      clusterIP: KUBE_DNS_IP,
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, targetPort: 9153, protocol: 'TCP' },
      ],
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
      manualEndpoints: [],
    });
  }
  if (!svcObjs.some((m) => m.namespace === 'default' && m.name === 'kubernetes')) {
    const cp = nodes.find((n) => n.controlPlane) ?? nodes[0]!;
    services.push({
      namespace: 'default',
      name: 'kubernetes',
      type: 'ClusterIP',
      clusterIP: KUBERNETES_SERVICE_IP,
      ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }],
      labels: { component: 'apiserver', provider: 'kubernetes' },
      manualEndpoints: [cp.ip],
    });
  }
  // Endpoints / EndpointSlices for selector-less services.
  for (const m of [...byKind('Endpoints'), ...byKind('EndpointSlice')]) {
    const svcName =
      m.kind === 'Endpoints' ? m.name : (m.labels['kubernetes.io/service-name'] ?? '');
    const svc = services.find((s) => s.namespace === m.namespace && s.name === svcName);
    if (!svc || svc.selector) continue;
    const addrs: string[] = [];
    if (m.kind === 'Endpoints') {
      for (const sub of Array.isArray(m.obj.subsets) ? m.obj.subsets.filter(isObj) : [])
        for (const a of Array.isArray(sub.addresses) ? sub.addresses.filter(isObj) : [])
          if (str(a.ip)) addrs.push(a.ip as string);
    } else {
      for (const ep of Array.isArray(m.obj.endpoints) ? m.obj.endpoints.filter(isObj) : [])
        for (const a of Array.isArray(ep.addresses) ? ep.addresses : [])
          if (typeof a === 'string') addrs.push(a);
    }
    svc.manualEndpoints.push(...addrs);
  }

  const serviceAccounts = byKind('ServiceAccount').map((m) => ({
    namespace: m.namespace,
    name: m.name,
  }));
  const sortNs = <T extends { namespace: string; name: string }>(a: T, b: T) =>
    a.namespace === b.namespace
      ? a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0
      : a.namespace < b.namespace
        ? -1
        : 1;
  pods.sort(sortNs);
  services.sort(sortNs);
  return {
    cluster: {
      nodes,
      namespaces: [...nsMap.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
      pods,
      services,
      serviceAccounts,
      ignored: [],
    },
    diagnostics,
  };
}

export type { Meta as ClusterObjectMeta };
