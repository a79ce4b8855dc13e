/**
 * The cluster's own workloads, which no lesson file declares: a kind cluster with Cilium as its
 * CNI and kube-proxy replacement. The Cilium agent and Envoy run on every node, the operator
 * next to them, the control plane as static pods; all of them use the host network, so they have
 * no endpoints or identities of their own. CoreDNS pods come from the engine; its Deployment is
 * added here.
 */
import type { ClusterNode } from '../../../engine/cluster/model.ts';
import { safeSuffix } from '../../../engine/hash.ts';
import type { CiliumVersion } from '../../../engine/types.ts';
import type { ApiObject, Catalog, Container, Obj, OwnerRef } from './catalog.ts';
import { typeForKind } from './resources.ts';

/** How long before the learner arrived the cluster was created (3 days and 20 minutes). */
export const CLUSTER_AGE_MS = (3 * 24 * 60 + 20) * 60_000;

/** Kubernetes release of the simulated nodes (kind's node image). */
export const KUBERNETES_VERSION = 'v1.33.1';

const CILIUM_TAGS: Record<CiliumVersion, string> = {
  '1.16': 'v1.16.15',
  '1.17': 'v1.17.9',
  '1.18': 'v1.18.3',
  '1.19': 'v1.19.0',
  '1.20': 'v1.20.0-pre.1',
};

/** The agent image of the Cilium release the engine imitates. */
export function ciliumImage(version: CiliumVersion): string {
  return `quay.io/cilium/cilium:${CILIUM_TAGS[version]}`;
}

/** Programs the cluster's own images ship besides a busybox userland (by image repository). */
export const SYSTEM_IMAGE_TOOLS: Readonly<Record<string, readonly string[]>> = {
  'cilium/cilium': ['cilium', 'cilium-dbg', 'hubble', 'bpftool', 'curl', 'ip'],
};

const AGENT_INIT = [
  'config',
  'mount-cgroup',
  'apply-sysctl-overwrites',
  'mount-bpf-fs',
  'clean-cilium-state',
  'install-cni-binaries',
];

const container = (name: string, image: string, extra: Partial<Container> = {}): Container => ({
  name,
  image,
  ports: [],
  ...extra,
});

