/**
 * The API server's view of the simulated world: every object `kubectl` can list, whatever made it.
 *
 * Objects come from four places, and each object remembers which (`Source`):
 *   - live files (lesson manifests, editor buffers), read with positions so that the engine's pods
 *     and diagnostics can be matched back to the document that made them;
 *   - objects applied in the terminal (`SimWorld.storedObjects()`);
 *   - controllers: a Deployment's ReplicaSet and pods, a DaemonSet's pods, endpoints of Services,
 *     Cilium's endpoints and identities; these carry the source of the object that made them;
 *   - the cluster itself: nodes, the built-in namespaces, CoreDNS, the Cilium agents.
 * An object the API server would have refused (strict decoding, schema errors) does not exist.
 * A catalog is a snapshot: build one per command, after any change.
 */
import { parse } from 'yaml';
import type { ClusterNode, Pod, Service } from '../../../engine/cluster/model.ts';
import { safeSuffix, stableJson } from '../../../engine/hash.ts';
import type { Identity } from '../../../engine/identity.ts';
import type { Policy } from '../../../engine/policy/model.ts';
import type { Diagnostic } from '../../../engine/types.ts';
import { parseFiles, type RawObject } from '../../../engine/yaml/documents.ts';
import { objectFileName, type SimWorld, type StoredObject } from '../../world.ts';
import { isApiRejection } from './validation.ts';
import { apiVersionOf, typeForKind, type ResourceType } from './resources.ts';
import { matchesSelector } from './selector.ts';
import { systemObjects, CLUSTER_AGE_MS } from './system.ts';

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const asObj = (v: unknown): Obj => (isObj(v) ? v : {});
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Where an object is defined. */
export type Source =
  { kind: 'file'; file: string } | { kind: 'terminal'; object: StoredObject } | { kind: 'cluster' };

/** A controller reference, as `metadata.ownerReferences[0]`. */
export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface ContainerPortSpec {
  name?: string;
  containerPort: number;
  protocol: string;
}

export interface Container {
  name: string;
  image: string;
  ports: ContainerPortSpec[];
  command?: string[];
  args?: string[];
}

/** What a running pod looks like beyond its manifest. */
export interface PodInfo {
  ip: string;
  nodeName: string;
  hostIP: string;
  hostNetwork: boolean;
  serviceAccount: string;
  containers: Container[];
  initContainers: Container[];
  restartPolicy: string;
  /** The pod spec as written (a Pod's `spec`, a workload's `spec.template.spec`). */
  spec: Obj;
  /** The engine's pod, absent for the cluster's own host-network pods. */
  engine?: Pod;
}

export interface ApiObject {
  type: ResourceType;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createdAt: number;
  source: Source;
  /** The object as written (or as its controller would write it): apiVersion, kind, spec... */
  body: Obj;
  owner?: OwnerRef;
  generation: number;
  pod?: PodInfo;
  service?: Service;
  node?: ClusterNode;
  identity?: Identity;
  /** Policies: whether the Cilium agent accepted it, and its words either way. */
  valid?: { ok: boolean; message: string };
  /** Workloads: how many replicas are wanted and how many pods exist. */
  replicas?: { desired: number; current: number };
}

/** A manifest found in a live file or applied in the terminal. */
interface Manifest {
  type: ResourceType;
  name: string;
  namespace?: string;
  value: Obj;
  raw: RawObject;
  source: Source;
  createdAt: number;
  generation: number;
}

const byNamespaceAndName = (a: ApiObject, b: ApiObject): number => {
  const na = a.namespace ?? '';
  const nb = b.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
};

/** `Kind/namespace/name` (namespace empty for cluster-scoped kinds). */
export function keyOf(type: ResourceType, namespace: string | undefined, name: string): string {
  return `${type.kind}/${type.namespaced ? (namespace ?? 'default') : ''}/${name}`;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(asObj(v)))
    if (val !== null && val !== undefined) out[k] = String(val);
  return out;
}

