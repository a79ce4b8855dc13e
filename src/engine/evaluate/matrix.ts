/**
 * The truth table: every pod endpoint to every pod endpoint on each port the destination
 * declares. Decided per identity pair and port, then read out per pod.
 *
 * Per (source identity, port) the engine keeps the set of destination identities its egress
 * allows; per (destination group, port) the set of source identities its ingress allows. A cell is
 * the AND of the two. After a policy edit only the rows and columns of the touched identities are
 * recomputed.
 */
import { Bitset } from '../bitset.ts';
import type { Pod } from '../cluster/model.ts';
import type { Identity } from '../identity.ts';
import type { Direction, Protocol } from '../types.ts';
import { portSpecMatches, type NamedPortResolver } from './decide.ts';
import type { DirectionPolicy, PolicyIndex } from './policy-index.ts';

/** A port and protocol, written `5432/TCP`. */
export type PortKey = string;

/** Pods that share an identity and declared ports; ingress is decided once per group. */
export interface EndpointGroup {
  key: string;
  identity: Identity;
  ports: { name?: string; port: number; protocol: Protocol }[];
  pods: Pod[];
}

function directionBits(
  view: DirectionPolicy,
  direction: Direction,
  n: number,
  port: number,
  protocol: Protocol,
  named: NamedPortResolver,
): Bitset {
  const out = new Bitset(n);
  if (view.selecting.length === 0) {
    out.fill();
    return out;
  }
  const ruleCovers = (toPorts: DirectionPolicy['allow'][number]['rule']['toPorts']) =>
    toPorts === null ||
    toPorts.some((pr) => pr.ports.some((s) => portSpecMatches(s, port, protocol, named)));
  if (view.enforcing.length === 0) out.fill();
  else for (const cr of view.allow) if (ruleCovers(cr.rule.toPorts)) out.or(cr.peers);
  // Local-host ingress is always allowed (brief §14); the matrix has only pod sources, so no bit to set.
  void direction;
  for (const cr of view.deny) {
    if (!ruleCovers(cr.rule.toPorts)) continue;
    const w = out.words;
    const d = cr.peers.words;
    for (let k = 0; k < w.length; k++) w[k]! &= ~d[k]!;
  }
  return out;
}

const PROTOCOL_CODE: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

/** A port and protocol as one number, for lookups that should not allocate. */
function portCode(port: number, protocol: Protocol): number {
  return port * 4 + (PROTOCOL_CODE[protocol] ?? 3);
}

export class Matrix {
  readonly groups: EndpointGroup[];
  /** Every port any group declares. */
  readonly ports: { port: number; protocol: Protocol; key: PortKey }[];
  private readonly n: number;
  private readonly egress = new Map<string, Bitset>(); // `${srcIndex}|${portKey}`
  private readonly ingress = new Map<string, Bitset>(); // `${groupKey}|${portKey}`
  private readonly cells = new Map<string, Bitset>(); // `${groupKey}|${portKey}` → source identities
  private readonly sources: Identity[];
  private readonly sourceSet = new Set<number>();
  private readonly groupOf = new Map<Pod, EndpointGroup>();
  /** Source identity index of each pod, so that lookups build no strings. */
  private readonly sourceOf = new Map<Pod, number>();
  /** The cells of each group by numeric port key (see `portCode`); same Bitsets as `cells`. */
  private readonly cellsByGroup = new Map<EndpointGroup, Map<number, Bitset>>();

  constructor(
    private readonly index: PolicyIndex,
    pods: readonly Pod[],
    private readonly namedPorts: Map<string, Set<string>>,
  ) {
    this.n = index.identities.all.length;
    const groups = new Map<string, EndpointGroup>();
    const srcSet = new Map<number, Identity>();
    for (const pod of pods) {
      const identity = index.identities.byPod.get(`${pod.namespace}/${pod.name}`);
      if (!identity || pod.hostNetwork || !pod.ip) continue;
      srcSet.set(identity.index, identity);
      this.sourceOf.set(pod, identity.index);
      const ports = [...pod.ports].sort(
        (a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1),
      );
      const key = `${identity.index}|${ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).join(',')}`;
      const g = groups.get(key);
      if (g) g.pods.push(pod);
      else groups.set(key, { key, identity, ports, pods: [pod] });
    }
    this.groups = [...groups.values()];
    for (const g of this.groups) for (const p of g.pods) this.groupOf.set(p, g);
    this.sources = [...srcSet.values()].sort((a, b) => a.index - b.index);
    for (const s of this.sources) this.sourceSet.add(s.index);
    const ports = new Map<PortKey, { port: number; protocol: Protocol; key: PortKey }>();
    for (const g of this.groups)
      for (const p of g.ports) {
        const key = `${p.port}/${p.protocol}`;
        ports.set(key, { port: p.port, protocol: p.protocol, key });
      }
    this.ports = [...ports.values()].sort(
      (a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1),
    );
  }

