/**
 * Objects as the API server returns them (`-o yaml`, `-o json`, JSONPath, `describe`): the
 * manifest plus what the server and the controllers add — uid, resourceVersion, creation time,
 * owner references, defaulted fields and a status that matches the simulated cluster.
 */
import { fnv1a } from '../../../engine/hash.ts';
import { iso } from './duration.ts';
import {
  asArray,
  asObj,
  isObj,
  type ApiObject,
  type Catalog,
  type Container,
  type Obj,
} from './catalog.ts';
import { apiVersionOf } from './resources.ts';
import { KUBERNETES_VERSION } from './system.ts';

/** FNV-1a with a final avalanche, so that neighbouring seeds give unrelated digits. */
function mixed(seed: string): number {
  let h = fnv1a(seed);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const hex = (seed: string, n: number): string => {
  let out = '';
  for (let i = 0; out.length < n; i++) out += mixed(`${i}#${seed}`).toString(16).padStart(8, '0');
  return out.slice(0, n);
};

/** A stable UUID for an object. */
export function uidOf(kind: string, namespace: string | undefined, name: string): string {
  const h = hex(`uid/${kind}/${namespace ?? ''}/${name}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A plausible, stable resourceVersion. */
function resourceVersion(o: ApiObject): string {
  return String(
    400 + (fnv1a(`rv/${o.type.kind}/${o.namespace ?? ''}/${o.name}`) % 90_000) + o.generation * 7,
  );
}

/** A 64-digit hex id (container ids, image digests). */
export function digest(seed: string): string {
  return hex(seed, 64);
}

/** `nginx` → `docker.io/library/nginx:latest`, as the runtime reports images. */
export function fullImage(image: string): string {
  let name = image;
  const first = name.split('/')[0] ?? '';
  const hasRegistry =
    name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) name = `docker.io/${name.includes('/') ? '' : 'library/'}${name}`;
  const lastPart = name.slice(name.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !name.includes('@')) name += ':latest';
  return name;
}

function imageId(image: string): string {
  const full = fullImage(image);
  const repo = full.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  return `${repo}@sha256:${digest(`image/${full}`)}`;
}

const SA_VOLUME = (o: ApiObject): string =>
  `kube-api-access-${hex(`sa/${o.namespace}/${o.name}`, 5).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)]!)}`;

/** The full object. */
export function toApi(o: ApiObject, catalog: Catalog): Obj {
  const body = { ...o.body };
  delete body.apiVersion;
  delete body.kind;
  delete body.metadata;
  delete body.status;
  const meta: Obj = {};
  if (Object.keys(o.annotations).length > 0) meta.annotations = o.annotations;
  meta.creationTimestamp = iso(o.createdAt);
  if (o.owner && o.type.kind === 'Pod' && o.owner.kind !== 'Node')
    meta.generateName = `${o.owner.name}-`;
  if (
    ![
      'Pod',
      'Service',
      'Namespace',
      'Node',
      'Endpoints',
      'ConfigMap',
      'Secret',
      'ServiceAccount',
      'EndpointSlice',
    ].includes(o.type.kind)
  )
    meta.generation = o.generation;
  if (Object.keys(o.labels).length > 0) meta.labels = o.labels;
  meta.name = o.name;
  if (o.namespace !== undefined) meta.namespace = o.namespace;
  if (o.owner)
    meta.ownerReferences = [
      {
        apiVersion: o.owner.apiVersion,
        ...(o.owner.kind === 'Node' ? {} : { blockOwnerDeletion: true }),
        controller: true,
        kind: o.owner.kind,
        name: o.owner.name,
        uid: uidOf(o.owner.kind, o.owner.kind === 'Node' ? undefined : o.namespace, o.owner.name),
      },
    ];
  meta.resourceVersion = resourceVersion(o);
  meta.uid = uidOf(o.type.kind, o.namespace, o.name);
  const out: Obj = { apiVersion: apiVersionOf(o.type), kind: o.type.kind, metadata: meta, ...body };
  const fill = FILLERS[o.type.kind];
  if (fill) fill(out, o, catalog);
  return out;
}

/** A `kind: List` of objects, as `get` prints several objects. */
export function toList(items: Obj[]): Obj {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

type Filler = (out: Obj, o: ApiObject, catalog: Catalog) => void;

const condition = (type: string, at: number, status = 'True'): Obj => ({
  lastProbeTime: null,
  lastTransitionTime: iso(at),
  status,
  type,
});

function containerSpec(c: Container, original: Obj, volume: string | undefined): Obj {
  const tag = fullImage(c.image).split(':').pop();
  return {
    ...original,
    image: c.image,
    imagePullPolicy: original.imagePullPolicy ?? (tag === 'latest' ? 'Always' : 'IfNotPresent'),
    name: c.name,
    resources: original.resources ?? {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...(volume
      ? {
          volumeMounts: [
            ...asArray(original.volumeMounts),
            {
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              name: volume,
              readOnly: true,
            },
          ],
        }
      : {}),
  };
}

function containerStatus(c: Container, o: ApiObject, started: number): Obj {
  return {
    containerID: `containerd://${digest(`container/${o.namespace}/${o.name}/${c.name}`)}`,
    image: fullImage(c.image),
    imageID: imageId(c.image),
    lastState: {},
    name: c.name,
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: iso(started) } },
  };
}

