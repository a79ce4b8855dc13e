/**
 * Label selectors as kubectl reads them from `-l` (apimachinery `labels.Parse`): equality
 * (`app=web`, `app==web`, `app!=web`), set-based (`tier in (a,b)`, `tier notin (a)`, `tier`,
 * `!tier`) and comma-separated conjunctions; and the reverse, printing selectors and label maps
 * the way `get` and `describe` do.
 */

export type Operator = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=';

export interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export type SelectorResult =
  { ok: true; requirements: Requirement[] } | { ok: false; error: string };

const KEY = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9](\/?)/;

/** Parses a `-l` selector; an empty string selects everything. */
export function parseSelector(text: string): SelectorResult {
  const requirements: Requirement[] = [];
  let i = 0;
  const s = text;
  const skipSpace = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const readKey = (): string => {
    skipSpace();
    const start = i;
    while (i < s.length && !/[\s,=!()]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  const readValue = (): string => {
    skipSpace();
    const start = i;
    while (i < s.length && !/[\s,()]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  skipSpace();
  if (i >= s.length) return { ok: true, requirements };
  for (;;) {
    skipSpace();
    let negate = false;
    if (s[i] === '!') {
      negate = true;
      i++;
    }
    const key = readKey();
    if (key === '' || !validKey(key)) {
      return {
        ok: false,
        error: `unable to parse requirement: ${key === '' ? "found '', expected: identifier" : `invalid label key "${key}"`}`,
      };
    }
    skipSpace();
    if (negate) {
      requirements.push({ key, op: '!', values: [] });
    } else if (i >= s.length || s[i] === ',') {
      requirements.push({ key, op: 'exists', values: [] });
    } else if (s.startsWith('==', i) || s.startsWith('!=', i) || s[i] === '=') {
      const op: Operator = s.startsWith('==', i) ? '==' : s.startsWith('!=', i) ? '!=' : '=';
      i += op.length;
      const value = readValue();
      if (!validValue(value)) return { ok: false, error: `invalid label value: "${value}"` };
      requirements.push({ key, op, values: [value] });
    } else {
      const word = readKey().toLowerCase();
      if (word !== 'in' && word !== 'notin') {
        return {
          ok: false,
          error: `unable to parse requirement: found '${word}', expected: in, notin, =, ==, !=, gt, lt`,
        };
      }
      skipSpace();
      if (s[i] !== '(') return { ok: false, error: `found '${s[i] ?? ''}', expected: '('` };
      i++;
      const values: string[] = [];
      for (;;) {
        const v = readValue();
        if (v !== '') values.push(v);
        skipSpace();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        return { ok: false, error: `found '${s[i] ?? ''}', expected: ',', or ')'` };
      }
      requirements.push({ key, op: word, values });
    }
    skipSpace();
    if (i >= s.length) break;
    if (s[i] !== ',')
      return { ok: false, error: `found '${s[i]}', expected: ',' or 'end of string'` };
    i++;
  }
  return { ok: true, requirements };
}

function validKey(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return (
    name.length > 0 &&
    name.length <= 63 &&
    KEY.test(name) &&
    /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)
  );
}

function validValue(v: string): boolean {
  return v === '' || (v.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v));
}

/** Whether `labels` satisfies every requirement. */
export function matchesSelector(
  requirements: readonly Requirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
      case '==':
      case 'in':
        return has && r.values.includes(v!);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(v!);
    }
    return false;
  });
}

/** A label map as `k=v,k2=v2`, keys sorted (`labels.FormatLabels`); `<none>` when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** A Kubernetes LabelSelector as `metav1.FormatLabelSelector` prints it. */
export function formatLabelSelector(selector: unknown): string {
  if (typeof selector !== 'object' || selector === null) return '<none>';
  const sel = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const parts: string[] = [];
  if (typeof sel.matchLabels === 'object' && sel.matchLabels !== null) {
    const ml = sel.matchLabels as Record<string, unknown>;
    for (const k of Object.keys(ml).sort()) parts.push(`${k}=${String(ml[k])}`);
  }
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (typeof e !== 'object' || e === null) continue;
      const x = e as { key?: unknown; operator?: unknown; values?: unknown };
      const key = String(x.key ?? '');
      const values = Array.isArray(x.values) ? x.values.map(String) : [];
      switch (x.operator) {
        case 'In':
          parts.push(`${key} in (${values.join(',')})`);
          break;
        case 'NotIn':
          parts.push(`${key} notin (${values.join(',')})`);
          break;
        case 'Exists':
          parts.push(key);
          break;
        case 'DoesNotExist':
          parts.push(`!${key}`);
          break;
        default:
          parts.push(`${key} ${String(x.operator ?? '')} (${values.join(',')})`);
      }
    }
  }
  return parts.length === 0 ? '<none>' : parts.join(',');
}
