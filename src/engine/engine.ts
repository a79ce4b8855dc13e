/**
 * The engine facade: files in, cluster + policies + verdicts out.
 *
 * Pipeline: parse (yaml/) → build cluster (cluster/) → identities (identity.ts) → normalise
 * policies (policy/) → compile per identity (evaluate/policy-index.ts) → decide (evaluate/) →
 * explain (explain.ts). `updateFile` re-runs only what a changed file touches: when its cluster
 * objects are unchanged, only its policies are re-normalised and only the identities they select
 * are recomputed.
 */
import { buildCluster, CLUSTER_KINDS, type ClusterObjectMeta } from './cluster/build.ts';
import type { PublicZone } from './dns/resolver.ts';
import type { Cluster } from './cluster/model.ts';
import { stableJson } from './hash.ts';
import { buildIdentities, type IdentityTable } from './identity.ts';
import { normalisePolicy, POLICY_KINDS, policyKey } from './policy/normalise.ts';
import type { Policy, PolicyKind } from './policy/model.ts';
import { PolicyIndex } from './evaluate/policy-index.ts';
import {
  evaluateProbe,
  type Probe,
  type ProbeContext,
  type ProbeResult,
} from './evaluate/probe.ts';
import { Matrix } from './evaluate/matrix.ts';
import { parseFiles, type RawObject } from './yaml/documents.ts';
import { DEFAULT_OPTIONS, type Diagnostic, type EngineOptions, type SourceFile } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What one file contributed. */
interface FileState {
  file: SourceFile;
  clusterObjects: ClusterObjectMeta[];
  clusterSignature: string;
  /** YAML documents the parser could read, valid or not. */
  documents: number;
  policies: Policy[];
  /** Raw policy text per key, to skip re-normalising unchanged policies. */
  policySignatures: Map<string, string>;
  /** The object each of `policies` was read from, in this version of the file. */
  policyObjects: Map<Policy, RawObject>;
  diagnostics: Diagnostic[];
}

function describeObject(raw: RawObject): { kind?: string; name?: string; namespace?: string } {
  const v = raw.value as Obj;
  const meta = isObj(v?.metadata) ? v.metadata : {};
  return {
    ...(typeof v?.kind === 'string' ? { kind: v.kind } : {}),
    ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
    ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
  };
}

/** A policy in force with what it was read from. */
export interface AppliedPolicy {
  policy: Policy;
  /** The object as parsed, for the positions of its fields. */
  raw: RawObject;
  /** The file that defines it, for its text. */
  file: SourceFile;
}

export class Engine {
  readonly options: EngineOptions;
  private files = new Map<string, FileState>();
  private clusterState!: Cluster;
  private identityTable!: IdentityTable;
  private policyIndex!: PolicyIndex;
  private clusterDiagnostics: Diagnostic[] = [];
  private matrixCache: Matrix | null = null;
  /** The simulated public DNS that probes resolve names against (the probes file's `dns:`). */
  publicZone: PublicZone = {};
  private namedPortMap = new Map<string, Set<string>>();
  /** Policy key → the file whose definition currently applies. */
  private owners = new Map<string, string>();

  constructor(options: Partial<EngineOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.rebuild();
  }

  /** Replaces every input file. */
  load(files: readonly SourceFile[]): void {
    this.files = new Map();
    for (const f of files) this.files.set(f.name, this.readFile(f));
    this.rebuild();
  }

  /** Adds or replaces one file, recomputing as little as possible. */
  updateFile(file: SourceFile): void {
    const prev = this.files.get(file.name);
    const next = this.readFile(file);
    this.files.set(file.name, next);
    if (!prev || prev.clusterSignature !== next.clusterSignature) {
      this.rebuild();
      return;
    }
    this.syncPolicies();
  }

  /** Recompiles everything from the already-parsed files (cluster, identities, policies). */
  recompute(): void {
    this.rebuild();
  }

  /** Removes a file. */
  removeFile(name: string): void {
    if (this.files.delete(name)) this.rebuild();
  }

  get cluster(): Cluster {
    return this.clusterState;
  }
  get identities(): IdentityTable {
    return this.identityTable;
  }
  get index(): PolicyIndex {
    return this.policyIndex;
  }
  /** Policies in force, sorted by key. */
  get policies(): Policy[] {
    return this.policyIndex.allPolicies();
  }
  /** The policy in force under a key, with the object and file it was read from. */
  applied(key: string): AppliedPolicy | undefined {
    const policy = this.policyIndex.policy(key);
    const state = policy && this.files.get(policy.file);
    const raw = policy && state?.policyObjects.get(policy);
    return policy && state && raw ? { policy, raw, file: state.file } : undefined;
  }
  /** How many YAML documents were read from all files (0: nothing could be read). */
  get documentCount(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.documents;
    return n;
  }