function containersOf(list: unknown): Container[] {
  return asArray(list)
    .filter(isObj)
    .map((c) => {
      const ports = asArray(c.ports)
        .filter(isObj)
        .map((p) => ({
          ...(str(p.name) ? { name: str(p.name)! } : {}),
          containerPort: Number(p.containerPort),
          protocol: str(p.protocol) ?? 'TCP',
        }))
        .filter((p) => Number.isInteger(p.containerPort));
      const strings = (v: unknown): string[] | undefined =>
        Array.isArray(v) ? v.map((x) => String(x)) : undefined;
      const command = strings(c.command);
      const args = strings(c.args);
      return {
        name: str(c.name) ?? '',
        image: str(c.image) ?? '',
        ports,
        ...(command ? { command } : {}),
        ...(args ? { args } : {}),
      };
    });
}

/** The pod spec a manifest gives its pods. */
function podSpecOf(m: Manifest): Obj {
  if (m.type.kind === 'Pod') return asObj(m.value.spec);
  return asObj(asObj(asObj(m.value.spec).template).spec);
}

const WORKLOAD_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);

export class Catalog {
  readonly now: number;
  /** When the simulated cluster was created. */
  readonly clusterCreated: number;
  private manifests: Manifest[] = [];
  private byKind = new Map<string, ApiObject[]>();
  private built = false;

  constructor(readonly world: SimWorld) {
    this.now = world.clock.now();
    this.clusterCreated = world.startedAt - CLUSTER_AGE_MS;
    this.readManifests();
  }

  /** Objects of one type, in one namespace (or all), sorted by namespace and name. */
  list(type: ResourceType, namespace?: string): ApiObject[] {
    this.build();
    const all = this.byKind.get(type.kind) ?? [];
    if (namespace === undefined || !type.namespaced) return all;
    return all.filter((o) => o.namespace === namespace);
  }

  get(type: ResourceType, namespace: string | undefined, name: string): ApiObject | undefined {
    return this.list(type, namespace).find((o) => o.name === name);
  }

  /** Whether a namespace exists (declared, built in, or holding the lesson's objects). */
  namespaceExists(name: string): boolean {
    return this.world.engine.cluster.namespaces.some((n) => n.name === name);
  }

