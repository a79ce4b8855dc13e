/**
 * L7 regular expressions with RE2 semantics (re2js), never the native RegExp: a hostile pattern
 * runs in linear time. Envoy matches `safe_regex` against the whole value (brief §39), which is
 * RE2's full match.
 */
import { RE2JS } from 're2js';

/** A compiled pattern, or why it does not compile. */
export type CompiledRegex =
  { ok: true; test: (s: string) => boolean } | { ok: false; error: string };

const cache = new Map<string, CompiledRegex>();

/** Compiles once per pattern; `test` is a whole-string match. */
export function compileRegex(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let out: CompiledRegex;
  try {
    const re = RE2JS.compile(pattern);
    out = { ok: true, test: (s: string) => re.matches(s) };
  } catch (err) {
    out = { ok: false, error: (err as Error).message };
  }
  if (cache.size > 5000) cache.clear();
  cache.set(pattern, out);
  return out;
}

/** Whole-string match; an empty or absent pattern matches anything, an invalid one nothing. */
export function fullMatch(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined || pattern === '') return true;
  const c = compileRegex(pattern);
  return c.ok && c.test(value);
}
