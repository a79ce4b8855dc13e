/**
 * The JSONPath templates of `kubectl get -o jsonpath=...` (client-go `util/jsonpath`): text with
 * `{...}` actions holding paths (`.items[*].status.podIP`, `..name`, `['app.kubernetes.io/name']`,
 * slices, filters `[?(@.type=="Ready")]`), quoted literals (`{"\n"}`), `{range ...}{end}` and
 * `{@}`. Several results of one action print space-separated; strings print bare, everything
 * else as JSON; missing keys print nothing, as with kubectl's default
 * `--allow-missing-template-keys`.
 */

type Step =
  | { t: 'field'; name: string }
  | { t: 'all' }
  | { t: 'recursive'; name: string | null }
  | { t: 'index'; indexes: number[] }
  | { t: 'slice'; start?: number; end?: number; step?: number }
  | { t: 'filter'; left: Step[]; op?: string; right?: Step[] | { value: unknown } }
  | { t: 'union'; names: string[] };

type Node =
  | { t: 'text'; text: string }
  | { t: 'path'; steps: Step[]; root: boolean }
  | { t: 'range'; steps: Step[]; body: Node[] };

export class JsonPathError extends Error {}

/** Evaluates a template against `data`; throws `JsonPathError` on a malformed template. */
export function renderTemplate(template: string, data: unknown): string {
  const nodes = parseTemplate(template);
  return renderNodes(nodes, data, data);
}

/** Evaluates one path expression (with or without braces and leading dot) to its results. */
export function evaluatePath(expr: string, data: unknown): unknown[] {
  let e = expr.trim();
  if (e.startsWith('{') && e.endsWith('}')) e = e.slice(1, -1);
  if (!e.startsWith('.') && !e.startsWith('[') && !e.startsWith('@')) e = `.${e}`;
  const steps = parsePath(e);
  return walk(steps, [data], data);
}