  /** The manifest behind a live-file or terminal object, by key. */
  findManifest(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Manifest | undefined {
    const key = keyOf(type, namespace, name);
    return this.manifests.find((m) => keyOf(m.type, m.namespace, m.name) === key);
  }

  /** Pods a label selector picks in a namespace. */
  podsSelectedBy(namespace: string, selector: Record<string, string>): ApiObject[] {
    const podType = typeForKind('Pod')!;
    const reqs = Object.entries(selector).map(([key, v]) => ({
      key,
      op: '=' as const,
      values: [v],
    }));
    return this.list(podType, namespace).filter((p) => matchesSelector(reqs, p.labels));
  }

  // --- manifests -------------------------------------------------------------------------

  private readManifests(): void {
    const diagnostics = new Map<string, Diagnostic[]>();
    for (const d of this.world.engine.diagnostics) {
      const list = diagnostics.get(d.range.file);
      if (list) list.push(d);
      else diagnostics.set(d.range.file, [d]);
    }
    const seen = new Map<string, number>();
    const add = (
      file: string,
      text: string,
      source: Source,
      createdAt: number,
      generation: number,
    ) => {
      const rejected = (diagnostics.get(file) ?? []).filter((d) => isApiRejection(d));
      for (const raw of parseFiles([{ name: file, text }]).objects) {
        const v = raw.value;
        if (!isObj(v) || typeof v.kind !== 'string' || typeof v.apiVersion !== 'string') continue;
        const type = typeForKind(v.kind, v.apiVersion);
        if (!type) continue;
        const meta = asObj(v.metadata);
        const name = str(meta.name);
        if (!name) continue;
        const namespace = type.namespaced ? str(meta.namespace) || 'default' : undefined;
        if (
          rejected.some(
            (d) =>
              d.kind === type.kind &&
              d.name === name &&
              (d.namespace === undefined || !type.namespaced || d.namespace === namespace),
          )
        )
          continue;
        const m: Manifest = { type, name, namespace, value: v, raw, source, createdAt, generation };
        const key = keyOf(type, namespace, name);
        const at = seen.get(key);
        if (at === undefined) {
          seen.set(key, this.manifests.length);
          this.manifests.push(m);
        } else this.manifests[at] = m;
      }
    };
    for (const file of this.world.liveFiles()) {
      const text = this.world.file(file);
      if (text === undefined) continue;
      add(
        file,
        text,
        { kind: 'file', file },
        this.world.fileCreatedAt(file) ?? this.clusterCreated,
        1,
      );
    }
    for (const o of this.world.storedObjects()) {
      add(storedFileName(o), o.text, { kind: 'terminal', object: o }, o.createdAt, o.generation);
    }
  }

  /** The manifest whose document starts where `range` does (how the engine's pods point back). */
  private manifestAt(file: string, line: number, column: number): Manifest | undefined {
    return this.manifests.find((m) => {
      if (m.raw.file !== file) return false;
      const r = m.raw.locate([]);
      return r.startLine === line && r.startColumn === column;
    });
  }

  // --- building --------------------------------------------------------------------------

  private push(o: ApiObject): void {
    const list = this.byKind.get(o.type.kind);
    if (list) list.push(o);
    else this.byKind.set(o.type.kind, [o]);
  }

  private fromManifest(m: Manifest, extra: Partial<ApiObject> = {}): ApiObject {
    const meta = asObj(m.value.metadata);
    return {
      type: m.type,
      name: m.name,
      ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
      labels: stringMap(meta.labels),
      annotations: stringMap(meta.annotations),
      createdAt: m.createdAt,
      source: m.source,
      body: m.value,
      generation: m.generation,
      ...extra,
    };
  }

  private build(): void {
    if (this.built) return;
    this.built = true;
    const type = (kind: string): ResourceType => typeForKind(kind)!;

    // Plain objects straight from their manifests.
    const handled = new Set(['Pod', 'Service', 'Namespace', 'Node', 'Endpoints', 'EndpointSlice']);
    for (const m of this.manifests) {
      if (handled.has(m.type.kind)) continue;
      if (
        WORKLOAD_KINDS.has(m.type.kind) ||
        m.type.kind.startsWith('Cilium') ||
        m.type.kind === 'NetworkPolicy'
      )
        continue;
      this.push(this.fromManifest(m));
    }

    this.buildNodesAndNamespaces();
    this.buildPods();
    this.buildWorkloads();
    this.buildServices();
    this.buildPolicies();
    this.buildCilium();

    // The cluster's own objects, unless the lesson brings objects of the same name.
    for (const o of systemObjects(this)) {
      const list = this.byKind.get(o.type.kind) ?? [];
      if (!list.some((x) => x.name === o.name && x.namespace === o.namespace)) this.push(o);
    }
    // Every namespace has its service account and root CA bundle.
    for (const ns of this.byKind.get('Namespace') ?? []) {
      for (const [kind, name] of [
        ['ServiceAccount', 'default'],
        ['ConfigMap', 'kube-root-ca.crt'],
      ] as const) {
        const t = type(kind);
        if ((this.byKind.get(kind) ?? []).some((x) => x.name === name && x.namespace === ns.name))
          continue;
        this.push({
          type: t,
          name,
          namespace: ns.name,
          labels: {},
          annotations: {},
          createdAt: ns.createdAt,
          source: { kind: 'cluster' },
          body:
            kind === 'ConfigMap'
              ? {
                  apiVersion: 'v1',
                  kind,
                  data: {
                    'ca.crt': '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n',
                  },
                }
              : { apiVersion: 'v1', kind },
          generation: 1,
        });
      }
    }
    for (const list of this.byKind.values()) list.sort(byNamespaceAndName);
  }

  private buildNodesAndNamespaces(): void {
    const cluster = this.world.engine.cluster;
    const nodeType = typeForKind('Node')!;
    for (const n of cluster.nodes) {
      const m = this.findManifest(nodeType, undefined, n.name);
      this.push({
        type: nodeType,
        name: n.name,
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          ...n.labels,
        },
        annotations: m ? stringMap(asObj(m.value.metadata).annotations) : {},
        createdAt: m ? m.createdAt : this.clusterCreated,
        source: m ? m.source : { kind: 'cluster' },
        body: m ? m.value : { apiVersion: 'v1', kind: 'Node' },
        generation: 1,
        node: n,
      });
    }
    const nsType = typeForKind('Namespace')!;
    const earliest = new Map<string, number>();
    for (const m of this.manifests)
      if (m.namespace !== undefined)
        earliest.set(m.namespace, Math.min(earliest.get(m.namespace) ?? Infinity, m.createdAt));
    for (const ns of cluster.namespaces) {
      const m = this.findManifest(nsType, undefined, ns.name);
      const builtIn = ['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(
        ns.name,
      );
      const createdAt = m
        ? m.createdAt
        : builtIn
          ? this.clusterCreated
          : Math.min(earliest.get(ns.name) ?? this.clusterCreated, this.now);
      this.push({
        type: nsType,
        name: ns.name,
        labels: ns.labels,
        annotations: m ? stringMap(asObj(m.value.metadata).annotations) : {},
        createdAt,
        source: m ? m.source : { kind: 'cluster' },
        body: m ? m.value : { apiVersion: 'v1', kind: 'Namespace' },
        generation: 1,
      });
    }
  }