export function systemObjects(catalog: Catalog): ApiObject[] {
  const world = catalog.world;
  const cluster = world.engine.cluster;
  const created = catalog.clusterCreated;
  const agentImage = ciliumImage(world.engine.options.ciliumVersion);
  const operatorImage = agentImage.replace('/cilium:', '/operator-generic:');
  const out: ApiObject[] = [];
  const ns = 'kube-system';
  const podType = typeForKind('Pod')!;
  const cp = cluster.nodes.find((n) => n.controlPlane) ?? cluster.nodes[0];

  const pod = (
    name: string,
    node: ClusterNode,
    labels: Record<string, string>,
    containers: Container[],
    owner: OwnerRef,
    opts: { init?: Container[]; serviceAccount?: string; priorityClass?: string } = {},
  ): void => {
    const spec: Obj = {
      hostNetwork: true,
      nodeName: node.name,
      serviceAccountName: opts.serviceAccount ?? 'default',
      priorityClassName: opts.priorityClass ?? 'system-node-critical',
      containers: containers.map(toSpec),
      ...(opts.init ? { initContainers: opts.init.map(toSpec) } : {}),
    };
    out.push({
      type: podType,
      name,
      namespace: ns,
      labels,
      annotations: {},
      createdAt: created,
      source: { kind: 'cluster' },
      body: { apiVersion: 'v1', kind: 'Pod', spec },
      owner,
      generation: 1,
      pod: {
        ip: node.ip,
        nodeName: node.name,
        hostIP: node.ip,
        hostNetwork: true,
        serviceAccount: opts.serviceAccount ?? 'default',
        containers,
        initContainers: opts.init ?? [],
        restartPolicy: 'Always',
        spec,
      },
    });
  };

  const workload = (
    kind: 'DaemonSet' | 'Deployment' | 'ReplicaSet',
    name: string,
    labels: Record<string, string>,
    selector: Record<string, string>,
    containers: Container[],
    replicas: { desired: number; current: number },
    extra: Partial<ApiObject> = {},
  ): void => {
    out.push({
      type: typeForKind(kind)!,
      name,
      namespace: ns,
      labels,
      annotations: {},
      createdAt: created,
      source: { kind: 'cluster' },
      body: {
        apiVersion: 'apps/v1',
        kind,
        spec: {
          ...(kind === 'DaemonSet' ? {} : { replicas: replicas.desired }),
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: selector },
            spec: { hostNetwork: true, containers: containers.map(toSpec) },
          },
        },
      },
      generation: 1,
      replicas,
      ...extra,
    });
  };

  // Cilium agent and Envoy: one pod per node.
  const agentLabels = {
    'app.kubernetes.io/name': 'cilium-agent',
    'app.kubernetes.io/part-of': 'cilium',
    'k8s-app': 'cilium',
  };
  const envoyLabels = {
    'app.kubernetes.io/name': 'cilium-envoy',
    'app.kubernetes.io/part-of': 'cilium',
    'k8s-app': 'cilium-envoy',
    name: 'cilium-envoy',
  };
  const agent = [
    container('cilium-agent', agentImage, {
      command: ['cilium-agent'],
      args: ['--config-dir=/tmp/cilium/config-map'],
    }),
  ];
  const envoy = [
    container('cilium-envoy', 'quay.io/cilium/cilium-envoy:v1.34.10', {
      command: ['/usr/bin/cilium-envoy-starter'],
    }),
  ];
  const agentRev = safeSuffix(`cilium/${agentImage}`, 10);
  const envoyRev = safeSuffix('cilium-envoy', 10);
  for (const node of cluster.nodes) {
    pod(
      `cilium-${safeSuffix(`cilium@${node.name}`, 5)}`,
      node,
      { ...agentLabels, 'controller-revision-hash': agentRev, 'pod-template-generation': '1' },
      agent,
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'cilium' },
      { init: AGENT_INIT.map((n) => container(n, agentImage)), serviceAccount: 'cilium' },
    );
    pod(
      `cilium-envoy-${safeSuffix(`cilium-envoy@${node.name}`, 5)}`,
      node,
      { ...envoyLabels, 'controller-revision-hash': envoyRev, 'pod-template-generation': '1' },
      envoy,
      { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'cilium-envoy' },
      { serviceAccount: 'cilium-envoy' },
    );
  }
  const nodes = cluster.nodes.length;
  workload('DaemonSet', 'cilium', agentLabels, { 'k8s-app': 'cilium' }, agent, {
    desired: nodes,
    current: nodes,
  });
  workload('DaemonSet', 'cilium-envoy', envoyLabels, { 'k8s-app': 'cilium-envoy' }, envoy, {
    desired: nodes,
    current: nodes,
  });

  // Cilium operator: one replica, on the control plane.
  if (cp) {
    const hash = safeSuffix(`cilium-operator/${operatorImage}`, 10);
    const labels = {
      'app.kubernetes.io/name': 'cilium-operator',
      'app.kubernetes.io/part-of': 'cilium',
      'io.cilium/app': 'operator',
      name: 'cilium-operator',
    };
    const op = [
      container('cilium-operator', operatorImage, { command: ['cilium-operator-generic'] }),
    ];
    const rs = `cilium-operator-${hash}`;
    pod(
      `${rs}-${safeSuffix('cilium-operator/0', 5)}`,
      cp,
      { ...labels, 'pod-template-hash': hash },
      op,
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: rs,
      },
      { serviceAccount: 'cilium-operator', priorityClass: 'system-cluster-critical' },
    );
    workload(
      'Deployment',
      'cilium-operator',
      labels,
      { 'io.cilium/app': 'operator', name: 'cilium-operator' },
      op,
      {
        desired: 1,
        current: 1,
      },
    );
    workload(
      'ReplicaSet',
      rs,
      { ...labels, 'pod-template-hash': hash },
      { 'io.cilium/app': 'operator', name: 'cilium-operator', 'pod-template-hash': hash },
      op,
      { desired: 1, current: 1 },
      {
        owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cilium-operator' },
      },
    );

    // The control plane's static pods.
    const statics: [string, string, string][] = [
      ['etcd', 'registry.k8s.io/etcd:3.5.21-0', 'etcd'],
      ['kube-apiserver', `registry.k8s.io/kube-apiserver:${KUBERNETES_VERSION}`, 'kube-apiserver'],
      [
        'kube-controller-manager',
        `registry.k8s.io/kube-controller-manager:${KUBERNETES_VERSION}`,
        'kube-controller-manager',
      ],
      ['kube-scheduler', `registry.k8s.io/kube-scheduler:${KUBERNETES_VERSION}`, 'kube-scheduler'],
    ];
    for (const [component, image, cmd] of statics) {
      pod(
        `${component}-${cp.name}`,
        cp,
        { component, tier: 'control-plane' },
        [container(component, image, { command: [cmd] })],
        { apiVersion: 'v1', kind: 'Node', name: cp.name },
        { priorityClass: 'system-node-critical' },
      );
    }
  }

  // CoreDNS's Deployment and ReplicaSet, when the engine runs the default CoreDNS pods.
  const dns = catalog
    .list(podType, ns)
    .filter((p) => p.labels['k8s-app'] === 'kube-dns' && p.source.kind === 'cluster');
  const rsName = dns[0]?.owner?.name;
  if (rsName) {
    const hash = rsName.slice('coredns-'.length);
    const containers = dns[0]!.pod?.containers ?? [];
    workload(
      'Deployment',
      'coredns',
      { 'k8s-app': 'kube-dns' },
      { 'k8s-app': 'kube-dns' },
      containers,
      {
        desired: dns.length,
        current: dns.length,
      },
    );
    workload(
      'ReplicaSet',
      rsName,
      { 'k8s-app': 'kube-dns', 'pod-template-hash': hash },
      { 'k8s-app': 'kube-dns', 'pod-template-hash': hash },
      containers,
      { desired: dns.length, current: dns.length },
      {
        owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'coredns' },
      },
    );
  }
  return out;
}

function toSpec(c: Container): Obj {
  return {
    name: c.name,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    ...(c.args ? { args: c.args } : {}),
    ...(c.ports.length > 0 ? { ports: c.ports } : {}),
  };
}
