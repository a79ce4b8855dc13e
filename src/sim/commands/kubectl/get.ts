/**
 * `kubectl get`: tables (`-o wide`, `--show-labels`, `-L`, `-A`, `--no-headers`), `-o name`,
 * `-o yaml|json`, `-o jsonpath=...` and `-o custom-columns=...`, label and field selectors,
 * several types at once (`pods,svc`, `all`) and `TYPE/NAME` arguments.
 */
import type { CommandResult } from '../../shell/types.ts';
import { table } from '../tabwriter.ts';
import { toApi, toList } from './api.ts';
import { asObj, type ApiObject, type Obj } from './catalog.ts';
import { Kctx, notFound } from './context.ts';
import { jsonText, yamlText } from './encode.ts';
import { flagBool, flagList, flagValue, type FlagSpec } from './flags.ts';
import { evaluatePath, formatValue, JsonPathError, renderTemplate } from './jsonpath.ts';
import { CEP_WIDE_HEADERS, cepWideRow, PRINTERS } from './printers.ts';
import { parseInput, readInput } from './manifests.ts';
import { ALL_CATEGORY, findType, kindRef, typeForKind, type ResourceType } from './resources.ts';
import { formatLabels, matchesSelector, parseSelector, type Requirement } from './selector.ts';
import { age } from './duration.ts';

export const GET_FLAGS: FlagSpec[] = [
  { name: 'output', short: 'o', type: 'string' },
  { name: 'selector', short: 'l', type: 'string' },
  { name: 'all-namespaces', short: 'A', type: 'bool' },
  { name: 'show-labels', type: 'bool' },
  { name: 'no-headers', type: 'bool' },
  { name: 'watch', short: 'w', type: 'bool' },
  { name: 'label-columns', short: 'L', type: 'strings' },
  { name: 'field-selector', type: 'string' },
  { name: 'sort-by', type: 'string' },
  { name: 'ignore-not-found', type: 'bool' },
  { name: 'filename', short: 'f', type: 'strings' },
  { name: 'show-kind', type: 'bool' },
  { name: 'chunk-size', type: 'string' },
];

/** One resolved argument: a type and, optionally, the names asked for. */
export interface TypeRequest {
  type: ResourceType;
  names: string[];
  /** Per name, the namespace a file gave it. */
  namespaces?: (string | undefined)[];
}

export type Resolved =
  { ok: true; requests: TypeRequest[]; multiple: boolean } | { ok: false; error: string };

/** Reads `TYPE[,TYPE] [NAME...]` or `TYPE/NAME...` arguments. */
export function resolveArgs(args: readonly string[], allowAll = true): Resolved {
  if (args.length === 0) return { ok: true, requests: [], multiple: false };
  const slashed = args.filter((a) => a.includes('/'));
  if (slashed.length > 0) {
    if (slashed.length !== args.length)
      return {
        ok: false,
        error:
          "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
      };
    const requests: TypeRequest[] = [];
    for (const a of args) {
      const [typed = '', name = ''] = a.split('/', 2);
      const type = findType(typed);
      if (!type) return { ok: false, error: `the server doesn't have a resource type "${typed}"` };
      if (name === '')
        return {
          ok: false,
          error: `arguments in resource/name form must have a single resource and name`,
        };
      const r = requests.find((x) => x.type === type);
      if (r) r.names.push(name);
      else requests.push({ type, names: [name] });
    }
    return { ok: true, requests, multiple: requests.length > 1 };
  }
  const typeWords = args[0]!.split(',').filter((t) => t !== '');
  const requests: TypeRequest[] = [];
  let multiple = typeWords.length > 1;
  for (const word of typeWords) {
    if (allowAll && word.toLowerCase() === 'all') {
      multiple = true;
      for (const plural of ALL_CATEGORY) {
        const t = findType(plural)!;
        if (!requests.some((r) => r.type === t)) requests.push({ type: t, names: [] });
      }
      continue;
    }
    const type = findType(word);
    if (!type) return { ok: false, error: `the server doesn't have a resource type "${word}"` };
    if (!requests.some((r) => r.type === type)) requests.push({ type, names: [] });
  }
  const names = args.slice(1);
  if (names.length > 0) {
    if (requests.length > 1 || multiple) {
      for (const r of requests) r.names = [...names];
    } else requests[0]!.names = names;
  }
  return { ok: true, requests, multiple };
}

