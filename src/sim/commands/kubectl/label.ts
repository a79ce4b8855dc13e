/**
 * `kubectl label`: adds (`k=v`), changes (`--overwrite`) or removes (`k-`) labels. Labels decide
 * identities, so this is how a learner moves a pod in or out of a policy's selector. Objects made
 * in the terminal are changed in place; a namespace of the cluster gets its labels through a
 * Namespace object stored for it. Objects from a lesson file are changed in that file instead, and
 * a controller's pods through its template: both are refused with a message saying so.
 */
import type { CommandResult } from '../../shell/types.ts';
import { asObj, storedValue, type ApiObject } from './catalog.ts';
import { Kctx, notFound } from './context.ts';
import { flagBool, flagValue, type FlagSpec } from './flags.ts';
import { resolveArgs } from './get.ts';
import { apiVersionOf, kindRef, resourceRef } from './resources.ts';
import { matchesSelector, parseSelector } from './selector.ts';

export const LABEL_FLAGS: FlagSpec[] = [
  { name: 'overwrite', type: 'bool' },
  { name: 'selector', short: 'l', type: 'string' },
  { name: 'all', type: 'bool' },
  { name: 'all-namespaces', short: 'A', type: 'bool' },
  { name: 'list', type: 'bool' },
  { name: 'output', short: 'o', type: 'string' },
  { name: 'dry-run', type: 'string' },
  { name: 'filename', short: 'f', type: 'strings' },
];

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function runLabel(k: Kctx): CommandResult {
  const args = k.flags.args;
  // Resource arguments come first, label specs (`k=v`, `k-`) after them.
  const firstSpec = args.findIndex(
    (a, i) => i > 0 && (a.includes('=') || (a.endsWith('-') && !a.includes('/'))),
  );
  const resourceArgs = firstSpec < 0 ? args : args.slice(0, firstSpec);
  const specs = firstSpec < 0 ? [] : args.slice(firstSpec);
  const list = flagBool(k.flags, 'list');
  if (resourceArgs.length === 0)
    return k.usage(
      'one or more resources must be specified as <resource> <name> or <resource>/<name>',
    );
  if (specs.length === 0 && !list) return k.usage('at least one label update is required');
  const add: Record<string, string> = {};
  const remove: string[] = [];
  for (const spec of specs) {
    if (spec.includes('=')) {
      const parts = spec.split('=');
      if (parts.length !== 2) return k.fail(`invalid label spec: ${spec}`);
      const [key = '', value = ''] = parts;
      if (value.length > 63 || !LABEL_VALUE.test(value))
        return k.fail(
          `invalid label value: "${spec}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        );
      add[key] = value;
    } else if (spec.endsWith('-')) remove.push(spec.slice(0, -1));
    else return k.fail(`unknown label spec: ${spec}`);
  }
  if (remove.some((r) => r in add))
    return k.fail('can not both modify and remove a label in the same command');

  const resolved = resolveArgs(resourceArgs, false);
  if (!resolved.ok) return k.fail(resolved.error);
  const allNs = flagBool(k.flags, 'all-namespaces');
  const selector = flagValue(k.flags, 'selector');
  const targets: ApiObject[] = [];
  const errors: string[] = [];
  for (const r of resolved.requests) {
    if (r.names.length > 0) {
      for (const name of r.names) {
        const o = k.catalog.get(r.type, k.namespace, name);
        if (o) targets.push(o);
        else errors.push(notFound(r.type, name));
      }
      continue;
    }
    if (selector === undefined && !flagBool(k.flags, 'all'))
      return k.fail('resource(s) were provided, but no name was specified');
    let items = k.catalog.list(r.type, allNs ? undefined : k.namespace);
    if (selector !== undefined) {
      const parsed = parseSelector(selector);
      if (!parsed.ok) return k.fail(parsed.error);
      items = items.filter((o) => matchesSelector(parsed.requirements, o.labels));
    }
    targets.push(...items);
  }

  let failed = errors.length > 0;
  for (const o of targets) {
    if (list) {
      for (const [key, v] of Object.entries(o.labels)) k.out(`${key}=${v}\n`);
      continue;
    }
    if (!flagBool(k.flags, 'overwrite')) {
      const clash = Object.entries(add).find(([key, v]) => key in o.labels && o.labels[key] !== v);
      if (clash) {
        failed = true;
        errors.push(
          `error: '${clash[0]}' already has a value (${o.labels[clash[0]]}), and --overwrite is false`,
        );
        continue;
      }
    }
    for (const r of remove) if (!(r in o.labels)) k.out(`label "${r}" not found.\n`);
    const next: Record<string, string> = { ...o.labels, ...add };
    for (const r of remove) delete next[r];
    const changed = JSON.stringify(next) !== JSON.stringify(o.labels);
    const message = !changed
      ? 'not labeled'
      : Object.keys(next).length < Object.keys(o.labels).length
        ? 'unlabeled'
        : 'labeled';
    if (changed) {
      const refusal = store(k, o, next);
      if (refusal) {
        failed = true;
        errors.push(refusal);
        continue;
      }
    }
    k.out(`${kindRef(o.type)}/${o.name} ${message}\n`);
  }
  for (const e of errors) k.err(e);
  return k.done(failed ? 1 : 0);
}

/** Writes the new labels; returns why it cannot when the object is not the terminal's. */
function store(k: Kctx, o: ApiObject, labels: Record<string, string>): string | undefined {
  const own =
    o.source.kind === 'terminal' &&
    o.source.object.kind === o.type.kind &&
    o.source.object.name === o.name;
  if (!own && o.owner && o.owner.kind !== 'Node') {
    const where = o.source.kind === 'file' ? ` (${o.source.file})` : '';
    return `error: ${resourceRef(o.type)} "${o.name}" is managed by ${o.owner.kind} ${o.owner.name}${where}: change the labels in its pod template instead`;
  }
  if (!own && o.source.kind === 'file')
    return `error: ${resourceRef(o.type)} "${o.name}" is defined in ${o.source.file}, not created in this terminal: change its labels in that file instead`;
  if (!own && !(o.type.kind === 'Namespace' && o.source.kind === 'cluster'))
    return `error: ${resourceRef(o.type)} "${o.name}" belongs to the simulated cluster itself and cannot be changed here`;
  const value =
    own && o.source.kind === 'terminal'
      ? storedValue(o.source.object)
      : { apiVersion: 'v1', kind: 'Namespace', metadata: { name: o.name } };
  const meta = asObj(value.metadata);
  const { ['kubernetes.io/metadata.name']: _auto, ...userLabels } = labels;
  const nextLabels = o.type.kind === 'Namespace' ? userLabels : labels;
  k.world.putObject({
    apiVersion: apiVersionOf(o.type),
    kind: o.type.kind,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    name: o.name,
    value: { ...value, metadata: { ...meta, labels: nextLabels } },
  });
  k.refresh();
  return undefined;
}
