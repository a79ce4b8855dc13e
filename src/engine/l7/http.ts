/**
 * HTTP rules as Cilium's Envoy filter applies them (brief §39–§42; Documentation/security/policy
 * layer7.rst "HTTP"; pkg/policy/api/http.go).
 *
 * 1. `method`, `path`, `host`: RE2, whole value, case-sensitive; empty matches anything.
 * 2. `headers: ["Name: value"]`: split at the first space, trailing `:` trimmed from the name;
 *    the value must be equal (not a regex); `["Name"]` requires presence only. Names are
 *    case-insensitive. An entry without a space is taken whole as the name, colon included
 *    (`["Name:"]` asks for a header called `Name:`, which no request carries).
 * 3. `headerMatches`: a secret the cluster does not have and no `value` to fall back on makes
 *    the rule never match, whatever `mismatch` says (the agent installs an always-failing
 *    matcher). Otherwise, without `mismatch`, the header must have `value` (or, with no value,
 *    be present); with a `mismatch` action (LOG, ADD, DELETE, REPLACE) the rule matches whatever
 *    the header says.
 * 4. Fields of one rule are ANDed; rules in a list are ORed.
 */
import { fullMatch } from './regex.ts';

/** One request as the proxy sees it. */
export interface HttpRequest {
  method: string;
  /** `:path`, including any query string. */
  path: string;
  /** `:authority`. */
  host: string;
  /** Header names in any case. */
  headers: Record<string, string>;
}

/** One `rules.http` entry as written. */
export interface HttpRule {
  method?: string;
  path?: string;
  host?: string;
  headers?: string[];
  headerMatches?: {
    name: string;
    value?: string;
    secret?: { name: string; namespace?: string };
    mismatch?: string;
  }[];
}

function headerValue(req: HttpRequest, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() === want) return v;
  if (want === 'host' || want === ':authority') return req.host;
  if (want === ':method') return req.method;
  if (want === ':path') return req.path;
  return undefined;
}

/**
 * Splits a `headers` entry into name and optional exact value, as the agent does
 * (pkg/envoy xds_server.go `getHTTPRule`): only the name of a `Name: value` entry loses its
 * trailing colons; an entry without a space is the name as written.
 */
export function parseHeaderRule(entry: string): { name: string; value?: string } {
  const i = entry.indexOf(' ');
  if (i < 0) return { name: entry };
  return { name: entry.slice(0, i).replace(/:+$/, ''), value: entry.slice(i + 1) };
}

/** Whether one HTTP rule matches a request. */
export function httpRuleMatches(rule: HttpRule, req: HttpRequest): boolean {
  if (!fullMatch(rule.method, req.method)) return false;
  if (!fullMatch(rule.path, req.path)) return false;
  if (!fullMatch(rule.host, req.host)) return false;
  for (const h of rule.headers ?? []) {
    const { name, value } = parseHeaderRule(h);
    const got = headerValue(req, name);
    if (got === undefined) return false;
    if (value !== undefined && got !== value) return false;
  }
  for (const hm of rule.headerMatches ?? []) {
    // The simulated cluster holds no secrets for policies; the agent then falls back on `value`,
    // and without one the match fails before any mismatch action is considered.
    const value = hm.value ?? '';
    if (hm.secret && value === '') return false;
    if (hm.mismatch) continue; // the rule still matches; Envoy only logs or rewrites
    const got = headerValue(req, hm.name);
    if (got === undefined) return false;
    // An empty value asks for presence only.
    if (value !== '' && got !== value) return false;
  }
  return true;
}

/** The first rule of a list that matches, by index; -1 when none does. */
export function firstMatchingHttpRule(rules: readonly HttpRule[], req: HttpRequest): number {
  for (let i = 0; i < rules.length; i++) if (httpRuleMatches(rules[i]!, req)) return i;
  return -1;
}
