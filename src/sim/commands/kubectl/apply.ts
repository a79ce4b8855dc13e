/**
 * `kubectl apply -f` and `kubectl create` (`-f`, `namespace`, `secret generic`, `configmap`,
 * `deployment`). Every object is checked the way the API server checks it — by running the
 * engine's validation on it alone — and refused with kubectl's message when the server would
 * refuse it; accepted objects are stored in the world, where the engine picks them up. Lines for
 * the objects that went through come first, on stdout; errors follow on stderr, and the exit
 * code is 1 when any object failed.
 */
import { parse } from 'yaml';
import { Engine } from '../../../engine/engine.ts';
import type { Diagnostic } from '../../../engine/types.ts';
import type { CommandResult } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import { toApi } from './api.ts';
import { asObj, isObj, type Obj } from './catalog.ts';
import { Kctx } from './context.ts';
import { jsonText, sortKeys, yamlText } from './encode.ts';
import { flagBool, flagList, flagValue, type FlagSpec } from './flags.ts';
import { parseInput, readInput } from './manifests.ts';
import { apiVersionOf, kindRef, resourceRef, typeForKind, type ResourceType } from './resources.ts';
import { causeText, isApiRejection } from './validation.ts';

export const APPLY_FLAGS: FlagSpec[] = [
  { name: 'filename', short: 'f', type: 'strings' },
  { name: 'dry-run', type: 'string' },
  { name: 'output', short: 'o', type: 'string' },
  { name: 'recursive', short: 'R', type: 'bool' },
  { name: 'server-side', type: 'bool' },
  { name: 'force', type: 'bool' },
  { name: 'validate', type: 'string' },
  { name: 'all-namespaces', short: 'A', type: 'bool' },
];

export const CREATE_FLAGS: FlagSpec[] = [
  ...APPLY_FLAGS,
  { name: 'from-literal', type: 'strings' },
  { name: 'from-file', type: 'strings' },
  { name: 'image', type: 'strings' },
  { name: 'replicas', short: 'r', type: 'string' },
  { name: 'port', type: 'string' },
  { name: 'type', type: 'string' },
  { name: 'save-config', type: 'bool' },
];

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** One failed object, kept until the end as kubectl aggregates them. */
export type ApplyError =
  | { kind: 'status'; reason: string; message: string }
  | {
      kind: 'invalid';
      type: ResourceType;
      name: string;
      verb: string;
      source: string;
      causes: string[];
    }
  | { kind: 'plain'; message: string };

