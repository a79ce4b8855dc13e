/**
 * DNS names and patterns as the DNS proxy and toFQDNs see them (brief §45–§47;
 * Documentation/security/policy layer3.rst "DNS based"; pkg/fqdn/matchpattern).
 *
 * 1. Names compare lower-cased with a trailing dot implied.
 * 2. `matchPattern: "*"` matches every name.
 * 3. Otherwise `*` stands for zero or more of `[-a-zA-Z0-9_]`, never a dot: `*.example.com`
 *    matches `a.example.com` but neither `example.com` nor `a.b.example.com`.
 */

/** Lower-case with a trailing dot. */
export function normaliseName(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

// The CRD patterns of FQDNSelector (pkg/policy/api/fqdn.go, 1.16–1.20) are
// `^([-a-zA-Z0-9_]+[.]?)+$` and `^([-a-zA-Z0-9_*]+[.]?)+$`: labels separated by single dots, an
// optional trailing dot. Written that way they backtrack exponentially in a JavaScript RegExp on a
// long name with a bad last character, so the same languages are spelled out linearly here.
const NAME_RE = /^[-a-zA-Z0-9_]+(?:\.[-a-zA-Z0-9_]+)*\.?$/;
const PATTERN_RE = /^[-a-zA-Z0-9_*]+(?:\.[-a-zA-Z0-9_*]+)*\.?$/;

/** Whether a `matchName` value is valid (CRD pattern). */
export function isValidMatchName(s: string): boolean {
  return NAME_RE.test(s);
}
/** Whether a `matchPattern` value is valid (CRD pattern). */
export function isValidMatchPattern(s: string): boolean {
  return s === '*' || PATTERN_RE.test(s);
}

const compiled = new Map<string, RegExp>();

/** Whether a name matches a `matchPattern`. */
export function patternMatches(pattern: string, name: string): boolean {
  const p = normaliseName(pattern);
  if (p === '*.') return true;
  let re = compiled.get(p);
  if (!re) {
    // Only letters, digits, '-', '_', '.' and '*' reach here, and '*' cannot cross a dot, so the
    // expression below cannot backtrack badly.
    const body = p
      .split('*')
      .map((part) => part.replace(/[.\\^$+?()[\]{}|]/g, (c) => `\\${c}`))
      .join('[-a-zA-Z0-9_]*');
    re = new RegExp(`^${body}$`);
    compiled.set(p, re);
  }
  return re.test(normaliseName(name));
}

/** A `matchName`/`matchPattern` selector. */
export interface NameSelector {
  matchName?: string;
  matchPattern?: string;
}

/** Whether a selector (either field) covers a name. */
export function selectorMatches(sel: NameSelector, name: string): boolean {
  if (sel.matchName !== undefined && normaliseName(sel.matchName) === normaliseName(name))
    return true;
  if (sel.matchPattern !== undefined && patternMatches(sel.matchPattern, name)) return true;
  return false;
}