  /** Every diagnostic, sorted by file, line and column. */
  get diagnostics(): Diagnostic[] {
    const all = [...this.files.values()]
      .flatMap((f) => f.diagnostics)
      .concat(this.clusterDiagnostics, this.duplicateDiagnostics());
    return all.sort(
      (a, b) =>
        (a.range.file < b.range.file ? -1 : a.range.file > b.range.file ? 1 : 0) ||
        a.range.startLine - b.range.startLine ||
        a.range.startColumn - b.range.startColumn,
    );
  }

  private duplicateDiagnostics(): Diagnostic[] {
    const seen = new Map<string, Policy>();
    const out: Diagnostic[] = [];
    for (const f of this.files.values())
      for (const p of f.policies) {
        const first = seen.get(p.key);
        if (first)
          out.push({
            severity: 'warning',
            code: 'duplicate-policy',
            message: `${p.ref.kind} ${p.ref.namespace ? `${p.ref.namespace}/` : ''}${p.ref.name} is defined again; this later definition replaces the one in ${first.file}:${first.range.startLine}`,
            range: p.range,
            kind: p.ref.kind,
            ...(p.ref.namespace ? { namespace: p.ref.namespace } : {}),
            name: p.ref.name,
          });
        seen.set(p.key, p);
      }
    return out;
  }

  private probeContext(): ProbeContext {
    return {
      cluster: this.clusterState,
      identities: this.identityTable,
      index: this.policyIndex,
      namedPorts: this.namedPortMap,
      options: this.options,
      zone: this.publicZone,
    };
  }

  /** Decides one probe. */
  probe(probe: Probe): ProbeResult {
    return evaluateProbe(this.probeContext(), probe);
  }

  /** The pod-to-pod truth table, kept up to date across edits. */
  matrix(): Matrix {
    if (!this.matrixCache) {
      this.matrixCache = new Matrix(this.policyIndex, this.clusterState.pods, this.namedPortMap);
    }
    this.matrixCache.computeAll();
    return this.matrixCache;
  }

  private readFile(file: SourceFile): FileState {
    const parsed = parseFiles([file]);
    const diagnostics = [...parsed.diagnostics];
    const clusterObjects: ClusterObjectMeta[] = [];
    const policies: Policy[] = [];
    const policySignatures = new Map<string, string>();
    const policyObjects = new Map<Policy, RawObject>();
    const prev = this.files.get(file.name);
    for (const raw of parsed.objects) {
      const v = raw.value;
      const where = raw.locate([]);
      if (!isObj(v)) {
        diagnostics.push({
          severity: 'error',
          code: 'not-an-object',
          message: 'a manifest must be a mapping with apiVersion, kind and metadata',
          range: where,
        });
        continue;
      }
      const d = describeObject(raw);
      if (!d.kind) {
        diagnostics.push({
          severity: 'error',
          code: 'missing-field',
          message: "Object 'Kind' is missing",
          range: where,
          path: 'kind',
        });
        continue;
      }
      if (typeof v.apiVersion !== 'string') {
        diagnostics.push({
          severity: 'error',
          code: 'missing-field',
          message: "Object 'apiVersion' is missing",
          range: where,
          kind: d.kind,
          path: 'apiVersion',
        });
        continue;
      }
      if (POLICY_KINDS.has(d.kind)) {
        const expected = d.kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : 'cilium.io/v2';
        if (v.apiVersion !== expected) {
          diagnostics.push({
            severity: 'error',
            code: 'unknown-kind',
            message: `no matches for kind "${d.kind}" in version "${v.apiVersion}" (expected apiVersion ${expected})`,
            range: raw.locate(['apiVersion']),
            kind: d.kind,
            ...(d.name ? { name: d.name } : {}),
            path: 'apiVersion',
          });
          continue;
        }
        const sig = stableJson(v);
        const ns =
          d.kind === 'CiliumClusterwideNetworkPolicy' ? undefined : (d.namespace ?? 'default');
        const key = policyKey({
          kind: d.kind as PolicyKind,
          ...(ns !== undefined ? { namespace: ns } : {}),
          name: d.name ?? '',
        });
        const old = prev?.policies.find((p) => p.key === key);
        if (
          old &&
          prev?.policySignatures.get(key) === sig &&
          old.range.startLine === raw.locate([]).startLine
        ) {
          policies.push(old);
          policySignatures.set(key, sig);
          policyObjects.set(old, raw);
          diagnostics.push(
            ...prev.diagnostics.filter(
              (x) => x.kind === d.kind && x.name === d.name && x.code !== 'yaml-syntax',
            ),
          );
          continue;
        }
        const res = normalisePolicy(raw, this.options);
        diagnostics.push(...res.diagnostics);
        if (res.policy) {
          policies.push(res.policy);
          policySignatures.set(res.policy.key, sig);
          policyObjects.set(res.policy, raw);
        }
        continue;
      }
      if (CLUSTER_KINDS.has(d.kind)) {
        if (!d.name) {
          diagnostics.push({
            severity: 'error',
            code: 'missing-field',
            message: 'metadata.name: Required value: name or generateName is required',
            range: where,
            kind: d.kind,
            path: 'metadata.name',
          });
          continue;
        }
        const meta = isObj(v.metadata) ? v.metadata : {};
        const labels: Record<string, string> = {};
        if (isObj(meta.labels))
          for (const [k, val] of Object.entries(meta.labels)) labels[k] = String(val ?? '');
        clusterObjects.push({
          kind: d.kind,
          name: d.name,
          namespace: d.kind === 'Namespace' || d.kind === 'Node' ? '' : (d.namespace ?? 'default'),
          labels,
          obj: v,
          raw,
        });
        continue;
      }
      diagnostics.push({
        severity: 'info',
        code: 'ignored-kind',
        message: `${d.kind}${d.name ? ` ${d.namespace ? `${d.namespace}/` : ''}${d.name}` : ''} is accepted but not simulated`,
        range: where,
        kind: d.kind,
        ...(d.namespace ? { namespace: d.namespace } : {}),
        ...(d.name ? { name: d.name } : {}),
      });
    }
    const clusterSignature = stableJson(
      clusterObjects.map((o) => [o.kind, o.namespace, o.name, o.obj]),
    );
    return {
      file,
      clusterObjects,
      clusterSignature,
      documents: parsed.objects.length,
      policies,
      policySignatures,
      policyObjects,
      diagnostics,
    };
  }

