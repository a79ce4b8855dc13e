/**
 * The contract between the page and the playground worker. Everything crossing it is plain,
 * structured-cloneable data: the worker keeps the simulated world and the shell to itself.
 */
import type { CheckResult } from '../lessons/checks.ts';
import type { Check, LessonProbe } from '../lessons/model.ts';
import type { FlowRow, GraphData } from '../sim/graph-types.ts';

/** A manifest handed to the worker by name, as the page has it (usually YAML text). */
export interface WorkerFile {
  name: string;
  text: string;
}

export interface LoadRequest {
  /** Live manifests: cluster objects and policies the world starts with. */
  files: WorkerFile[];
  /** Public DNS names and their addresses, for egress to names outside the cluster. */
  zone?: Record<string, string[]>;
  /** Extra files `kubectl apply -f NAME` can read without applying them at start. */
  workspace?: WorkerFile[];
  /** Lines typed in earlier visits, oldest first, so `history` lists them as bash would. */
  history?: string[];
  /** Background traffic as YAML text with a `traffic:` list (see src/sim/traffic.ts). */
  traffic?: string;
}

export interface LoadResult {
  prompt: string;
  /** Problems with the inputs that did not stop loading (e.g. a bad traffic entry). */
  problems?: string[];
}

export interface OutputPiece {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface RunResponse {
  /** Output in the order a terminal shows it; ANSI colour sequences are left in. */
  out: OutputPiece[];
  exitCode: number;
  /** Simulated time the line took (a connect timeout, `sleep 2`); zero when it was instant. */
  elapsedMs: number;
  /** The prompt to show next: it changes when the line entered or left a container. */
  prompt: string;
  /** Requests to the page (e.g. `cilium hubble ui` asks for the flow graph). */
  effects?: { kind: 'open-panel'; panel: 'flow-graph' }[];
}

export interface Completion {
  /** Full replacements for `line.slice(replaceFrom, cursor)`, sorted, without duplicates. */
  candidates: string[];
  /** Where the word being completed starts in the line. */
  replaceFrom: number;
}

/** A place in one file: 1-based lines and columns, end exclusive. */
export interface TextRangeDto {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** One engine diagnostic, placed in a file (1-based lines and columns, end exclusive). */
export interface DiagnosticDto extends TextRangeDto {
  file: string;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  kind?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

/** What a rule did to the traffic an explanation is about. */
export type RuleRole =
  | 'allowed'
  | 'denied'
  /** It put the endpoint into default deny, and no rule allowed the traffic. */
  | 'default-deny'
  /** An L7 rule that matched the request. */
  | 'l7-allowed'
  /** The L7 rules of a proxy that refused the request (none matched). */
  | 'l7-refused';

/** One rule behind a verdict, placed in its file (1-based, end exclusive). */
export interface ExplainedRule extends TextRangeDto {
  file: string;
  /** `CiliumNetworkPolicy db/lock-db spec.ingress[0] (policy.yaml:12:7)`. */
  label: string;
  role: RuleRole;
}

/**
 * A verdict with the rules behind it, placed in their files. The rules that decided come first:
 * the matching L7 rule, the deny rule or the rules that switched default deny on; rules that only
 * allowed the other side of a denied connection come last.
 */
export interface Explanation {
  verdict: 'allowed' | 'denied';
  reason: string;
  rules: ExplainedRule[];
  /** The traffic explained, in one line: `dummy/debug → db/postgres-0 5432/TCP`. */
  subject?: string;
  /** Set when the verdict now differs from the one Hubble logged (the policies changed since). */
  note?: string;
}

/** How a rule took part in the fate of one flow, for the code lens over the rule. */
export type RuleEffect = 'allowed' | 'denied' | 'default-deny' | 'l7-refused';

/**
 * Traffic a rule decided: a workload pair on a declared port (possible), or connections Hubble
 * logged (observed), decided again under the current policies.
 */
export interface RuleFlow {
  effect: RuleEffect;
  /** `ns/workload`, an address, a DNS name or `host`. */
  from: string;
  to: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  /** The request inside the connection: `GET /metrics`, `DNS api.github.com.`. */
  l7?: string;
  /** `db/flask-app → db/postgres 5432/TCP allowed`. */
  text: string;
  /** How many logged connection attempts it stands for; 0 when only possible. */
  observed: number;
  /** The newest logged record of it (a `FlowRow.seq`), for `explainFlow`. */
  seq?: number;
  /** Pods (`ns/pod`) to explain it with when it was not observed. */
  pods?: { from: string; to: string };
  /** The flow graph edge it is drawn as, when there is one. */
  edge?: string;
}

/** The flows one rule decided, placed at the rule (1-based, end exclusive). */
export interface RuleLens extends TextRangeDto {
  file: string;
  /** `CiliumNetworkPolicy db/lock-db spec.ingress[0]`. */
  label: string;
  /** Distinct flows per effect. */
  counts: Record<RuleEffect, number>;
  /** The flows, denials first, at most a few dozen. */
  flows: RuleFlow[];
  /** More flows exist than are listed. */
  truncated: boolean;
  /** The cluster has too many workload pairs to try them all: the counts are lower bounds. */
  partial: boolean;
}

/** A policy doctor finding, placed in its file (see docs/lint.md for the codes). */
export interface LintFinding extends TextRangeDto {
  file: string;
  /** The rule code, such as `empty-list-no-default-deny`. */
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** An edit that does what the author evidently meant: replace `range` with `text`. */
  fix?: { title: string; range: TextRangeDto; text: string };
}

/** What the editor, the graph and the checks show; sent after every change. */
export interface EngineState {
  /** Increments with every change of files, objects or flows. */
  revision: number;
  diagnostics: DiagnosticDto[];
  graph: GraphData;
  /** Check results per step, when the request named lesson steps. */
  checks?: CheckResult[][];
}

/**
 * A state as the worker sends it. The flow rows (up to 500, the bulk of a state once the
 * learner has run some commands) are left out when the page said it already has the rows of
 * `graph.flowsKey`; `ResilientPlayground` puts them back.
 */
export interface SentState extends Omit<EngineState, 'graph'> {
  graph: Omit<GraphData, 'flows'> & { flows?: FlowRow[] };
}

/** Least-privilege policies written from the flows the world has seen. */
export interface GeneratedPolicies {
  /** Multi-document YAML, ready to be a file of the editor. */
  yaml: string;
  policies: number;
  /** Distinct connections the flows showed. */
  connections: number;
  notes: string[];
}

/** What the worker exposes; through comlink every method returns a promise. */
export interface PlaygroundApi {
  /**
   * Replaces (or adds) a live file, e.g. an editor buffer, and answers with the new state; with
   * lesson steps, their check results come in the same answer (one round trip per edit).
   * `haveFlows` is the `flowsKey` of the rows the page has: equal rows are not sent again.
   */
  setFile(name: string, text: string, steps?: { checks: Check[] }[], haveFlows?: string): SentState;
  /** Removes a live file. */
  removeFile(name: string, haveFlows?: string): SentState;
  /** The current state: after `run`, flows and objects may have changed. */
  state(haveFlows?: string): SentState;
  /**
   * Why traffic from one pod to another (`ns/pod`) on a port is allowed or denied, with the
   * YAML ranges of the deciding rules (for "show rule").
   */
  explain(from: string, to: string, port: number, protocol: 'TCP' | 'UDP' | 'SCTP'): Explanation;
  /**
   * Explains one logged flow (a `FlowRow.seq`): its connection attempt, with the request inside
   * it, decided again under the current policies. Null once the flow left Hubble's buffer.
   */
  explainFlow(seq: number): Explanation | null;
  /** Explains a probe as lessons write them (a check's probe), including its L7 request. */
  explainProbe(probe: LessonProbe): Explanation;
  /**
   * The rules of a file with the flows each one allowed or denied: possible traffic between
   * workloads and the flows Hubble logged, under the current policies (for code lenses).
   */
  ruleFlows(file: string): RuleLens[];
  /**
   * The policy doctor's findings over the live files (editor buffers and lesson manifests),
   * judged against the world as it is now, sorted by file, line and column.
   */
  lint(): LintFinding[];
  /** Runs lesson checks against the world as it is now (files, applied objects). */
  checks(steps: { checks: Check[] }[]): CheckResult[][];
  /** Starts a fresh world and shell from the given manifests. */
  load(request: LoadRequest): LoadResult;
  /**
   * Adds flows exported from a real cluster (`hubble observe -o json`) to the world's flow
   * buffer, so the graph, the flow table and `hubble observe` show them.
   */
  importFlows(text: string): { imported: number; problems: string[] };
  /** Least-privilege policies from the flows seen so far (terminal traffic and imports). */
  generatePolicies(options?: { l7?: boolean; fqdn?: boolean }): GeneratedPolicies;
  /** Runs one line typed at the prompt. */
  run(line: string): RunResponse;
  /** Tab completion for `line` with the cursor at `cursor` (a UTF-16 index). */
  complete(line: string, cursor: number): Completion;
  prompt(): string;
}