  private buildPods(): void {
    const podType = typeForKind('Pod')!;
    const cluster = this.world.engine.cluster;
    for (const p of cluster.pods) {
      const m = p.source
        ? this.manifestAt(p.source.file, p.source.startLine, p.source.startColumn)
        : undefined;
      const node = cluster.nodes.find((n) => n.name === p.nodeName);
      const spec = m ? podSpecOf(m) : coreDnsSpec(p);
      const owner: OwnerRef | undefined = p.owner
        ? {
            apiVersion: p.owner.kind === 'Job' ? 'batch/v1' : 'apps/v1',
            kind: p.owner.kind,
            name: p.owner.name,
          }
        : undefined;
      this.push({
        type: podType,
        name: p.name,
        namespace: p.namespace,
        labels: p.labels,
        annotations:
          m && m.type.kind === 'Pod' ? stringMap(asObj(m.value.metadata).annotations) : {},
        createdAt: m ? m.createdAt : this.clusterCreated,
        source: m ? m.source : { kind: 'cluster' },
        body: m && m.type.kind === 'Pod' ? m.value : { apiVersion: 'v1', kind: 'Pod', spec },
        generation: 1,
        ...(owner ? { owner } : {}),
        pod: {
          ip: p.ip,
          nodeName: p.nodeName,
          hostIP: node?.ip ?? '',
          hostNetwork: p.hostNetwork,
          serviceAccount: p.serviceAccount,
          containers: containersOf(spec.containers),
          initContainers: containersOf(spec.initContainers),
          restartPolicy: str(spec.restartPolicy) ?? 'Always',
          spec,
          engine: p,
        },
      });
    }
  }