/** kubectl's `checkErr` on the collected errors. */
export function printErrors(k: Kctx, errors: readonly ApplyError[]): void {
  if (errors.length === 1) {
    const e = errors[0]!;
    if (e.kind === 'invalid') {
      const s = `The ${e.type.kind} "${e.name}" is invalid: `;
      k.err(
        e.causes.length === 1
          ? `${s}${e.causes[0]}`
          : `${s}\n${e.causes.map((c) => `* ${c}`).join('\n')}`,
      );
    } else if (e.kind === 'status') k.err(`Error from server (${e.reason}): ${e.message}`);
    else k.err(`error: ${e.message}`);
    return;
  }
  for (const e of errors) {
    if (e.kind === 'invalid') {
      const what = e.type.group === '' ? e.type.kind : `${e.type.kind}.${e.type.group}`;
      const causes = e.causes.length === 1 ? e.causes[0] : `[${e.causes.join(', ')}]`;
      k.err(
        `Error from server (Invalid): error when ${e.verb} "${e.source}": ${what} "${e.name}" is invalid: ${causes}`,
      );
    } else if (e.kind === 'status') k.err(`Error from server (${e.reason}): ${e.message}`);
    else k.err(e.message);
  }
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The API server's check of `metadata.name`, as an Invalid cause; undefined when fine. */
export function nameProblem(type: ResourceType, name: string): string | undefined {
  if (type.kind === 'Namespace' || type.kind === 'Service') {
    if (name.length <= 63 && DNS1123_LABEL.test(name)) return undefined;
    return `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;
  }
  if (name.length <= 253 && DNS1123_SUBDOMAIN.test(name)) return undefined;
  return `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
}

/** What the API server says about one object: nothing, a strict decoding error, or causes. */
function serverCheck(
  k: Kctx,
  type: ResourceType,
  obj: Obj,
): { strict?: string[]; causes?: string[] } {
  const scratch = new Engine(k.world.engine.options);
  scratch.load([{ name: 'object.yaml', text: yamlText(obj) }]);
  const rejected = scratch.diagnostics.filter((d: Diagnostic) => isApiRejection(d));
  const unknown = rejected.filter((d) => d.code === 'unknown-field');
  if (unknown.length > 0) return { strict: unknown.map((d) => `unknown field "${d.path ?? ''}"`) };
  const causes = rejected.map(causeText);
  const name = String(asObj(obj.metadata).name ?? '');
  const bad = nameProblem(type, name);
  if (bad) causes.unshift(bad);
  return causes.length > 0 ? { causes } : {};
}

/** RFC 7386 merge patch turning `from` into `to`, keys sorted as Go's encoder writes maps. */
function mergePatch(from: unknown, to: unknown): unknown {
  if (!isObj(from) || !isObj(to)) return to;
  const out: Obj = {};
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (!(key in to)) out[key] = null;
    else if (!(key in from)) out[key] = to[key];
    else if (JSON.stringify(sortKeys(from[key])) !== JSON.stringify(sortKeys(to[key]))) {
      out[key] = isObj(from[key]) && isObj(to[key]) ? mergePatch(from[key], to[key]) : to[key];
    }
  }
  return out;
}

interface ApplyOptions {
  mode: 'apply' | 'create';
  dryRun: '' | 'client' | 'server';
}

/** Applies (or creates) the objects of every `-f` input. */
function applyFiles(k: Kctx, opts: ApplyOptions): CommandResult {
  const files = flagList(k.flags, 'filename', false);
  if (files.length === 0) {
    return k.fail('error: must specify one of -f and -k\n');
  }
  const inputs = [];
  for (const f of files) {
    const read = readInput(k.world, f, k.ctx.stdin);
    if (!read.ok) return k.fail(read.error);
    const parsed = parseInput(read.input);
    if (!parsed.ok) return k.fail(parsed.error);
    inputs.push({ source: read.input.source, objects: parsed.objects });
  }
  const errors: ApplyError[] = [];
  const suffix =
    opts.dryRun === 'client' ? ' (dry run)' : opts.dryRun === 'server' ? ' (server dry run)' : '';
  const output = flagValue(k.flags, 'output');
  for (const input of inputs) {
    for (const obj of input.objects) {
      const r = applyOne(k, obj, input.source, opts);
      if ('error' in r) {
        errors.push(r.error);
        continue;
      }
      if (output === 'name') k.out(`${kindRef(r.type)}/${r.name}\n`);
      else if (output === 'yaml' || output === 'json') {
        k.refresh();
        const o = k.catalog.get(r.type, r.namespace, r.name);
        if (o)
          k.out(output === 'json' ? jsonText(toApi(o, k.catalog)) : yamlText(toApi(o, k.catalog)));
      } else k.out(`${kindRef(r.type)}/${r.name} ${r.op}${suffix}\n`);
    }
  }
  printErrors(k, errors);
  return k.done(errors.length > 0 ? 1 : 0);
}

type OneResult =
  { type: ResourceType; name: string; namespace?: string; op: string } | { error: ApplyError };

function applyOne(k: Kctx, input: Obj, source: string, opts: ApplyOptions): OneResult {
  const kind = String(input.kind);
  const apiVersion = String(input.apiVersion);
  const meta = asObj(input.metadata);
  const name = typeof meta.name === 'string' ? meta.name : '';
  const type = typeForKind(kind, apiVersion);
  if (!type) {
    return {
      error: {
        kind: 'plain',
        message: `resource mapping not found for name: "${name}" namespace: "${String(meta.namespace ?? '')}" from "${source}": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`,
      },
    };
  }
  let namespace: string | undefined;
  if (type.namespaced) {
    const own =
      typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
    if (own && k.explicitNamespace && own !== k.namespace) {
      return {
        error: {
          kind: 'plain',
          message: `the namespace from the provided object "${own}" does not match the namespace "${k.namespace}". You must pass '--namespace=${own}' to perform this operation.`,
        },
      };
    }
    namespace = own ?? k.namespace;
  }
  if (name === '') {
    return {
      error: {
        kind: 'plain',
        message: `error when retrieving current configuration of:\nResource: "${gvr(type)}", GroupVersionKind: "${gvk(type)}"\nName: "", Namespace: "${namespace ?? ''}"\nfrom server for: "${source}": resource name may not be empty`,
      },
    };
  }
  // The object as the server receives it: with its namespace filled in.
  const obj: Obj = {
    ...input,
    metadata: { ...meta, ...(namespace !== undefined ? { namespace } : {}) },
  };
  // A Namespace applied earlier in the same command already counts: the catalog was refreshed.
  if (namespace !== undefined && !k.catalog.namespaceExists(namespace)) {
    return {
      error: {
        kind: 'status',
        reason: 'NotFound',
        message: `error when creating "${source}": namespaces "${namespace}" not found`,
      },
    };
  }
  const stored = k.world.getObject(type.kind, namespace, name);
  const existing = k.catalog.get(type, namespace, name);
  const ref = { type, name, ...(namespace !== undefined ? { namespace } : {}) };
  if (k.world.liveFiles().includes(source)) return applyLive(k, obj, input, source, ref);
  if (existing && existing.source.kind === 'file') {
    return {
      error: {
        kind: 'plain',
        message: `${resourceRef(type)} "${name}" is defined in ${existing.source.file}, which this terminal cannot change: edit it there instead`,
      },
    };
  }
  if (opts.mode === 'create' && (stored || existing)) {
    return {
      error: {
        kind: 'status',
        reason: 'AlreadyExists',
        message: `error when creating "${source}": ${resourceRef(type)} "${name}" already exists`,
      },
    };
  }
  const lastApplied = `${JSON.stringify(sortKeys(obj))}\n`;
  const previous = stored ? storedLastApplied(stored.text) : undefined;
  if (opts.mode === 'apply' && previous === lastApplied) {
    return { type, name, ...(namespace !== undefined ? { namespace } : {}), op: 'unchanged' };
  }

  const check = serverCheck(k, type, obj);
  const patching = opts.mode === 'apply' && (stored !== undefined || existing !== undefined);
  if (check.strict) {
    const decode = `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${check.strict.join(', ')}`;
    if (patching) {
      const current = stored ? storedValueOf(stored.text) : {};
      const modified = withLastApplied(obj, lastApplied);
      const patch = JSON.stringify(sortKeys(mergePatch(current, modified)));
      return {
        error: {
          kind: 'status',
          reason: 'BadRequest',
          message: `error when applying patch:\n${patch}\nto:\nResource: "${gvr(type)}", GroupVersionKind: "${gvk(type)}"\nName: "${name}", Namespace: "${namespace ?? ''}"\nfor: "${source}": error when patching "${source}": ${decode}`,
        },
      };
    }
    return {
      error: {
        kind: 'status',
        reason: 'BadRequest',
        message: `error when creating "${source}": ${decode}`,
      },
    };
  }
  if (check.causes) {
    return {
      error: {
        kind: 'invalid',
        type,
        name,
        verb: patching ? 'patching' : 'creating',
        source,
        causes: check.causes,
      },
    };
  }
  if (opts.dryRun !== '') {
    return {
      type,
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      op: patching ? 'configured' : 'created',
    };
  }
  if (patching && previous === undefined) {
    // Made imperatively (`kubectl create`, `run`) or by the cluster itself.
    k.err(
      `Warning: resource ${resourceRef(type)}/${name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.`,
    );
  }
  const value =
    opts.mode === 'apply' || flagBool(k.flags, 'save-config')
      ? withLastApplied(obj, lastApplied)
      : obj;
  const result = k.world.putObject({
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    ...(namespace !== undefined ? { namespace } : {}),
    name,
    value,
  });
  k.refresh();
  const op = patching ? (result.changed ? 'configured' : 'unchanged') : 'created';
  return { type, name, ...(namespace !== undefined ? { namespace } : {}), op };
}

/**
 * Per world, each live-file object as last applied from the terminal, or as it was when kubectl
 * first ran: the lesson's objects count as applied already, so re-applying them is `unchanged`.
 */
const appliedLive = new WeakMap<SimWorld, Map<string, string>>();

const liveKey = (file: string, kind: string, namespace: string | undefined, name: string): string =>
  `${file}|${kind}/${namespace ?? ''}/${name}`;

/** Records the live files as they are now, the first time kubectl runs in a world. */
export function rememberLiveFiles(world: SimWorld): void {
  if (appliedLive.has(world)) return;
  const seen = new Map<string, string>();
  appliedLive.set(world, seen);
  for (const file of world.liveFiles()) {
    const parsed = parseInput({ source: file, text: world.file(file) ?? '' });
    if (!parsed.ok) continue;
    for (const obj of parsed.objects) {
      const type = typeForKind(String(obj.kind), String(obj.apiVersion));
      const meta = asObj(obj.metadata);
      if (!type || typeof meta.name !== 'string') continue;
      const ns = type.namespaced
        ? typeof meta.namespace === 'string'
          ? meta.namespace
          : 'default'
        : undefined;
      seen.set(liveKey(file, type.kind, ns, meta.name), JSON.stringify(sortKeys(obj)));
    }
  }
}

/**
 * Applying a live file (the lesson's manifest or the editor's buffer): its objects are in force
 * already, so nothing is stored; kubectl's answer still tells whether this version is new, and the
 * API server's refusals are reported as for any file.
 */
function applyLive(
  k: Kctx,
  obj: Obj,
  written: Obj,
  source: string,
  ref: { type: ResourceType; name: string; namespace?: string },
): OneResult {
  const check = serverCheck(k, ref.type, obj);
  if (check.strict) {
    const decode = `${ref.type.kind} in version "${ref.type.version}" cannot be handled as a ${ref.type.kind}: strict decoding error: ${check.strict.join(', ')}`;
    return {
      error: {
        kind: 'status',
        reason: 'BadRequest',
        message: `error when creating "${source}": ${decode}`,
      },
    };
  }
  if (check.causes)
    return {
      error: {
        kind: 'invalid',
        type: ref.type,
        name: ref.name,
        verb: 'creating',
        source,
        causes: check.causes,
      },
    };
  rememberLiveFiles(k.world);
  const seen = appliedLive.get(k.world)!;
  const key = liveKey(source, ref.type.kind, ref.namespace, ref.name);
  // Compared as written in the file: the namespace kubectl fills in is not part of the edit.
  const text = JSON.stringify(sortKeys(written));
  const before = seen.get(key);
  seen.set(key, text);
  return {
    ...ref,
    op: before === undefined ? 'created' : before === text ? 'unchanged' : 'configured',
  };
}

function withLastApplied(obj: Obj, lastApplied: string): Obj {
  const meta = asObj(obj.metadata);
  return {
    ...obj,
    metadata: { ...meta, annotations: { ...asObj(meta.annotations), [LAST_APPLIED]: lastApplied } },
  };
}

function storedValueOf(text: string): Obj {
  return asObj(parse(text));
}

function storedLastApplied(text: string): string | undefined {
  const a = asObj(asObj(storedValueOf(text).metadata).annotations)[LAST_APPLIED];
  return typeof a === 'string' ? a : undefined;
}

function gvr(type: ResourceType): string {
  return `${type.group}/${type.version}, Resource=${type.plural}`;
}
function gvk(type: ResourceType): string {
  return `${type.group}/${type.version}, Kind=${type.kind}`;
}

export function runApply(k: Kctx): CommandResult {
  if (k.flags.args.length > 0 && flagList(k.flags, 'filename').length === 0) {
    if (['view-last-applied', 'set-last-applied', 'edit-last-applied'].includes(k.flags.args[0]!))
      return k.fail(`"kubectl apply ${k.flags.args[0]}" is not simulated in this playground`);
    return k.usage('Unexpected args: ' + `[${k.flags.args.join(' ')}]`);
  }
  const dry = flagValue(k.flags, 'dry-run');
  if (dry !== undefined && !['client', 'server', 'none', 'true'].includes(dry))
    return k.fail(`Invalid dry-run value (${dry}). Must be "none", "server", or "client".`);
  return applyFiles(k, {
    mode: 'apply',
    dryRun: dry === 'client' || dry === 'true' ? 'client' : dry === 'server' ? 'server' : '',
  });
}

export function runCreate(k: Kctx): CommandResult {
  const [what, ...rest] = k.flags.args;
  const dry = flagValue(k.flags, 'dry-run');
  const dryRun = dry === 'client' || dry === 'true' ? 'client' : dry === 'server' ? 'server' : '';
  if (what === undefined) return applyFiles(k, { mode: 'create', dryRun });
  switch (what) {
    case 'namespace':
    case 'ns':
      return createSimple(k, 'Namespace', rest[0], () => ({}), dryRun);
    case 'secret': {
      if (rest[0] !== 'generic')
        return k.fail(
          rest[0] === undefined
            ? 'Create a secret with specified type.\n\nAvailable Commands:\n  docker-registry   Create a secret for use with a Docker registry\n  generic           Create a secret from a local file, directory, or literal value\n  tls               Create a TLS secret'
            : `unknown command "${rest[0]}" for "kubectl create secret"`,
        );
      const data = literals(k);
      if (typeof data === 'string') return k.fail(data);
      const encoded: Record<string, string> = {};
      for (const [key, v] of Object.entries(data))
        encoded[key] = Buffer.from(v, 'utf8').toString('base64');
      return createSimple(k, 'Secret', rest[1], () => ({ data: encoded, type: 'Opaque' }), dryRun);
    }
    case 'configmap':
    case 'cm': {
      const data = literals(k);
      if (typeof data === 'string') return k.fail(data);
      return createSimple(k, 'ConfigMap', rest[0], () => ({ data }), dryRun);
    }
    case 'deployment':
    case 'deploy': {
      const images = flagList(k.flags, 'image');
      if (images.length === 0) return k.fail('required flag(s) "image" not set');
      const name = rest[0];
      const replicas = Number(flagValue(k.flags, 'replicas') ?? 1);
      const port = flagValue(k.flags, 'port');
      return createSimple(
        k,
        'Deployment',
        name,
        () => ({
          spec: {
            replicas,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: {
                containers: images.map((image, i) => ({
                  name: i === 0 ? imageBase(image) : `${imageBase(image)}-${i}`,
                  image,
                  ...(port ? { ports: [{ containerPort: Number(port) }] } : {}),
                })),
              },
            },
          },
        }),
        dryRun,
        { app: name ?? '' },
      );
    }
    default:
      if (flagList(k.flags, 'filename').length > 0)
        return applyFiles(k, { mode: 'create', dryRun });
      return k.fail(
        `unknown command "${what}" for "kubectl create"\nSee 'kubectl create -h' for help and examples`,
      );
  }
}

