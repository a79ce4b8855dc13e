/**
 * `kubectl delete`: by file (`-f`), by type and names (`pod debug`, `cnp/x`), by label selector or
 * `--all`. Objects made in the terminal are removed from the world (a namespace takes what is in
 * it along). Pods a controller owns are "deleted" and come straight back, as the controller would
 * replace them. Objects defined in a lesson file or the editor are not the terminal's to remove:
 * that is refused with a message saying where they live.
 */
import type { CommandResult } from '../../shell/types.ts';
import type { ApiObject } from './catalog.ts';
import { Kctx, notFound } from './context.ts';
import { flagBool, flagList, flagValue, type FlagSpec } from './flags.ts';
import { resolveArgs } from './get.ts';
import { parseInput, readInput } from './manifests.ts';
import { kindRef, resourceRef, typeForKind, type ResourceType } from './resources.ts';
import { matchesSelector, parseSelector } from './selector.ts';
import { asObj } from './catalog.ts';

export const DELETE_FLAGS: FlagSpec[] = [
  { name: 'filename', short: 'f', type: 'strings' },
  { name: 'selector', short: 'l', type: 'string' },
  { name: 'all', type: 'bool' },
  { name: 'all-namespaces', short: 'A', type: 'bool' },
  { name: 'ignore-not-found', type: 'bool' },
  { name: 'force', type: 'bool' },
  { name: 'grace-period', type: 'string' },
  { name: 'now', type: 'bool' },
  { name: 'wait', type: 'bool' },
  { name: 'cascade', type: 'string' },
  { name: 'output', short: 'o', type: 'string' },
  { name: 'recursive', short: 'R', type: 'bool' },
  { name: 'dry-run', type: 'string' },
];

interface Target {
  type: ResourceType;
  namespace?: string;
  name: string;
  /** Where the request came from, for `error when deleting "FILE"`. */
  source?: string;
}

export function runDelete(k: Kctx): CommandResult {
  const files = flagList(k.flags, 'filename', false);
  const targets: Target[] = [];
  const errors: string[] = [];
  const ignoreMissing = flagBool(k.flags, 'ignore-not-found');
  if (files.length > 0) {
    for (const f of files) {
      const read = readInput(k.world, f, k.ctx.stdin);
      if (!read.ok) return k.fail(read.error);
      const parsed = parseInput(read.input);
      if (!parsed.ok) return k.fail(parsed.error);
      for (const obj of parsed.objects) {
        const type = typeForKind(String(obj.kind), String(obj.apiVersion));
        const meta = asObj(obj.metadata);
        const name = String(meta.name ?? '');
        if (!type) {
          errors.push(
            `error: resource mapping not found for name: "${name}" namespace: "${String(meta.namespace ?? '')}" from "${read.input.source}": no matches for kind "${String(obj.kind)}" in version "${String(obj.apiVersion)}"\nensure CRDs are installed first`,
          );
          continue;
        }
        const namespace = type.namespaced
          ? typeof meta.namespace === 'string' && meta.namespace !== ''
            ? meta.namespace
            : k.namespace
          : undefined;
        targets.push({
          type,
          ...(namespace !== undefined ? { namespace } : {}),
          name,
          source: read.input.source,
        });
      }
    }
  } else {
    if (k.flags.args.length === 0) {
      return k.fail(
        "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
      );
    }
    const resolved = resolveArgs(k.flags.args, false);
    if (!resolved.ok) return k.fail(resolved.error);
    const selector = flagValue(k.flags, 'selector');
    const all = flagBool(k.flags, 'all');
    const allNs = flagBool(k.flags, 'all-namespaces');
    for (const r of resolved.requests) {
      if (r.names.length > 0) {
        for (const name of r.names)
          targets.push({
            type: r.type,
            ...(r.type.namespaced ? { namespace: k.namespace } : {}),
            name,
          });
        continue;
      }
      if (selector === undefined && !all)
        return k.fail('resource(s) were provided, but no name was specified');
      let items = k.catalog.list(r.type, allNs ? undefined : k.namespace);
      if (selector !== undefined) {
        const parsed = parseSelector(selector);
        if (!parsed.ok) return k.fail(parsed.error);
        items = items.filter((o) => matchesSelector(parsed.requirements, o.labels));
      }
      // The cluster's own objects are left alone; lesson objects get a refusal each.
      items = items.filter((o) => o.source.kind !== 'cluster' || controllerOwned(o));
      for (const o of items)
        targets.push({
          type: o.type,
          ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
          name: o.name,
        });
      if (items.length === 0 && errors.length === 0)
        k.err(
          allNs || !r.type.namespaced
            ? 'No resources found'
            : `No resources found in ${k.namespace} namespace.`,
        );
    }
  }

  const force = flagBool(k.flags, 'force') && flagValue(k.flags, 'grace-period') === '0';
  if (force && targets.length > 0)
    k.err(
      'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.',
    );
  const dryRun = flagValue(k.flags, 'dry-run');
  const suffix =
    dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
  const outputName = flagValue(k.flags, 'output') === 'name';
  let failed = errors.length > 0;
  for (const t of targets) {
    const o = k.catalog.get(t.type, t.namespace, t.name);
    if (!o) {
      if (ignoreMissing) continue;
      failed = true;
      errors.push(
        t.source
          ? `Error from server (NotFound): error when deleting "${t.source}": ${resourceRef(t.type)} "${t.name}" not found`
          : notFound(t.type, t.name),
      );
      continue;
    }
    const refusal = whyNot(o);
    if (refusal) {
      failed = true;
      errors.push(refusal);
      continue;
    }
    if (!dryRun || dryRun === 'none') removeObject(k, o);
    k.out(
      outputName
        ? `${kindRef(o.type)}/${o.name}\n`
        : `${kindRef(o.type)} "${o.name}" ${force ? 'force deleted' : 'deleted'}${suffix}\n`,
    );
  }
  for (const e of errors) k.err(e);
  return k.done(failed ? 1 : 0);
}

/** Why the terminal may not delete an object; undefined when it may. */
function whyNot(o: ApiObject): string | undefined {
  if (o.source.kind === 'terminal' || controllerOwned(o)) return undefined;
  if (o.source.kind === 'file')
    return `error: ${resourceRef(o.type)} "${o.name}" is defined in ${o.source.file}, not created in this terminal: remove it from that file instead`;
  if (o.type.kind === 'Namespace')
    return `Error from server (Forbidden): namespaces "${o.name}" is forbidden: this namespace may not be deleted`;
  return `error: ${resourceRef(o.type)} "${o.name}" belongs to the simulated cluster itself and cannot be deleted here`;
}

/** Pods (and ReplicaSets) a controller would recreate at once. */
function controllerOwned(o: ApiObject): boolean {
  return (
    (o.type.kind === 'Pod' || o.type.kind === 'ReplicaSet') &&
    o.owner !== undefined &&
    o.owner.kind !== 'Node'
  );
}

/** Removes an object made in the terminal; a namespace takes its contents along. */
export function removeObject(k: Kctx, o: ApiObject): void {
  // A controller's pods come straight back; only the object itself goes.
  if (
    o.source.kind !== 'terminal' ||
    o.source.object.kind !== o.type.kind ||
    o.source.object.name !== o.name
  )
    return;
  const w = k.world;
  if (o.type.kind === 'Namespace') {
    for (const s of w.storedObjects())
      if (s.namespace === o.name) w.deleteObject(s.kind, s.namespace, s.name);
  }
  w.deleteObject(o.source.object.kind, o.source.object.namespace, o.source.object.name);
  k.refresh();
}
