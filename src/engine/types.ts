/**
 * Plain data types shared by every stage of the engine. Everything here is serialisable: it
 * crosses the worker boundary and prints as JSON.
 */

/** A place in a source file, 1-based lines and columns, end exclusive. */
export interface SourceRange {
  /** The file name as the caller gave it. */
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** How bad a diagnostic is: an error means the document was not applied. */
export type Severity = 'error' | 'warning' | 'info';

/** One message about the input, placed at a line and column. */
export interface Diagnostic {
  severity: Severity;
  /** Short stable code, e.g. `unknown-field`, `yaml-syntax`, `invalid-cidr`. */
  code: string;
  message: string;
  /** Where it happened; for whole-file problems, line 1 column 1. */
  range: SourceRange;
  /** The object's kind, when known. */
  kind?: string;
  namespace?: string;
  name?: string;
  /** Field path in kubectl's notation, e.g. `spec.ingress[0].fromEndpoints`. */
  path?: string;
}

/** An input file: a name and its text. */
export interface SourceFile {
  name: string;
  text: string;
}

/** Cilium releases whose behaviour differs in ways the engine models. */
export type CiliumVersion = '1.16' | '1.17' | '1.18' | '1.19' | '1.20';

/** Engine options; every field has a default matching a stock Cilium install. */
export interface EngineOptions {
  /** Which Cilium release to imitate. Default `1.18`. */
  ciliumVersion: CiliumVersion;
  /** The cluster name carried in `io.cilium.k8s.policy.cluster`. Default `default`. */
  clusterName: string;
  /**
   * What the DNS proxy answers to a query no rule allows: `refused` (REFUSED, the default) or
   * `nameError` (NXDOMAIN) — the agent's `--tofqdns-dns-reject-response-code`.
   */
  dnsRejectResponseCode: 'refused' | 'nameError';
}

export const DEFAULT_OPTIONS: EngineOptions = {
  ciliumVersion: '1.18',
  clusterName: 'default',
  dnsRejectResponseCode: 'refused',
};

/** L4 protocols a probe can use. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Traffic direction as seen from the endpoint whose policy is evaluated. */
export type Direction = 'ingress' | 'egress';
