/**
 * The small commands: `version`, `cluster-info`, `config` (the kubeconfig of a kind cluster named
 * `cilium`, whose context can carry a default namespace), `api-resources`, and `port-forward`,
 * which resolves its target and ports like kubectl but says that nothing listens locally.
 */
import type { CommandResult } from '../../shell/types.ts';
import { table } from '../tabwriter.ts';
import { serviceEndpoints } from './api.ts';
import { CONTEXT, Kctx, kubeConfig, notFound } from './context.ts';
import { flagBool, flagValue, type FlagSpec } from './flags.ts';
import { apiVersionOf, findType, RESOURCE_TYPES } from './resources.ts';
import { KUBERNETES_VERSION } from './system.ts';

export const VERSION_FLAGS: FlagSpec[] = [
  { name: 'client', type: 'bool' },
  { name: 'output', short: 'o', type: 'string' },
];
export const CLUSTER_INFO_FLAGS: FlagSpec[] = [];
export const CONFIG_FLAGS: FlagSpec[] = [
  { name: 'current', type: 'bool' },
  { name: 'minify', type: 'bool' },
  { name: 'raw', type: 'bool' },
  { name: 'output', short: 'o', type: 'string' },
];
export const API_RESOURCES_FLAGS: FlagSpec[] = [
  { name: 'namespaced', type: 'string' },
  { name: 'api-group', type: 'string' },
  { name: 'output', short: 'o', type: 'string' },
  { name: 'no-headers', type: 'bool' },
];
export const PORT_FORWARD_FLAGS: FlagSpec[] = [
  { name: 'address', type: 'strings' },
  { name: 'pod-running-timeout', type: 'string' },
];

/** The client's version: kubectl 1.33, next to a kind node image of the same minor. */
export const KUBECTL_VERSION = 'v1.33.4';
const API_SERVER = 'https://127.0.0.1:39185';

export function runVersion(k: Kctx): CommandResult {
  k.out(`Client Version: ${KUBECTL_VERSION}\nKustomize Version: v5.6.0\n`);
  if (!flagBool(k.flags, 'client')) k.out(`Server Version: ${KUBERNETES_VERSION}\n`);
  return k.done(0);
}

export function runClusterInfo(k: Kctx): CommandResult {
  if (k.flags.args[0] === 'dump')
    return k.fail('"kubectl cluster-info dump" is not simulated in this playground');
  k.out(
    `Kubernetes control plane is running at ${API_SERVER}\n` +
      `CoreDNS is running at ${API_SERVER}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n` +
      "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
  );
  return k.done(0);
}

export function runConfig(k: Kctx): CommandResult {
  const [sub, ...rest] = k.flags.args;
  const cfg = kubeConfig(k.world);
  switch (sub) {
    case 'current-context':
      k.out(`${CONTEXT}\n`);
      return k.done(0);
    case 'get-contexts':
      k.out(
        table([
          ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'],
          ['*', CONTEXT, CONTEXT, CONTEXT, cfg.namespace === 'default' ? '' : cfg.namespace],
        ]),
      );
      return k.done(0);
    case 'get-clusters':
      k.out(`NAME\n${CONTEXT}\n`);
      return k.done(0);
    case 'use-context':
      if (rest[0] !== CONTEXT) return k.fail(`no context exists with the name: "${rest[0] ?? ''}"`);
      k.out(`Switched to context "${CONTEXT}".\n`);
      return k.done(0);
    case 'set-context': {
      const name = flagBool(k.flags, 'current') ? CONTEXT : rest[0];
      if (name === undefined)
        return k.usage('you must specify a non-empty context name or --current');
      if (name !== CONTEXT)
        return k.fail(`the simulated kubeconfig has only the context "${CONTEXT}"`);
      const ns = flagValue(k.flags, 'namespace');
      if (ns !== undefined) cfg.namespace = ns === '' ? 'default' : ns;
      k.out(`Context "${CONTEXT}" modified.\n`);
      return k.done(0);
    }
    case 'view': {
      const nsLine = cfg.namespace === 'default' ? '' : `    namespace: ${cfg.namespace}\n`;
      k.out(
        `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: ${API_SERVER}\n  name: ${CONTEXT}\n` +
          `contexts:\n- context:\n    cluster: ${CONTEXT}\n${nsLine}    user: ${CONTEXT}\n  name: ${CONTEXT}\n` +
          `current-context: ${CONTEXT}\nkind: Config\npreferences: {}\nusers:\n- name: ${CONTEXT}\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n`,
      );
      return k.done(0);
    }
    case undefined:
      return k.usage(
        'Modify kubeconfig files using subcommands like "kubectl config set current-context my-context"',
      );
    default:
      return k.fail(`"kubectl config ${sub}" is not simulated in this playground`);
  }
}