  /** Rebuilds cluster and identities from every file, then re-applies every policy. */
  private rebuild(): void {
    const objects = [...this.files.values()].flatMap((f) => f.clusterObjects);
    const nsRefs = new Set<string>();
    for (const f of this.files.values())
      for (const p of f.policies) if (p.ref.namespace) nsRefs.add(p.ref.namespace);
    const built = buildCluster(objects, nsRefs);
    this.clusterState = built.cluster;
    this.clusterState.ignored = [...this.files.values()].flatMap((f) =>
      f.diagnostics
        .filter((d) => d.code === 'ignored-kind')
        .map((d) => ({
          kind: d.kind ?? '',
          ...(d.namespace ? { namespace: d.namespace } : {}),
          name: d.name ?? '',
          file: f.file.name,
        })),
    );
    this.clusterDiagnostics = built.diagnostics;
    this.identityTable = buildIdentities(this.clusterState, this.options.clusterName);
    this.policyIndex = new PolicyIndex(this.identityTable, this.clusterState, this.options);
    this.namedPortMap = new Map();
    for (const pod of this.clusterState.pods)
      for (const p of pod.ports)
        if (p.name) {
          let s = this.namedPortMap.get(p.name);
          if (!s) this.namedPortMap.set(p.name, (s = new Set()));
          s.add(`${p.port}/${p.protocol}`);
        }
    this.owners = new Map();
    this.matrixCache = null;
    this.syncPolicies();
  }

  /** Brings the policy index in line with the files; later files win for a duplicated key. */
  private syncPolicies(): void {
    const wanted = new Map<string, Policy>();
    for (const f of this.files.values()) for (const p of f.policies) wanted.set(p.key, p);
    const current = new Map(this.policyIndex.allPolicies().map((p) => [p.key, p]));
    const affected = [];
    for (const key of current.keys())
      if (!wanted.has(key)) affected.push(this.policyIndex.setPolicy(key, undefined));
    for (const [key, p] of wanted) {
      if (current.get(key) === p) continue;
      affected.push(this.policyIndex.setPolicy(key, p));
      if (
        p.ref.namespace &&
        !this.clusterState.namespaces.some((n) => n.name === p.ref.namespace)
      ) {
        this.clusterState.namespaces.push({
          name: p.ref.namespace,
          labels: { 'kubernetes.io/metadata.name': p.ref.namespace },
          declared: false,
        });
        this.clusterState.namespaces.sort((a, b) => (a.name < b.name ? -1 : 1));
      }
    }
    if (this.matrixCache) for (const a of affected) this.matrixCache.invalidate(a);
  }
}