/** `get -f FILE`: the objects the files name, grouped by type. */
function objectsOfFiles(
  k: Kctx,
  files: string[],
): { requests: TypeRequest[]; multiple: boolean } | string {
  const requests: TypeRequest[] = [];
  for (const f of files) {
    const read = readInput(k.world, f, k.ctx.stdin);
    if (!read.ok) return read.error;
    const parsed = parseInput(read.input);
    if (!parsed.ok) return parsed.error;
    for (const obj of parsed.objects) {
      const type = typeForKind(String(obj.kind), String(obj.apiVersion));
      if (!type)
        return `the server doesn't have a resource type "${String(obj.kind).toLowerCase()}"`;
      const meta = asObj(obj.metadata);
      const ns = type.namespaced
        ? typeof meta.namespace === 'string'
          ? meta.namespace
          : k.namespace
        : undefined;
      let r = requests.find((x) => x.type === type);
      if (!r) requests.push((r = { type, names: [], namespaces: [] }));
      r.names.push(String(meta.name ?? ''));
      r.namespaces!.push(ns);
    }
  }
  return { requests, multiple: requests.length > 1 };
}

interface FieldRequirement {
  path: string;
  negate: boolean;
  value: string;
}

function parseFieldSelector(text: string): FieldRequirement[] | string {
  const out: FieldRequirement[] = [];
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = part.match(/^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$/);
    if (!m) return `invalid selector: '${text}'; can't understand '${part}'`;
    out.push({ path: m[1]!, negate: m[2] === '!=', value: m[3]! });
  }
  return out;
}

export function runGet(k: Kctx): CommandResult {
  const output = flagValue(k.flags, 'output') ?? '';
  const allNs = flagBool(k.flags, 'all-namespaces');
  const files = flagList(k.flags, 'filename', false);
  const fromFiles = files.length > 0 ? objectsOfFiles(k, files) : undefined;
  if (typeof fromFiles === 'string') return k.fail(fromFiles);
  const resolved = fromFiles ? { ok: true as const, ...fromFiles } : resolveArgs(k.flags.args);
  if (!resolved.ok) return k.fail(resolved.error);
  const { requests, multiple } = resolved;
  if (requests.length === 0) {
    k.err(
      'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n',
    );
    return k.usage(
      'Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).',
    );
  }
  if (allNs && requests.some((r) => r.names.length > 0))
    return k.fail('a resource cannot be retrieved by name across all namespaces');

  let labelReqs: Requirement[] = [];
  const sel = flagValue(k.flags, 'selector');
  if (sel !== undefined) {
    const parsed = parseSelector(sel);
    if (!parsed.ok) return k.fail(parsed.error);
    labelReqs = parsed.requirements;
  }
  let fieldReqs: FieldRequirement[] = [];
  const fsel = flagValue(k.flags, 'field-selector');
  if (fsel !== undefined) {
    const parsed = parseFieldSelector(fsel);
    if (typeof parsed === 'string') return k.fail(parsed);
    fieldReqs = parsed;
  }

  const catalog = k.catalog;
  const namespace = k.namespace;
  const errors: string[] = [];
  const groups: { type: ResourceType; items: ApiObject[] }[] = [];
  let singleNamed = false;
  for (const r of requests) {
    const ns = allNs ? undefined : namespace;
    let items: ApiObject[];
    if (r.names.length > 0) {
      items = [];
      for (const [i, name] of r.names.entries()) {
        const o = catalog.get(r.type, r.namespaces?.[i] ?? ns, name);
        if (o) items.push(o);
        else if (!flagBool(k.flags, 'ignore-not-found')) errors.push(notFound(r.type, name));
      }
      singleNamed = requests.length === 1 && r.names.length === 1 && !multiple;
    } else {
      items = catalog.list(r.type, ns);
    }
    if (labelReqs.length > 0) items = items.filter((o) => matchesSelector(labelReqs, o.labels));
    if (fieldReqs.length > 0)
      items = items.filter((o) => {
        const api = toApi(o, catalog);
        return fieldReqs.every((f) => {
          const v = evaluatePath(f.path, api).map(formatValue)[0] ?? '';
          return (v === f.value) !== f.negate;
        });
      });
    groups.push({ type: r.type, items });
  }

  const sortBy = flagValue(k.flags, 'sort-by');
  if (sortBy !== undefined) {
    for (const g of groups) {
      const keyed = g.items.map((o) => ({ o, v: evaluatePath(sortBy, toApi(o, catalog))[0] }));
      keyed.sort((a, b) =>
        typeof a.v === 'number' && typeof b.v === 'number'
          ? a.v - b.v
          : formatValue(a.v) < formatValue(b.v)
            ? -1
            : formatValue(a.v) > formatValue(b.v)
              ? 1
              : 0,
      );
      g.items = keyed.map((x) => x.o);
    }
  }

  const total = groups.reduce((n, g) => n + g.items.length, 0);
  const printed = print(k, groups, { output, allNs, multiple, singleNamed });
  if (printed === null) return k.done(1);
  for (const e of errors) k.err(e);
  const isTable = output === '' || output === 'wide';
  if (isTable && total === 0 && errors.length === 0 && !printed) {
    const namespaced = !allNs && groups.every((g) => g.type.namespaced);
    k.err(namespaced ? `No resources found in ${namespace} namespace.` : 'No resources found');
  }
  return k.done(errors.length > 0 ? 1 : 0);
}

