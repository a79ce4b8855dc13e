/**
 * `generate --flows FILE [manifests...] [--no-l7] [--no-fqdn] [--include-namespace NS]`:
 * least-privilege CiliumNetworkPolicies from flows exported with `hubble observe -o json`.
 *
 * The manifests are optional: with them, workloads that had no traffic get deny-all policies
 * too, and pods are grouped by their real owners. The policies go to stdout as YAML; notes and
 * unreadable lines of the export go to stderr. Exit code 0 when policies were written, 1 when
 * the flows showed no allowed connection, 2 when an input cannot be read.
 */
import { readFileSync } from 'node:fs';
import { Engine } from '../engine/engine.ts';
import { readHubbleJson } from '../engine/flows/import.ts';
import { policiesFromFlows } from '../engine/generate/policies.ts';
import type { CommandOutput } from './commands.ts';
import { InputError, isSideFile, readSources } from './inputs.ts';

export function generateCommand(args: readonly string[]): CommandOutput {
  const manifests: string[] = [];
  const flowFiles: string[] = [];
  let l7 = true;
  let fqdn = true;
  const include: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (name: string): string => {
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      const v = args[++i];
      if (v === undefined || v.startsWith('-')) throw new InputError(`${name} needs a value`);
      return v;
    };
    if (a === '--flows' || a.startsWith('--flows=')) flowFiles.push(value('--flows'));
    else if (a === '--no-l7') l7 = false;
    else if (a === '--no-fqdn') fqdn = false;
    else if (a === '--include-namespace' || a.startsWith('--include-namespace='))
      include.push(value('--include-namespace'));
    else if (a.startsWith('-') && a !== '-')
      throw new InputError(`unknown option ${a} for generate`);
    else manifests.push(a);
  }
  if (flowFiles.length === 0)
    throw new InputError('generate needs --flows FILE (the output of hubble observe -o json)');
  const problems: string[] = [];
  const flows = flowFiles.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new InputError(`cannot read ${file}`);
    }
    const r = readHubbleJson(text);
    problems.push(...r.problems.map((p) => `${file}: ${p}`));
    return r.flows;
  });
  let cluster;
  if (manifests.length > 0) {
    const engine = new Engine();
    engine.load(readSources(manifests).filter((f) => !isSideFile(f)));
    cluster = engine.cluster;
  }
  const skip = ['kube-system'].filter((ns) => !include.includes(ns));
  const r = policiesFromFlows(flows, {
    l7,
    fqdn,
    skipNamespaces: skip,
    ...(cluster ? { cluster } : {}),
  });
  const stderr = [
    ...problems.map((p) => `skipped ${p}`),
    ...r.notes.map((n) => `note: ${n}`),
    r.connections === 0 ? 'no allowed connection in the flows: nothing to allow' : '',
  ]
    .filter((l) => l !== '')
    .map((l) => `${l}\n`)
    .join('');
  return { stdout: r.yaml, stderr, exitCode: r.connections === 0 ? 1 : 0 };
}
