/** Public surface of the engine, for the worker, the command line and tests. */
export { Engine } from './engine.ts';
export type { Probe, ProbeResult, Endpoint } from './evaluate/probe.ts';
export type { DirectionDecision } from './evaluate/decide.ts';
export type { Matrix } from './evaluate/matrix.ts';
export type { Cluster, Pod, Service, Namespace, ClusterNode } from './cluster/model.ts';
export type { Policy, Rule, RuleOrigin, PolicyRef } from './policy/model.ts';
export type {
  Diagnostic,
  SourceFile,
  SourceRange,
  EngineOptions,
  CiliumVersion,
  Protocol,
} from './types.ts';
export {
  decidingPolicies,
  describeRule,
  policyName,
  rulePath,
  explainDirection,
} from './explain.ts';
export { diffEngines, l7Label } from './diff/diff.ts';
export type { DiffOptions, FlowChange, FlowDiff, FlowState } from './diff/diff.ts';
export { lint } from './lint/index.ts';
export type { LintFix, LintSeverity, LintWarning } from './lint/model.ts';
export { policiesFromFlows } from './generate/policies.ts';
export type { GenerateOptions, GenerateResult } from './generate/policies.ts';
export { readHubbleJson } from './flows/import.ts';