/** The text one result prints as. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  return JSON.stringify(v);
}

function renderNodes(nodes: readonly Node[], current: unknown, root: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'path') {
      const results = walk(n.steps, [n.root ? root : current], root);
      out += results.map(formatValue).join(' ');
    } else {
      // Each result of the range expression is one pass: `range .items[*]` visits the items.
      for (const r of walk(n.steps, [current], root)) out += renderNodes(n.body, r, root);
    }
  }
  return out;
}

function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  let text = '';
  const top = (): Node[] => stack[stack.length - 1]!;
  const flush = (): void => {
    if (text !== '') top().push({ t: 'text', text });
    text = '';
  };
  while (i < template.length) {
    const c = template[i]!;
    if (c !== '{') {
      text += c;
      i++;
      continue;
    }
    const end = findClose(template, i);
    if (end < 0) throw new JsonPathError(`error parsing jsonpath ${template}, unclosed action`);
    flush();
    const inner = template.slice(i + 1, end).trim();
    i = end + 1;
    if (inner === 'end') {
      if (stack.length === 1)
        throw new JsonPathError(`error parsing jsonpath ${template}, not in range, nothing to end`);
      stack.pop();
      continue;
    }
    if (inner.startsWith('range ') || inner.startsWith('range\t')) {
      const node: Node = { t: 'range', steps: parsePath(inner.slice(6).trim()), body: [] };
      top().push(node);
      stack.push(node.body);
      continue;
    }
    const literal = inner.match(/^"((?:[^"\\]|\\.)*)"$/) ?? inner.match(/^'((?:[^'\\]|\\.)*)'$/);
    if (literal) {
      top().push({ t: 'text', text: unescape(literal[1]!) });
      continue;
    }
    if (inner === '@' || inner === '') {
      top().push({ t: 'path', steps: [], root: false });
      continue;
    }
    const isRoot = inner.startsWith('$');
    top().push({ t: 'path', steps: parsePath(isRoot ? inner.slice(1) : inner), root: isRoot });
  }
  flush();
  if (stack.length > 1)
    throw new JsonPathError(`error parsing jsonpath ${template}, unclosed range`);
  return root;
}

function findClose(s: string, open: number): number {
  let quote: string | null = null;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_m, ch: string) =>
    ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === 'r' ? '\r' : ch,
  );
}

function parsePath(expr: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const s = expr.startsWith('@') ? expr.slice(1) : expr;
  const bad = (): never => {
    throw new JsonPathError(`error parsing jsonpath {${expr}}, unrecognized character in action`);
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === '.') {
      if (s[i + 1] === '.') {
        i += 2;
        const start = i;
        while (i < s.length && /[^.[\]]/.test(s[i]!)) i++;
        steps.push({ t: 'recursive', name: i > start ? s.slice(start, i) : null });
        continue;
      }
      i++;
      const start = i;
      while (i < s.length && (s[i] === '\\' ? (i++, true) : /[^.[\]]/.test(s[i]!))) i++;
      const name = s.slice(start, i).replace(/\\(.)/g, '$1');
      if (name === '*') steps.push({ t: 'all' });
      else if (name !== '') steps.push({ t: 'field', name });
      continue;
    }
    if (c === '[') {
      const end = matchingBracket(s, i);
      if (end < 0) throw new JsonPathError(`error parsing jsonpath {${expr}}, unterminated array`);
      steps.push(parseBracket(s.slice(i + 1, end).trim(), expr));
      i = end + 1;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    // A bare name, as in `range items[*]` or a custom column without its leading dot.
    if (steps.length === 0 && /[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < s.length && /[^.[\]]/.test(s[i]!)) i++;
      steps.push({ t: 'field', name: s.slice(start, i) });
      continue;
    }
    bad();
  }
  return steps;
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

function parseBracket(inner: string, expr: string): Step {
  if (inner === '*') return { t: 'all' };
  if (inner.startsWith('?(') && inner.endsWith(')'))
    return parseFilter(inner.slice(2, -1).trim(), expr);
  const quoted = [...inner.matchAll(/'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g)];
  if (quoted.length > 0) {
    const names = quoted.map((m) => unescape(m[1] ?? m[2] ?? ''));
    return names.length === 1 ? { t: 'field', name: names[0]! } : { t: 'union', names };
  }
  if (inner.includes(':')) {
    const [a, b, c] = inner.split(':').map((x) => x.trim());
    const num = (x: string | undefined): number | undefined =>
      x === undefined || x === '' ? undefined : Number(x);
    const slice = { t: 'slice' as const, start: num(a), end: num(b), step: num(c) };
    if ([slice.start, slice.end, slice.step].some((v) => v !== undefined && !Number.isInteger(v)))
      throw new JsonPathError(`error parsing jsonpath {${expr}}, invalid array index ${inner}`);
    return slice;
  }
  const indexes = inner.split(',').map((x) => Number(x.trim()));
  if (indexes.some((n) => !Number.isInteger(n)))
    throw new JsonPathError(`error parsing jsonpath {${expr}}, invalid array index ${inner}`);
  return { t: 'index', indexes };
}

function parseFilter(body: string, expr: string): Step {
  const m = body.match(/^(.*?)\s*(==|!=|<=|>=|<|>|=~)\s*(.*)$/);
  const operand = (x: string): Step[] | { value: unknown } => {
    const t = x.trim();
    if (t.startsWith('@')) return parsePath(t);
    const q = t.match(/^"((?:[^"\\]|\\.)*)"$/) ?? t.match(/^'((?:[^'\\]|\\.)*)'$/);
    if (q) return { value: unescape(q[1]!) };
    if (t === 'true' || t === 'false') return { value: t === 'true' };
    if (t !== '' && !Number.isNaN(Number(t))) return { value: Number(t) };
    throw new JsonPathError(`error parsing jsonpath {${expr}}, unrecognized filter ${body}`);
  };
  if (!m) {
    const left = operand(body);
    if (!Array.isArray(left))
      throw new JsonPathError(`error parsing jsonpath {${expr}}, unrecognized filter ${body}`);
    return { t: 'filter', left };
  }
  const left = operand(m[1]!);
  if (!Array.isArray(left))
    throw new JsonPathError(`error parsing jsonpath {${expr}}, unrecognized filter ${body}`);
  return { t: 'filter', left, op: m[2]!, right: operand(m[3]!) };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function walk(steps: readonly Step[], start: unknown[], root: unknown): unknown[] {
  let cur = start;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) apply(step, v, next, root);
    cur = next;
  }
  return cur;
}

function apply(step: Step, v: unknown, out: unknown[], root: unknown): void {
  switch (step.t) {
    case 'field':
      if (isObj(v) && step.name in v && v[step.name] !== undefined) out.push(v[step.name]);
      return;
    case 'union':
      if (isObj(v)) for (const n of step.names) if (n in v) out.push(v[n]);
      return;
    case 'all':
      if (Array.isArray(v)) out.push(...v);
      else if (isObj(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
      return;
    case 'index':
      if (Array.isArray(v))
        for (const i of step.indexes) {
          const j = i < 0 ? v.length + i : i;
          if (j >= 0 && j < v.length) out.push(v[j]);
        }
      return;
    case 'slice': {
      if (!Array.isArray(v)) return;
      const n = v.length;
      const norm = (x: number | undefined, d: number): number =>
        x === undefined ? d : x < 0 ? Math.max(0, n + x) : Math.min(n, x);
      const stepBy = step.step && step.step > 0 ? step.step : 1;
      for (let i = norm(step.start, 0); i < norm(step.end, n); i += stepBy) out.push(v[i]);
      return;
    }
    case 'recursive': {
      const visit = (x: unknown): void => {
        if (isObj(x)) {
          if (step.name === null) out.push(x);
          else if (step.name in x) out.push(x[step.name]);
          for (const k of Object.keys(x).sort()) visit(x[k]);
        } else if (Array.isArray(x)) {
          if (step.name === null) out.push(x);
          for (const e of x) visit(e);
        }
      };
      visit(v);
      return;
    }
    case 'filter': {
      const items = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
      for (const item of items) {
        const left = walk(step.left, [item], root);
        if (step.op === undefined) {
          if (left.length > 0) out.push(item);
          continue;
        }
        const right =
          step.right && !Array.isArray(step.right)
            ? [(step.right as { value: unknown }).value]
            : walk((step.right as Step[]) ?? [], [item], root);
        if (left.length === 0 || right.length === 0) continue;
        if (compare(left[0], step.op, right[0])) out.push(item);
      }
      return;
    }
  }
}

function compare(a: unknown, op: string, b: unknown): boolean {
  const num = typeof a === 'number' && typeof b === 'number';
  switch (op) {
    case '==':
      return num ? a === b : formatValue(a) === formatValue(b);
    case '!=':
      return num ? a !== b : formatValue(a) !== formatValue(b);
    case '<':
      return num && a < b;
    case '>':
      return num && a > b;
    case '<=':
      return num && a <= b;
    case '>=':
      return num && a >= b;
    case '=~':
      try {
        return new RegExp(formatValue(b)).test(formatValue(a));
      } catch {
        return false;
      }
  }
  return false;
}
