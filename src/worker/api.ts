/**
 * The contract between the page and the playground worker. Everything crossing it is plain,
 * structured-cloneable data: the worker keeps the simulated world and the shell to itself.
 */
import type { CheckResult } from '../lessons/checks.ts';
import type { Check } from '../lessons/model.ts';
import type { GraphData } from '../sim/graph-types.ts';

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

/** One engine diagnostic, placed in a file (1-based lines and columns, end exclusive). */
export interface DiagnosticDto {
  file: string;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  kind?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

/** A verdict with the rules behind it, placed in their files. */
export interface Explanation {
  verdict: 'allowed' | 'denied';
  reason: string;
  rules: {
    file: string;
    startLine: number;
    startColumn: number;
    endLine: number;
    endColumn: number;
    label: string;
  }[];
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
   */
  setFile(name: string, text: string, steps?: { checks: Check[] }[]): EngineState;
  /** Removes a live file. */
  removeFile(name: string): EngineState;
  /** The current state: after `run`, flows and objects may have changed. */
  state(): EngineState;
  /**
   * Why traffic from one pod to another (`ns/pod`) on a port is allowed or denied, with the
   * YAML ranges of the deciding rules (for "show rule").
   */
  explain(from: string, to: string, port: number, protocol: 'TCP' | 'UDP' | 'SCTP'): Explanation;
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