export function runApiResources(k: Kctx): CommandResult {
  const ns = flagValue(k.flags, 'namespaced');
  const rows = RESOURCE_TYPES.filter((r) => ns === undefined || String(r.namespaced) === ns).map(
    (r) => [r.plural, r.shortNames.join(','), apiVersionOf(r), String(r.namespaced), r.kind],
  );
  if (flagValue(k.flags, 'output') === 'name') {
    for (const r of RESOURCE_TYPES)
      k.out(`${r.group === '' ? r.plural : `${r.plural}.${r.group}`}\n`);
    return k.done(0);
  }
  k.out(
    table(
      flagBool(k.flags, 'no-headers')
        ? rows
        : [['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], ...rows],
    ),
  );
  return k.done(0);
}

/** Hubble's services, installed with Cilium but not part of the simulated workloads. */
const HUBBLE_SERVICES: Record<string, Record<number, number>> = {
  'hubble-ui': { 80: 8081 },
  'hubble-relay': { 80: 4245 },
};

export function runPortForward(k: Kctx): CommandResult {
  const [target, ...ports] = k.flags.args;
  if (target === undefined || ports.length === 0)
    return k.usage('TYPE/NAME and list of ports are required for port-forward');
  const [typed, name] = target.includes('/') ? target.split('/', 2) : ['pod', target];
  const type = findType(typed ?? '');
  if (!type) return k.fail(`the server doesn't have a resource type "${typed}"`);
  const o = k.catalog.get(type, k.namespace, name ?? '');
  const hubble =
    type.kind === 'Service' && k.namespace === 'kube-system'
      ? HUBBLE_SERVICES[name ?? '']
      : undefined;
  if (!o && !hubble) return k.fail(notFound(type, name ?? ''));
  const lines: string[] = [];
  for (const spec of ports) {
    const [localText, remoteText] = spec.includes(':') ? spec.split(':', 2) : [spec, spec];
    const remote = Number(remoteText);
    const local = localText === '' ? 40000 + remote : Number(localText);
    if (!Number.isInteger(remote) || !Number.isInteger(local))
      return k.fail(
        `error parsing local port '${spec}': strconv.ParseUint: parsing "${spec}": invalid syntax`,
      );
    let podPort = remote;
    if (hubble) podPort = hubble[remote] ?? remote;
    else if (o?.service) {
      const i = o.service.ports.findIndex((p) => p.port === remote);
      if (i < 0) return k.fail(`Service ${name} does not have a service port ${remote}`);
      podPort = serviceEndpoints(o, k.catalog).ports[i]?.port ?? remote;
    }
    lines.push(
      `Forwarding from 127.0.0.1:${local} -> ${podPort}`,
      `Forwarding from [::1]:${local} -> ${podPort}`,
    );
  }
  k.out(`${lines.join('\n')}\n`);
  k.err(
    "note: this terminal is simulated, so nothing listens on your computer's ports; the command returns at once instead of running until Ctrl-C",
  );
  return k.done(0);
}
