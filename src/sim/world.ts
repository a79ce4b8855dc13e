/**
 * The simulated world the terminal's tools act on: the API objects of the cluster, the policy
 * engine deciding over them, a simulated clock, and Hubble's flow buffer.
 *
 * Objects live in two places:
 *   - live files (the lesson's manifests, the playground's editor buffers), handed to the engine
 *     whole so that diagnostics keep their line numbers;
 *   - objects applied in the terminal (`kubectl apply`, `kubectl run`, `kubectl create`), one
 *     engine file per object, keyed `Kind/namespace/name`, so that applying or deleting one
 *     touches nothing else.
 * Everything here is pure TypeScript: the same world runs in the browser worker and in Node.
 */
import { stringify } from 'yaml';
import type { PublicZone } from '../engine/dns/resolver.ts';
import { Engine } from '../engine/engine.ts';
import type { Probe, ProbeResult } from '../engine/evaluate/probe.ts';
import { flowsForProbe } from '../engine/flows/build.ts';
import type { Flow } from '../engine/flows/model.ts';
import type { EngineOptions, SourceFile } from '../engine/types.ts';

/** Simulated time in milliseconds since the epoch; it only moves when something waits. */
export class SimClock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  /** Moves time forward (a connect timeout, `sleep 2`, a retransmit). */
  advance(ms: number): void {
    if (ms > 0 && Number.isFinite(ms)) this.ms += ms;
  }
  date(): Date {
    return new Date(this.ms);
  }
}

/**
 * The connection attempt behind logged flows: the probe as the world ran it, and what it got
 * then. Every flow of one attempt shares one object.
 */
export interface FlowCause {
  probe: Probe;
  verdict: 'allowed' | 'denied';
  /** For an `fqdn:` probe, the verdict of the DNS lookup that came first. */
  lookupVerdict?: 'allowed' | 'denied';
}

/** A flow with its time as a number, for filtering by `--since` and ordering. */
export interface LoggedFlow {
  at: number;
  flow: Flow;
  /** What produced it, for explaining the flow later. */
  cause?: FlowCause;
}

/** Hubble's ring buffer of recent flows (4095 per node by default; one buffer here). */
export class FlowLog {
  private items: LoggedFlow[] = [];
  /** Incremented on every append, so followers can tell what is new. */
  private seq = 0;
  constructor(readonly capacity = 4095) {}

  add(flows: readonly Flow[], cause?: FlowCause): void {
    for (const flow of flows) {
      const at = Date.parse(flow.time);
      this.items.push({ at: Number.isFinite(at) ? at : 0, flow, ...(cause ? { cause } : {}) });
      this.seq++;
    }
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }
  /** Every buffered flow, oldest first. */
  all(): readonly LoggedFlow[] {
    return this.items;
  }
  /** How many flows were ever added; a follower remembers it and asks for `since(seq)`. */
  get sequence(): number {
    return this.seq;
  }
  /** The flow with sequence number `seq` (`sequence` counts from 0), while it is buffered. */
  at(seq: number): LoggedFlow | undefined {
    const index = seq - (this.seq - this.items.length);
    return Number.isInteger(index) && index >= 0 ? this.items[index] : undefined;
  }
  /** Flows added after the follower's `sequence` value. */
  since(sequence: number): LoggedFlow[] {
    const fresh = this.seq - sequence;
    if (fresh <= 0) return [];
    return this.items.slice(Math.max(0, this.items.length - fresh));
  }
  clear(): void {
    this.items = [];
  }
}

/** An API object applied through the terminal. */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The object as YAML text (one document), as the engine reads it. */
  text: string;
  /** When it was created and last changed, in simulated time. */
  createdAt: number;
  updatedAt: number;
  generation: number;
}

/** Background traffic the stories have: a bot voting, Prometheus scraping. */
export interface TrafficSource {
  /** The probe to repeat (its id names the source in logs). */
  probe: Probe;
  /** Period in simulated seconds. */
  everySeconds: number;
}