const FILLERS: Record<string, Filler> = {
  Pod(out, o) {
    const p = o.pod;
    if (!p) return;
    const spec = { ...p.spec };
    const volume = p.hostNetwork && o.source.kind === 'cluster' ? undefined : SA_VOLUME(o);
    const originals = asArray(spec.containers).filter(isObj);
    const initOriginals = asArray(spec.initContainers).filter(isObj);
    out.spec = {
      ...spec,
      containers: p.containers.map((c, i) => containerSpec(c, originals[i] ?? {}, volume)),
      ...(p.initContainers.length > 0
        ? {
            initContainers: p.initContainers.map((c, i) =>
              containerSpec(c, initOriginals[i] ?? {}, volume),
            ),
          }
        : {}),
      dnsPolicy: spec.dnsPolicy ?? (p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst'),
      enableServiceLinks: spec.enableServiceLinks ?? true,
      nodeName: p.nodeName,
      preemptionPolicy: 'PreemptLowerPriority',
      priority:
        spec.priorityClassName === 'system-node-critical'
          ? 2000001000
          : spec.priorityClassName === 'system-cluster-critical'
            ? 2000000000
            : 0,
      restartPolicy: p.restartPolicy,
      schedulerName: 'default-scheduler',
      securityContext: spec.securityContext ?? {},
      serviceAccount: p.serviceAccount,
      serviceAccountName: p.serviceAccount,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
      tolerations: spec.tolerations ?? [
        {
          effect: 'NoExecute',
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          tolerationSeconds: 300,
        },
        {
          effect: 'NoExecute',
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          tolerationSeconds: 300,
        },
      ],
      ...(volume
        ? {
            volumes: [
              ...asArray(spec.volumes),
              {
                name: volume,
                projected: {
                  defaultMode: 420,
                  sources: [
                    { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
                    {
                      configMap: {
                        items: [{ key: 'ca.crt', path: 'ca.crt' }],
                        name: 'kube-root-ca.crt',
                      },
                    },
                    {
                      downwardAPI: {
                        items: [
                          {
                            fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
                            path: 'namespace',
                          },
                        ],
                      },
                    },
                  ],
                },
              },
            ],
          }
        : {}),
    };
    const start = o.createdAt + 1000;
    const ready = o.createdAt + 4000;
    out.status = {
      conditions: [
        condition('PodReadyToStartContainers', ready),
        condition('Initialized', p.initContainers.length > 0 ? ready : start),
        condition('Ready', ready),
        condition('ContainersReady', ready),
        condition('PodScheduled', o.createdAt),
      ],
      containerStatuses: p.containers.map((c) => containerStatus(c, o, ready - 1000)),
      hostIP: p.hostIP,
      hostIPs: [{ ip: p.hostIP }],
      ...(p.initContainers.length > 0
        ? {
            initContainerStatuses: p.initContainers.map((c) => ({
              ...containerStatus(c, o, start),
              ready: true,
              started: false,
              state: {
                terminated: {
                  containerID: `containerd://${digest(`container/${o.namespace}/${o.name}/${c.name}`)}`,
                  exitCode: 0,
                  finishedAt: iso(start + 1000),
                  reason: 'Completed',
                  startedAt: iso(start),
                },
              },
            })),
          }
        : {}),
      phase: 'Running',
      podIP: p.ip,
      podIPs: p.ip ? [{ ip: p.ip }] : [],
      qosClass: 'BestEffort',
      startTime: iso(start),
    };
  },

  Service(out, o) {
    const s = o.service;
    if (!s) return;
    const spec = asObj(out.spec);
    out.spec = {
      ...spec,
      ...(s.type === 'ExternalName' ? {} : { clusterIP: s.clusterIP, clusterIPs: [s.clusterIP] }),
      ...(s.type === 'NodePort' || s.type === 'LoadBalancer'
        ? { externalTrafficPolicy: 'Cluster' }
        : {}),
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: s.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
        port: p.port,
        protocol: p.protocol,
        targetPort: p.targetPort,
      })),
      ...(s.selector ? { selector: s.selector } : {}),
      sessionAffinity: 'None',
      type: s.type,
    };
    out.status = { loadBalancer: {} };
  },

  Endpoints(out, o, catalog) {
    if (!o.service) return;
    const eps = serviceEndpoints(o, catalog);
    if (eps.addresses.length === 0) return;
    out.subsets = [
      {
        addresses: eps.addresses.map((a) => ({
          ip: a.ip,
          ...(a.nodeName ? { nodeName: a.nodeName } : {}),
          ...(a.pod
            ? {
                targetRef: {
                  kind: 'Pod',
                  name: a.pod,
                  namespace: o.namespace,
                  uid: uidOf('Pod', o.namespace, a.pod),
                },
              }
            : {}),
        })),
        ports: eps.ports.map((p) => ({
          ...(p.name ? { name: p.name } : {}),
          port: p.port,
          protocol: p.protocol,
        })),
      },
    ];
  },

  EndpointSlice(out, o, catalog) {
    if (!o.service) return;
    const eps = serviceEndpoints(o, catalog);
    out.addressType = 'IPv4';
    out.endpoints = eps.addresses.map((a) => ({
      addresses: [a.ip],
      conditions: { ready: true, serving: true, terminating: false },
      ...(a.nodeName ? { nodeName: a.nodeName } : {}),
      ...(a.pod
        ? {
            targetRef: {
              kind: 'Pod',
              name: a.pod,
              namespace: o.namespace,
              uid: uidOf('Pod', o.namespace, a.pod),
            },
          }
        : {}),
    }));
    out.ports = eps.ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol }));
  },

  Namespace(out) {
    out.spec = { finalizers: ['kubernetes'] };
    out.status = { phase: 'Active' };
  },

  Node(out, o) {
    const n = o.node;
    if (!n) return;
    out.spec = {
      podCIDR: n.podCIDR,
      podCIDRs: [n.podCIDR],
      providerID: `kind://docker/kind/${n.name}`,
      ...(n.controlPlane
        ? { taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] }
        : {}),
    };
    out.status = {
      addresses: [
        { address: n.ip, type: 'InternalIP' },
        { address: n.name, type: 'Hostname' },
      ],
      conditions: [
        {
          lastHeartbeatTime: iso(o.createdAt),
          lastTransitionTime: iso(o.createdAt),
          message: 'kubelet is posting ready status',
          reason: 'KubeletReady',
          status: 'True',
          type: 'Ready',
        },
      ],
      nodeInfo: NODE_INFO,
    };
  },

  NetworkPolicy(out) {
    const spec = asObj(out.spec);
    if (spec.policyTypes === undefined) {
      const types = ['Ingress'];
      if (Array.isArray(spec.egress)) types.push('Egress');
      out.spec = { ...spec, policyTypes: types };
    }
  },

  CiliumNetworkPolicy(out, o) {
    policyStatus(out, o);
  },
  CiliumClusterwideNetworkPolicy(out, o) {
    policyStatus(out, o);
  },

  CiliumEndpoint(out, o) {
    const p = o.pod;
    const ident = o.identity;
    if (!p || !ident) return;
    out.status = {
      encryption: {},
      'external-identifiers': {
        'cni-attachment-id': `${digest(`container/${o.namespace}/${o.name}/sandbox`)}:eth0`,
        'container-id': digest(`container/${o.namespace}/${o.name}/sandbox`),
        'k8s-namespace': o.namespace,
        'k8s-pod-name': o.name,
        'pod-name': `${o.namespace}/${o.name}`,
      },
      id: endpointId(o),
      identity: {
        id: ident.id,
        labels: ident.labels.map((l) => `${l.source}:${l.key}=${l.value}`).sort(),
      },
      networking: { addressing: [{ ipv4: p.ip }], node: p.hostIP },
      state: 'ready',
    };
  },

  CiliumIdentity(out, o) {
    const ident = o.identity;
    if (!ident) return;
    const labels: Record<string, string> = {};
    for (const l of ident.labels) labels[`${l.source}:${l.key}`] = l.value;
    out['security-labels'] = labels;
  },

  CiliumNode(out, o) {
    const n = o.node;
    if (!n) return;
    out.spec = {
      addresses: [
        { ip: n.ip, type: 'InternalIP' },
        { ip: ciliumInternalIp(n.podCIDR), type: 'CiliumInternalIP' },
      ],
      ipam: { podCIDRs: [n.podCIDR] },
    };
  },

  Deployment(out, o) {
    const r = o.replicas ?? { desired: 1, current: 0 };
    out.status = {
      availableReplicas: r.current,
      conditions: [
        {
          lastTransitionTime: iso(o.createdAt + 5000),
          lastUpdateTime: iso(o.createdAt + 5000),
          message: 'Deployment has minimum availability.',
          reason: 'MinimumReplicasAvailable',
          status: 'True',
          type: 'Available',
        },
      ],
      observedGeneration: o.generation,
      readyReplicas: r.current,
      replicas: r.current,
      updatedReplicas: r.current,
    };
  },
  ReplicaSet(out, o) {
    const r = o.replicas ?? { desired: 1, current: 0 };
    out.status = {
      availableReplicas: r.current,
      fullyLabeledReplicas: r.current,
      observedGeneration: o.generation,
      readyReplicas: r.current,
      replicas: r.current,
    };
  },
  StatefulSet(out, o) {
    const r = o.replicas ?? { desired: 1, current: 0 };
    out.status = {
      availableReplicas: r.current,
      currentReplicas: r.current,
      observedGeneration: o.generation,
      readyReplicas: r.current,
      replicas: r.current,
      updatedReplicas: r.current,
    };
  },
  DaemonSet(out, o) {
    const r = o.replicas ?? { desired: 0, current: 0 };
    out.status = {
      currentNumberScheduled: r.current,
      desiredNumberScheduled: r.current,
      numberAvailable: r.current,
      numberMisscheduled: 0,
      numberReady: r.current,
      observedGeneration: o.generation,
      updatedNumberScheduled: r.current,
    };
  },
};