function imageBase(image: string): string {
  const last = image.split('/').pop() ?? image;
  return last.split(/[:@]/)[0] ?? last;
}

/** `--from-literal key=value` pairs (also `--from-literal=key=value`). */
function literals(k: Kctx): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const lit of flagList(k.flags, 'from-literal', false)) {
    const i = lit.indexOf('=');
    if (i <= 0) return `invalid literal source ${lit}, expected key=value`;
    out[lit.slice(0, i)] = lit.slice(i + 1);
  }
  return out;
}

/** `kubectl create KIND NAME ...` for the simple generators. */
function createSimple(
  k: Kctx,
  kind: string,
  name: string | undefined,
  body: () => Obj,
  dryRun: string,
  labels?: Record<string, string>,
): CommandResult {
  const type = typeForKind(kind)!;
  if (name === undefined) return k.usage('NAME is required');
  const bad = nameProblem(type, name);
  if (bad) {
    printErrors(k, [{ kind: 'invalid', type, name, verb: 'creating', source: '', causes: [bad] }]);
    return k.done(1);
  }
  const namespace = type.namespaced ? k.namespace : undefined;
  if (namespace !== undefined && !k.catalog.namespaceExists(namespace)) {
    return k.fail(`failed to create ${type.singular} namespaces "${namespace}" not found`);
  }
  if (k.catalog.get(type, namespace, name) || k.world.getObject(kind, namespace, name)) {
    return k.fail(
      `Error from server (AlreadyExists): ${resourceRef(type)} "${name}" already exists`,
    );
  }
  const value: Obj = {
    apiVersion: apiVersionOf(type),
    kind,
    metadata: {
      ...(labels ? { labels } : {}),
      name,
      ...(namespace !== undefined ? { namespace } : {}),
    },
    ...body(),
  };
  if (dryRun === '')
    k.world.putObject({
      apiVersion: apiVersionOf(type),
      kind,
      ...(namespace !== undefined ? { namespace } : {}),
      name,
      value,
    });
  const suffix =
    dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  k.out(`${kindRef(type)}/${name} created${suffix}\n`);
  return k.done(0);
}
