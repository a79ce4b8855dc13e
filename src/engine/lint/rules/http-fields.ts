/**
 * Rule 4, `header-value-regex`, `path-glob` and `method-case`: HTTP rule fields that are valid but
 * almost certainly not what was meant. Unknown fields (`pathRegex`, `header`, ...) are already
 * rejected by strict decoding in the engine's validation and are not repeated here, nor are
 * regular expressions RE2 cannot compile.
 *
 * 1. `headers: ["Name: value"]` and `headerMatches[].value` compare the value exactly; only
 *    `path`, `method` and `host` are regular expressions. — docs.cilium.io security/policy
 *    language (layer7) "HTTP"; pkg/policy/api/http.go `PortRuleHTTP`; brief §39–41.
 * 2. `path` is an RE2 expression matched against the whole path (Envoy `safe_regex`), not a
 *    glob: in `/api/*` the star repeats the slash, so it matches `/api` and `/api/` but not
 *    `/api/users`. — brief §39; Envoy HeaderMatcher `safe_regex_match`.
 * 3. Matching is case-sensitive: `method: get` never matches a `GET` request. — brief §39.
 */
import { compileRegex, fullMatch } from '../../l7/regex.ts';
import { arr, httpRules, isObj, warnAt } from '../context.ts';
import type { LintContext, LintRule, LintWarning } from '../model.ts';

/** Regular-expression syntax that has no business in a literal header value. */
const REGEX_SYNTAX =
  /\.\*|\.\+|\\[dDwWsSbB.]|^\^|\$$|\[[^\]]*-[^\]]*\]|\([^)]*\|[^)]*\)|[\w)]\|[\w(]|\{\d+(,\d*)?\}/;

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];

export const httpFields: LintRule = {
  codes: ['header-value-regex', 'path-glob', 'method-case'],
  check(ctx: LintContext): LintWarning[] {
    const out: LintWarning[] = [];
    for (const src of ctx.sources) {
      for (const { path: hp, http: h } of httpRules(src)) {
        arr(h.headers).forEach((entry, k) => {
          if (typeof entry !== 'string') return;
          const sp = entry.indexOf(' ');
          if (sp < 0) return;
          const name = entry.slice(0, sp).replace(/:+$/, '');
          const value = entry.slice(sp + 1);
          if (REGEX_SYNTAX.test(value))
            out.push(
              warnAt(
                src,
                [...hp, 'headers', k],
                'header-value-regex',
                'warning',
                `header values are compared exactly, not as regular expressions: this rule only matches requests whose ${name} header is literally "${value}"; list each accepted value in an HTTP rule of its own`,
              ),
            );
        });
        arr(h.headerMatches).forEach((m, k) => {
          if (!isObj(m) || typeof m.value !== 'string' || !REGEX_SYNTAX.test(m.value)) return;
          out.push(
            warnAt(
              src,
              [...hp, 'headerMatches', k, 'value'],
              'header-value-regex',
              'warning',
              `headerMatches values are compared exactly, not as regular expressions: this only matches requests whose ${String(m.name)} header is literally "${m.value}"; list each accepted value in an HTTP rule of its own`,
            ),
          );
        });
        const path = h.path;
        if (typeof path === 'string' && path.includes('/*') && compileRegex(path).ok) {
          const prefix = path.slice(0, path.indexOf('/*'));
          out.push(
            warnAt(
              src,
              [...hp, 'path'],
              'path-glob',
              'warning',
              `path is a regular expression matched against the whole path, not a glob: in "${path}" the * repeats the slash before it, so ${prefix || ''}/anything is not matched; write "${prefix}/.*" for everything under ${prefix || '/'}`,
            ),
          );
        }
        const method = h.method;
        if (
          typeof method === 'string' &&
          method !== '' &&
          compileRegex(method).ok &&
          !METHODS.some((m) => fullMatch(method, m)) &&
          METHODS.some((m) => fullMatch(method, m.toLowerCase()))
        )
          out.push(
            warnAt(
              src,
              [...hp, 'method'],
              'method-case',
              'warning',
              `methods are matched case-sensitively and clients send them in upper case: "${method}" matches no standard method; write "${method.toUpperCase()}"`,
            ),
          );
      }
    }
    return out;
  },
};