const OUTPUT_FORMATS =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

/** Prints the groups; true when something was written, null after an error. */
function print(
  k: Kctx,
  groups: { type: ResourceType; items: ApiObject[] }[],
  opts: { output: string; allNs: boolean; multiple: boolean; singleNamed: boolean },
): boolean | null {
  const { output } = opts;
  const catalog = k.catalog;
  const items = groups.flatMap((g) => g.items);
  const data = (): Obj =>
    opts.singleNamed && items.length === 1
      ? toApi(items[0]!, catalog)
      : toList(items.map((o) => toApi(o, catalog)));

  if (output === 'yaml' || output === 'json') {
    if (items.length === 0 && opts.singleNamed) return false;
    k.out(output === 'json' ? jsonText(data()) : yamlText(data()));
    return true;
  }
  if (output === 'name') {
    for (const o of items) k.out(`${kindRef(o.type)}/${o.name}\n`);
    return items.length > 0;
  }
  const jp = output.match(/^jsonpath(?:-as-json)?=(.*)$/s);
  if (jp || output === 'jsonpath') {
    if (!jp || jp[1] === '') {
      k.err('error: template format specified but no template given');
      return null;
    }
    try {
      const text = renderTemplate(jp[1]!, data());
      k.out(text);
      return items.length > 0;
    } catch (e) {
      k.err(`error: ${e instanceof JsonPathError ? e.message : String(e)}`);
      return null;
    }
  }
  const cc = output.match(/^custom-columns=(.*)$/s);
  if (cc) {
    const cols = cc[1]!.split(',').map((spec) => {
      const i = spec.indexOf(':');
      return { header: i >= 0 ? spec.slice(0, i) : spec, path: i >= 0 ? spec.slice(i + 1) : '' };
    });
    if (cols.some((c) => c.path === '')) {
      k.err(`error: unexpected custom-columns spec: ${cc[1]}, expected <header>:<json-path-expr>`);
      return null;
    }
    const rows: string[][] = flagBool(k.flags, 'no-headers') ? [] : [cols.map((c) => c.header)];
    for (const o of items) {
      const api = toApi(o, catalog);
      rows.push(
        cols.map((c) => {
          const vals = evaluatePath(c.path, api);
          return vals.length === 0 ? '<none>' : vals.map(formatValue).join(',');
        }),
      );
    }
    k.out(table(rows));
    return items.length > 0;
  }
  if (output !== '' && output !== 'wide') {
    k.err(
      `error: unable to match a printer suitable for the output format "${output}", allowed formats are: ${OUTPUT_FORMATS}`,
    );
    return null;
  }

  const wide = output === 'wide';
  const showLabels = flagBool(k.flags, 'show-labels');
  const noHeaders = flagBool(k.flags, 'no-headers');
  const labelCols = flagList(k.flags, 'label-columns');
  const withKind = opts.multiple || flagBool(k.flags, 'show-kind');
  let written = false;
  const ctx = { catalog, now: catalog.now };
  for (const g of groups) {
    if (g.items.length === 0) continue;
    const printer = PRINTERS[g.type.kind] ?? {
      headers: ['NAME', 'AGE'],
      row: (o: ApiObject) => [o.name, age(o.createdAt, catalog.now)],
    };
    const withNs = opts.allNs && g.type.namespaced;
    const cep = wide && g.type.kind === 'CiliumEndpoint';
    const header = [
      ...(withNs ? ['NAMESPACE'] : []),
      ...(cep
        ? CEP_WIDE_HEADERS
        : [...printer.headers, ...(wide ? (printer.wideHeaders ?? []) : [])]),
      ...labelCols.map((l) => (l.split('/').pop() ?? l).toUpperCase()),
      ...(showLabels ? ['LABELS'] : []),
    ];
    const rows: string[][] = noHeaders ? [] : [header];
    for (const o of g.items) {
      const cells = cep ? cepWideRow(o) : printer.row(o, ctx);
      if (withKind) cells[0] = `${kindRef(o.type)}/${cells[0]}`;
      rows.push([
        ...(withNs ? [o.namespace ?? ''] : []),
        ...cells,
        ...(wide && !cep && printer.wideRow ? printer.wideRow(o, ctx) : []),
        ...labelCols.map((l) => o.labels[l] ?? ''),
        ...(showLabels ? [formatLabels(o.labels)] : []),
      ]);
    }
    if (written && !noHeaders) k.out('\n');
    k.out(table(rows));
    written = true;
  }
  return written;
}