const NODE_INFO = {
  architecture: 'amd64',
  bootID: '6f1c1d5e-0b8a-4b1e-9d2c-3f4a5b6c7d8e',
  containerRuntimeVersion: 'containerd://2.1.1',
  kernelVersion: '6.8.0-60-generic',
  kubeProxyVersion: '',
  kubeletVersion: KUBERNETES_VERSION,
  machineID: 'b2a4c6e8f0a1b3c5d7e9f1a3b5c7d9e1',
  operatingSystem: 'linux',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  systemUUID: '0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a',
};

/** The router address Cilium takes on each node: the first address of the node's pod CIDR. */
export function ciliumInternalIp(podCIDR: string): string {
  const [a = '10', b = '244', c = '0'] = (podCIDR.split('/')[0] ?? '').split('.');
  return `${a}.${b}.${c}.1`;
}

/** The numeric endpoint id the agent gives a pod (unique per node in a real cluster). */
export function endpointId(o: ApiObject): number {
  return 1 + (fnv1a(`ep/${o.namespace}/${o.name}`) % 4000);
}

function policyStatus(out: Obj, o: ApiObject): void {
  const v = o.valid ?? { ok: true, message: 'Policy validation succeeded' };
  out.status = {
    conditions: [
      {
        lastTransitionTime: iso(o.createdAt),
        message: v.message,
        status: v.ok ? 'True' : 'False',
        type: 'Valid',
      },
    ],
  };
}

