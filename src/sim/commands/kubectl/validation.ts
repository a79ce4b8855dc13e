/**
 * Which of the engine's diagnostics the API server itself would raise. Those objects are refused
 * by `kubectl apply` and never stored; every other error is the Cilium agent's: the object is
 * stored, and the agent ignores it (`kubectl get cnp` shows VALID False).
 */
import type { Diagnostic } from '../../../engine/types.ts';

/** Strict decoding and schema checks the API server makes for every kind. */
const API_SERVER_CODES = new Set([
  'unknown-field',
  'wrong-type',
  'invalid-value',
  'missing-field',
  'unknown-kind',
  'not-an-object',
  'yaml-syntax',
]);

/** Whether the API server refuses the object this diagnostic is about. */
export function isApiRejection(d: Diagnostic): boolean {
  if (d.severity !== 'error') return false;
  if (API_SERVER_CODES.has(d.code)) return true;
  // NetworkPolicy is validated in full by the API server (ValidateNetworkPolicy).
  if (d.kind === 'NetworkPolicy') return true;
  // Cilium's CRD declares CIDR fields with `format: cidr`, so a malformed one never gets stored;
  // an `except` outside its CIDR is only caught by the agent.
  return d.code === 'invalid-cidr' && isMalformedCidr(d);
}

function isMalformedCidr(d: Diagnostic): boolean {
  return /must be a valid CIDR/.test(d.message);
}

/** The cause text the API server gives for a rejected field (`path: Invalid value: ...`). */
export function causeText(d: Diagnostic): string {
  if (d.code === 'invalid-cidr' && isMalformedCidr(d) && d.path) {
    const value = d.message.match(/Invalid value: "([^"]*)"/)?.[1] ?? '';
    return `${d.path}: Invalid value: "${value}": ${d.path} in body must be of type cidr: "${value}"`;
  }
  return d.message;
}