  private egressBits(src: Identity, port: number, protocol: Protocol): Bitset {
    const key = `${src.index}|${port}/${protocol}`;
    let b = this.egress.get(key);
    if (!b) {
      const named: NamedPortResolver = (name, p, proto) =>
        this.namedPorts.get(name)?.has(`${p}/${proto}`) ?? false;
      b = directionBits(
        this.index.view(src.index, 'egress'),
        'egress',
        this.n,
        port,
        protocol,
        named,
      );
      this.egress.set(key, b);
    }
    return b;
  }

  private ingressBits(g: EndpointGroup, port: number, protocol: Protocol): Bitset {
    const key = `${g.key}|${port}/${protocol}`;
    let b = this.ingress.get(key);
    if (!b) {
      const named: NamedPortResolver = (name, p, proto) =>
        g.ports.some((c) => c.name === name && c.port === p && c.protocol === proto);
      b = directionBits(
        this.index.view(g.identity.index, 'ingress'),
        'ingress',
        this.n,
        port,
        protocol,
        named,
      );
      this.ingress.set(key, b);
    }
    return b;
  }

  private computeCell(g: EndpointGroup, port: number, protocol: Protocol): Bitset {
    const cell = this.ingressBits(g, port, protocol).clone();
    const dst = g.identity.index;
    for (const s of this.sources) {
      if (cell.has(s.index) && !this.egressBits(s, port, protocol).has(dst)) cell.delete(s.index);
    }
    return cell;
  }

  /** Computes every cell that is not cached. */
  computeAll(): void {
    for (const g of this.groups)
      for (const p of g.ports) {
        const key = `${g.key}|${p.port}/${p.protocol}`;
        if (!this.cells.has(key)) this.cells.set(key, this.computeCell(g, p.port, p.protocol));
      }
  }

  /** Drops what depends on the given identities and recomputes it. */
  invalidate(affected: Bitset): void {
    for (const key of [...this.egress.keys()])
      if (affected.has(Number(key.slice(0, key.indexOf('|'))))) this.egress.delete(key);
    for (const g of this.groups) {
      const own = affected.has(g.identity.index);
      for (const p of g.ports) {
        const key = `${g.key}|${p.port}/${p.protocol}`;
        if (own) {
          this.ingress.delete(key);
          this.cells.delete(key);
          this.cellsByGroup.get(g)?.delete(portCode(p.port, p.protocol));
          continue;
        }
        // Only the affected sources' bits can change in this column.
        const cell = this.cells.get(key);
        if (!cell) continue;
        const ing = this.ingressBits(g, p.port, p.protocol);
        for (const s of affected) {
          if (!this.sourceSet.has(s)) continue;
          const src = this.index.identities.all[s]!;
          if (ing.has(s) && this.egressBits(src, p.port, p.protocol).has(g.identity.index))
            cell.add(s);
          else cell.delete(s);
        }
      }
    }
    this.computeAll();
  }

  /** Whether `src` may open a connection to `dst` on a port `dst` declares. */
  allowed(src: Pod, dst: Pod, port: number, protocol: Protocol): boolean {
    // A pod reaching its own address never leaves its network namespace: no policy applies.
    if (src === dst) return true;
    const si =
      this.sourceOf.get(src) ??
      this.index.identities.byPod.get(`${src.namespace}/${src.name}`)?.index;
    const g = this.groupOf.get(dst);
    if (si === undefined || !g) return false;
    let byPort = this.cellsByGroup.get(g);
    if (!byPort) {
      byPort = new Map();
      this.cellsByGroup.set(g, byPort);
    }
    const code = portCode(port, protocol);
    let cell = byPort.get(code);
    if (!cell) {
      const key = `${g.key}|${port}/${protocol}`;
      cell = this.cells.get(key);
      if (!cell) {
        cell = this.computeCell(g, port, protocol);
        this.cells.set(key, cell);
      }
      byPort.set(code, cell);
    }
    return cell.has(si);
  }

  /** Number of allowed (source identity, destination group, port) cells, for summaries. */
  countAllowed(): number {
    let n = 0;
    for (const c of this.cells.values()) for (const _ of c) n++;
    return n;
  }
}
