/** The engine's internal policy form: every policy kind normalised to one rule shape. */
import type { Cidr } from '../ip.ts';
import type { CompiledSelector, Requirement } from '../selector.ts';
import type { Direction, SourceRange } from '../types.ts';

export type PolicyKind = 'NetworkPolicy' | 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';

/** Which policy: kind, namespace (absent for clusterwide) and name. */
export interface PolicyRef {
  kind: PolicyKind;
  namespace?: string;
  name: string;
}

/** The section of a Cilium rule a normalised rule came from. */
export type Section = 'ingress' | 'egress' | 'ingressDeny' | 'egressDeny';

/** Where a rule came from, down to the YAML range. */
export interface RuleOrigin {
  policy: PolicyRef;
  section: Section;
  /** Index in `specs` for a multi-rule Cilium policy. */
  specIndex?: number;
  /** Index of the rule within its section. */
  index: number;
  /** For a NetworkPolicy, the index of the peer within `from`/`to`. */
  peerIndex?: number;
  range: SourceRange;
}

/** One `ports` entry: port 0 means every port; `name` is a named port to resolve. */
export interface PortSpec {
  port: number;
  endPort: number;
  name?: string;
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'ANY';
}

/** One `toPorts` entry: ports plus whatever L7 rules it carries (enforced by the L7 stage). */
export interface PortRule {
  ports: PortSpec[];
  /** The `rules` block as written, for the L7 stage; null when absent. */
  l7: Record<string, unknown> | null;
  range: SourceRange;
  /** Where each L7 rule of `l7` is written, per protocol in list order (for "show rule"). */
  l7Ranges?: Partial<Record<'http' | 'dns' | 'kafka', SourceRange[]>>;
}

export interface CidrSpec {
  cidr: Cidr;
  except: Cidr[];
}

/** `toServices` entry: a named service, or services chosen by a label selector. */
export interface ServiceRef {
  namespace?: string;
  name?: string;
  selector?: CompiledSelector;
}

/** `toFQDNs` entry. */
export interface FqdnSelector {
  matchName?: string;
  matchPattern?: string;
}

/** One normalised allow or deny rule. */
export interface Rule {
  /** Stable id: policy key + section + index. */
  id: string;
  origin: RuleOrigin;
  direction: Direction;
  deny: boolean;
  /** Which local endpoints the rule applies to. */
  subject: CompiledSelector;
  /** Peer selectors to which `fromRequires`/`toRequires` of the subject are added. */
  endpoints: CompiledSelector[];
  /** Peer selectors that requirements never touch (entities, "all peers"). */
  aggregated: CompiledSelector[];
  cidrs: CidrSpec[];
  services: ServiceRef[];
  fqdns: FqdnSelector[];
  /** `fromRequires`/`toRequires` written in this rule. */
  requires: Requirement[];
  /** null: no L4 part, every port and protocol (ICMP too). An empty list matches no port. */
  toPorts: PortRule[] | null;
  /** Whether this rule puts its subject into default deny for its direction. */
  enforces: boolean;
}

/** A policy after normalisation. */
export interface Policy {
  /** Stable key: `kind/namespace/name`. */
  key: string;
  ref: PolicyRef;
  file: string;
  range: SourceRange;
  rules: Rule[];
  /** Each rule's endpoint selector (one per spec), for explanations. */
  subjects: CompiledSelector[];
}
