/**
 * The agent's Hubble redaction options (`--hubble-redact-*`), applied to L7 records the way
 * pkg/hubble/parser/seven does before a flow is stored, so both the summary and the JSON fields
 * show `HUBBLE_REDACTED`:
 *
 * | option        | default | effect                                                             |
 * |---------------|---------|--------------------------------------------------------------------|
 * | `enabled`     | false   | master switch: nothing below applies without it                    |
 * | `urlQuery`    | false   | drops the URL's query and fragment                                 |
 * | `userInfo`    | true    | `user:password@` becomes `user:HUBBLE_REDACTED@`                    |
 * | `headers`     | none    | allow list: every other value redacted; deny list: only those;      |
 * |               |         | neither: every header value redacted                               |
 * | `kafkaApiKey` | false   | the Kafka api key becomes `HUBBLE_REDACTED`                         |
 */
import { REDACTED, type Flow, type HttpHeader, type Layer7 } from './model.ts';
import { flowSummary } from './summary.ts';

export interface RedactOptions {
  enabled: boolean;
  urlQuery?: boolean;
  userInfo?: boolean;
  headers?: { allow?: readonly string[]; deny?: readonly string[] };
  kafkaApiKey?: boolean;
}

/** Header names compare case-insensitively. */
interface HeaderRule {
  allow: Set<string>;
  deny: Set<string>;
}

function headerRule(opts: RedactOptions): HeaderRule {
  return {
    allow: new Set((opts.headers?.allow ?? []).map((h) => h.toLowerCase())),
    deny: new Set((opts.headers?.deny ?? []).map((h) => h.toLowerCase())),
  };
}

/** The value a header shows after redaction (seven/http.go `filterHeader`). */
function headerValue(rule: HeaderRule, key: string, value: string): string {
  if (rule.allow.size === 0 && rule.deny.size === 0) return REDACTED;
  const k = key.toLowerCase();
  if (rule.allow.has(k)) return value;
  if (rule.deny.has(k)) return REDACTED;
  return rule.allow.size > 0 ? REDACTED : value;
}

const QUERY_OR_FRAGMENT = /[?#]/;

/** A URL with its password and, if asked, its query and fragment removed. */
export function redactUrl(url: string, opts: Pick<RedactOptions, 'urlQuery' | 'userInfo'>): string {
  const schemeEnd = url.indexOf('://');
  const authStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
  let authEnd = url.length;
  for (let i = authStart; i < url.length; i++) {
    const c = url[i];
    if (c === '/' || c === '?' || c === '#') {
      authEnd = i;
      break;
    }
  }
  let head = url.slice(0, authStart);
  let authority = schemeEnd < 0 ? '' : url.slice(authStart, authEnd);
  let rest = schemeEnd < 0 ? url : url.slice(authEnd);
  if (opts.userInfo !== false && authority) {
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const info = authority.slice(0, at);
      const colon = info.indexOf(':');
      if (colon >= 0) authority = `${info.slice(0, colon)}:${REDACTED}${authority.slice(at)}`;
    }
  }
  if (opts.urlQuery) {
    const cut = rest.search(QUERY_OR_FRAGMENT);
    if (cut >= 0) rest = rest.slice(0, cut);
  }
  head += authority;
  return head + rest;
}

function redactL7(l7: Layer7, opts: RedactOptions, rule: HeaderRule): Layer7 {
  if (l7.http) {
    const h = l7.http;
    const headers: HttpHeader[] | undefined = h.headers?.map((x) => ({
      key: x.key,
      value: headerValue(rule, x.key, x.value),
    }));
    return {
      ...l7,
      http: { ...h, url: redactUrl(h.url, opts), ...(headers ? { headers } : {}) },
    };
  }
  if (l7.kafka && opts.kafkaApiKey) return { ...l7, kafka: { ...l7.kafka, api_key: REDACTED } };
  return l7;
}

/** Flows as an agent with these redaction options would have stored them. */
export function redactFlows(flows: readonly Flow[], opts: RedactOptions): Flow[] {
  if (!opts.enabled) return [...flows];
  const rule = headerRule(opts);
  return flows.map((f) => {
    if (!f.l7) return f;
    const l7 = redactL7(f.l7, opts, rule);
    if (l7 === f.l7) return f;
    const out: Flow = { ...f, l7 };
    out.Summary = flowSummary(out);
    return out;
  });
}