export interface EndpointAddress {
  ip: string;
  nodeName?: string;
  pod?: string;
}

/** The ready addresses behind a Service and the ports they serve, as its Endpoints list them. */
export function serviceEndpoints(
  o: ApiObject,
  catalog: Catalog,
): { addresses: EndpointAddress[]; ports: { name?: string; port: number; protocol: string }[] } {
  const s = o.service;
  if (!s) return { addresses: [], ports: [] };
  if (!s.selector) {
    return {
      addresses: s.manualEndpoints.map((ip) => ({ ip })),
      ports: s.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
        protocol: p.protocol,
      })),
    };
  }
  const pods = catalog.podsSelectedBy(s.namespace, s.selector).filter((p) => p.pod?.ip);
  pods.sort((a, b) => ipNumber(a.pod!.ip) - ipNumber(b.pod!.ip));
  const first = pods[0]?.pod;
  return {
    addresses: pods.map((p) => ({ ip: p.pod!.ip, nodeName: p.pod!.nodeName, pod: p.name })),
    ports: s.ports.map((p) => {
      let port = typeof p.targetPort === 'number' ? p.targetPort : 0;
      if (typeof p.targetPort === 'string' && first) {
        for (const c of first.containers)
          for (const cp of c.ports) if (cp.name === p.targetPort) port = cp.containerPort;
      }
      return { ...(p.name ? { name: p.name } : {}), port: port || p.port, protocol: p.protocol };
    }),
  };
}

export function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + (Number(part) || 0), 0);
}