/** Builds the flow records of one probe result, starting at `startMs`. */
export type FlowBuilder = (world: SimWorld, result: ProbeResult, startMs: number) => Flow[];

export interface WorldOptions {
  /** The lesson's manifests: cluster objects and policies, handed to the engine whole. */
  files?: readonly SourceFile[];
  zone?: PublicZone;
  engine?: Partial<EngineOptions>;
  /** Simulated start time; default 2026-03-02T09:00:00Z. */
  start?: Date;
  traffic?: TrafficSource[];
  /** Turns probe results into flow records; default: the engine's Hubble flow builder. */
  flowsFor?: FlowBuilder;
}

/** The engine's flow records for a probe, starting at `startMs`. */
export const hubbleFlows: FlowBuilder = (world, result, startMs) =>
  flowsForProbe(world.engine, result, { start: new Date(startMs) });

/** Cluster-scoped kinds: objects without a namespace. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'CiliumClusterwideNetworkPolicy',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** `Kind/namespace/name`, with an empty namespace for cluster-scoped kinds. */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${isClusterScoped(kind) ? '' : (namespace ?? 'default')}/${name}`;
}

const OBJECT_FILE_PREFIX = 'api://';

/** The engine file name under which an object applied in the terminal is loaded. */
export function objectFileName(kind: string, namespace: string | undefined, name: string): string {
  return `${OBJECT_FILE_PREFIX}${objectKey(kind, namespace, name)}`;
}

export class SimWorld {
  readonly engine: Engine;
  readonly clock: SimClock;
  /** The simulated time the world started at (the learner's arrival). */
  readonly startedAt: number;
  readonly flows = new FlowLog();
  /** Files `kubectl apply -f NAME` can read besides the live files (lesson extras). */
  readonly workspace = new Map<string, string>();
  /** Reads a local file for `kubectl apply -f PATH` from Node; absent in the browser. */
  readLocalFile?: (path: string) => string | undefined;
  /** Live files by name (lesson manifests, editor buffers). */
  private live = new Map<string, string>();
  private objects = new Map<string, StoredObject>();
  /** When each live file was first seen, for AGE columns. */
  private liveSince = new Map<string, number>();
  private traffic: { source: TrafficSource; next: number }[] = [];
  private flowsFor: FlowBuilder;

  constructor(options: WorldOptions = {}) {
    this.clock = new SimClock((options.start ?? new Date('2026-03-02T09:00:00Z')).getTime());
    this.startedAt = this.clock.now();
    this.engine = new Engine(options.engine ?? {});
    this.engine.publicZone = options.zone ?? {};
    this.flowsFor = options.flowsFor ?? hubbleFlows;
    for (const f of options.files ?? []) {
      this.live.set(f.name, f.text);
      // Lesson objects were created a while before the learner arrives.
      this.liveSince.set(f.name, this.clock.now() - 3 * 86_400_000);
    }
    this.engine.load(options.files ?? []);
    for (const source of options.traffic ?? [])
      this.traffic.push({ source, next: this.clock.now() + source.everySeconds * 1000 });
  }

  /** Sets the function that turns probe results into flow records. */
  setFlowBuilder(f: FlowBuilder): void {
    this.flowsFor = f;
  }

  // --- live files ------------------------------------------------------------------------

  /** Adds or replaces a live file (an editor buffer); the engine updates incrementally. */
  setFile(name: string, text: string): void {
    if (!this.liveSince.has(name)) this.liveSince.set(name, this.clock.now());
    this.live.set(name, text);
    this.engine.updateFile({ name, text });
  }
  removeFile(name: string): void {
    this.live.delete(name);
    this.liveSince.delete(name);
    this.engine.removeFile(name);
  }
  file(name: string): string | undefined {
    return this.live.get(name) ?? this.workspace.get(name);
  }
  liveFiles(): string[] {
    return [...this.live.keys()];
  }
  /** When a live file first appeared (simulated time). */
  fileCreatedAt(name: string): number | undefined {
    return this.liveSince.get(name);
  }

  // --- API objects applied in the terminal -----------------------------------------------

  /** Stores an object (created or replaced) and hands it to the engine. */
  putObject(
    obj: Omit<StoredObject, 'createdAt' | 'updatedAt' | 'generation' | 'text'> & {
      value: unknown;
    },
  ): { created: boolean; changed: boolean } {
    const key = objectKey(obj.kind, obj.namespace, obj.name);
    const text = stringify(obj.value);
    const prev = this.objects.get(key);
    const now = this.clock.now();
    if (prev && prev.text === text) return { created: false, changed: false };
    this.objects.set(key, {
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      ...(obj.namespace !== undefined ? { namespace: obj.namespace } : {}),
      name: obj.name,
      text,
      createdAt: prev?.createdAt ?? now,
      updatedAt: now,
      generation: (prev?.generation ?? 0) + 1,
    });
    this.engine.updateFile({ name: objectFileName(obj.kind, obj.namespace, obj.name), text });
    return { created: !prev, changed: true };
  }

  /** Removes an applied object; false when it was not applied through the terminal. */
  deleteObject(kind: string, namespace: string | undefined, name: string): boolean {
    const key = objectKey(kind, namespace, name);
    if (!this.objects.delete(key)) return false;
    this.engine.removeFile(objectFileName(kind, namespace, name));
    return true;
  }

  getObject(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.objects.get(objectKey(kind, namespace, name));
  }
  storedObjects(): StoredObject[] {
    return [...this.objects.values()];
  }
  /** Whether an engine file name belongs to an object applied in the terminal. */
  static isObjectFile(file: string): boolean {
    return file.startsWith(OBJECT_FILE_PREFIX);
  }

  // --- traffic ---------------------------------------------------------------------------

  /** Decides a probe now and records its flows in the Hubble buffer. */
  probe(p: Probe, opts: { httpStatus?: number } = {}): { result: ProbeResult; flows: Flow[] } {
    const result = this.engine.probe(p);
    // The application's own answer (a 404 from the app) once the proxies let the request through.
    const http = result.l7?.http;
    if (http && result.l7?.allowed && opts.httpStatus !== undefined) http.status = opts.httpStatus;
    return { result, flows: this.record(p, result) };
  }

  /**
   * Records the flows of a probe already decided (`engine.probe(p)`) in the Hubble buffer, so a
   * command that had to know the verdict first does not decide it twice.
   */
  record(p: Probe, result: ProbeResult): Flow[] {
    const flows = this.flowsFor(this, result, this.clock.now());
    const lookup = result.lookup?.query;
    this.flows.add(flows, {
      probe: p,
      verdict: result.verdict,
      ...(lookup ? { lookupVerdict: lookup.verdict } : {}),
    });
    // The exchange takes the time its records span (a response's latency), so what happens next
    // is recorded after it.
    let last = this.clock.now();
    for (const f of flows) {
      const at = Date.parse(f.time);
      if (Number.isFinite(at) && at > last) last = at;
    }
    this.clock.advance(last - this.clock.now());
    return flows;
  }

  /**
   * Lets simulated time pass: background traffic due in the interval runs at its own time, so
   * `hubble observe` shows it interleaved with what the learner did.
   */
  advance(ms: number): void {
    const end = this.clock.now() + Math.max(0, ms);
    for (;;) {
      let due: { source: TrafficSource; next: number } | undefined;
      for (const t of this.traffic) if (t.next <= end && (!due || t.next < due.next)) due = t;
      if (!due) break;
      this.clock.advance(due.next - this.clock.now());
      // Each run is a new connection, so it gets its own id (and with it its own client port).
      this.probe({ ...due.source.probe, id: `${due.source.probe.id}#${due.next}` });
      due.next += Math.max(0.001, due.source.everySeconds) * 1000;
    }
    this.clock.advance(end - this.clock.now());
  }

  /** Adds a background traffic source (first run one period from now). */
  addTraffic(source: TrafficSource): void {
    this.traffic.push({ source, next: this.clock.now() + source.everySeconds * 1000 });
  }
}