  private buildWorkloads(): void {
    const pods = this.byKind.get('Pod') ?? [];
    const rsType = typeForKind('ReplicaSet')!;
    for (const m of this.manifests) {
      if (!WORKLOAD_KINDS.has(m.type.kind)) continue;
      const spec = asObj(m.value.spec);
      const tpl = asObj(spec.template);
      const tplLabels = stringMap(asObj(tpl.metadata).labels);
      const desired =
        m.type.kind === 'DaemonSet'
          ? -1
          : Number.isInteger(Number(spec.replicas ?? spec.parallelism ?? 1))
            ? Number(spec.replicas ?? spec.parallelism ?? 1)
            : 1;
      if (m.type.kind === 'Deployment') {
        // The ReplicaSet name carries the hash of the pod template, as the controller makes it.
        const hash = safeSuffix(stableJson({ labels: tplLabels, spec: asObj(tpl.spec) }), 10);
        const rsName = `${m.name}-${hash}`;
        const mine = pods.filter((p) => p.namespace === m.namespace && p.owner?.name === rsName);
        this.push(this.fromManifest(m, { replicas: { desired, current: mine.length } }));
        const selector = asObj(spec.selector);
        this.push({
          type: rsType,
          name: rsName,
          ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
          labels: { ...tplLabels, 'pod-template-hash': hash },
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(desired + Math.ceil(desired / 4)),
            'deployment.kubernetes.io/revision': '1',
          },
          createdAt: m.createdAt,
          source: m.source,
          body: {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            spec: {
              replicas: desired,
              selector: {
                ...selector,
                matchLabels: { ...stringMap(selector.matchLabels), 'pod-template-hash': hash },
              },
              template: {
                ...tpl,
                metadata: {
                  ...asObj(tpl.metadata),
                  labels: { ...tplLabels, 'pod-template-hash': hash },
                },
              },
            },
          },
          owner: { apiVersion: 'apps/v1', kind: 'Deployment', name: m.name },
          generation: 1,
          replicas: { desired, current: mine.length },
        });
        continue;
      }
      const mine = pods.filter(
        (p) =>
          p.namespace === m.namespace && p.owner?.kind === m.type.kind && p.owner.name === m.name,
      );
      this.push(
        this.fromManifest(m, {
          replicas: { desired: desired < 0 ? mine.length : desired, current: mine.length },
        }),
      );
    }
  }

  private buildServices(): void {
    const cluster = this.world.engine.cluster;
    const svcType = typeForKind('Service')!;
    const epType = typeForKind('Endpoints')!;
    const sliceType = typeForKind('EndpointSlice')!;
    for (const s of cluster.services) {
      const m = s.source
        ? this.manifestAt(s.source.file, s.source.startLine, s.source.startColumn)
        : undefined;
      const createdAt = m ? m.createdAt : this.clusterCreated;
      const source: Source = m ? m.source : { kind: 'cluster' };
      this.push({
        type: svcType,
        name: s.name,
        namespace: s.namespace,
        labels: s.labels,
        annotations: m ? stringMap(asObj(m.value.metadata).annotations) : {},
        createdAt,
        source,
        body: m ? m.value : { apiVersion: 'v1', kind: 'Service' },
        generation: 1,
        service: s,
      });
      if (s.type === 'ExternalName') continue;
      const ep = this.findManifest(epType, s.namespace, s.name);
      this.push({
        type: epType,
        name: s.name,
        namespace: s.namespace,
        labels: s.selector ? { ...s.labels } : {},
        annotations: {},
        createdAt: ep ? ep.createdAt : createdAt,
        source: ep ? ep.source : source,
        body: ep ? ep.value : { apiVersion: 'v1', kind: 'Endpoints' },
        generation: 1,
        service: s,
      });
      this.push({
        type: sliceType,
        name: `${s.name}-${safeSuffix(`${s.namespace}/${s.name}/slice`, 5)}`,
        namespace: s.namespace,
        labels: {
          ...s.labels,
          'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          'kubernetes.io/service-name': s.name,
        },
        annotations: {},
        createdAt,
        source,
        body: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
        generation: 1,
        service: s,
      });
    }
  }

  private buildPolicies(): void {
    const engine = this.world.engine;
    const enforced = new Map<string, Policy>(engine.policies.map((p) => [p.key, p]));
    for (const m of this.manifests) {
      const kind = m.type.kind;
      if (
        kind !== 'NetworkPolicy' &&
        kind !== 'CiliumNetworkPolicy' &&
        kind !== 'CiliumClusterwideNetworkPolicy'
      )
        continue;
      const key = `${kind}/${m.namespace ?? ''}/${m.name}`;
      const file = m.raw.file;
      const problems = engine.diagnostics.filter(
        (d) =>
          d.range.file === file &&
          d.severity === 'error' &&
          d.kind === kind &&
          d.name === m.name &&
          (d.namespace ?? undefined) === m.namespace,
      );
      const policy = enforced.get(key);
      const ok = problems.length === 0 && policy !== undefined;
      const what =
        kind === 'CiliumClusterwideNetworkPolicy'
          ? 'CiliumClusterwideNetworkPolicy'
          : 'CiliumNetworkPolicy';
      const message = ok
        ? 'Policy validation succeeded'
        : `Invalid ${what} spec: ${problems[0]?.message ?? 'the agent did not accept this policy'}`;
      this.push(this.fromManifest(m, { valid: { ok, message } }));
    }
  }

  private buildCilium(): void {
    const engine = this.world.engine;
    const cepType = typeForKind('CiliumEndpoint')!;
    const idType = typeForKind('CiliumIdentity')!;
    const cnType = typeForKind('CiliumNode')!;
    const firstSeen = new Map<number, number>();
    for (const p of this.byKind.get('Pod') ?? []) {
      const ident = p.pod?.engine && engine.identities.byPod.get(`${p.namespace}/${p.name}`);
      if (!ident || !p.pod || p.pod.hostNetwork) continue;
      firstSeen.set(ident.id, Math.min(firstSeen.get(ident.id) ?? Infinity, p.createdAt));
      this.push({
        type: cepType,
        name: p.name,
        namespace: p.namespace,
        labels: p.labels,
        annotations: {},
        createdAt: p.createdAt,
        source: p.source,
        body: { apiVersion: apiVersionOf(cepType), kind: 'CiliumEndpoint' },
        owner: { apiVersion: 'v1', kind: 'Pod', name: p.name },
        generation: 1,
        pod: p.pod,
        identity: ident,
      });
    }
    for (const ident of engine.identities.podIdentities) {
      const labels: Record<string, string> = {};
      for (const l of ident.labels) if (l.source === 'k8s') labels[l.key] = l.value;
      this.push({
        type: idType,
        name: String(ident.id),
        labels,
        annotations: {},
        createdAt: Math.min(firstSeen.get(ident.id) ?? this.now, this.now),
        source: { kind: 'cluster' },
        body: { apiVersion: apiVersionOf(idType), kind: 'CiliumIdentity' },
        generation: 1,
        identity: ident,
      });
    }
    for (const n of engine.cluster.nodes) {
      this.push({
        type: cnType,
        name: n.name,
        labels: n.labels,
        annotations: {},
        createdAt: this.clusterCreated,
        source: { kind: 'cluster' },
        body: { apiVersion: apiVersionOf(cnType), kind: 'CiliumNode' },
        generation: 1,
        node: n,
      });
    }
  }
}

/** The engine file name of an object applied in the terminal. */
function storedFileName(o: StoredObject): string {
  return objectFileName(o.kind, o.namespace, o.name);
}

/** The value of a stored object, parsed back from its text. */
export function storedValue(o: StoredObject): Obj {
  return asObj(parse(o.text));
}

function coreDnsSpec(p: Pod): Obj {
  return {
    containers: [
      {
        name: 'coredns',
        image: p.images[0] ?? 'registry.k8s.io/coredns/coredns:v1.12.0',
        args: ['-conf', '/etc/coredns/Corefile'],
        ports: p.ports.map((x) => ({ name: x.name, containerPort: x.port, protocol: x.protocol })),
      },
    ],
    serviceAccountName: 'coredns',
    priorityClassName: 'system-cluster-critical',
  };
}
