/** Hubble-style flow records for probes, and the ways `hubble observe` prints them. */
export * from './model.ts';
export { flowEnds, layer4Of, type FlowEnds } from './ends.ts';
export {
  flowsForProbe,
  flowsForProbes,
  DEFAULT_START,
  type FlowOptions,
  type FlowSource,
} from './build.ts';
export {
  formatCompact,
  formatDict,
  stampMilli,
  identityText,
  type PrintOptions,
} from './compact.ts';
export { formatJson, flowJson } from './json.ts';
export { redactFlows, redactUrl, type RedactOptions } from './redact.ts';
