/**
 * The columns `kubectl get` prints for each type (the API server's table conversion for built-in
 * types, the CRDs' printer columns for Cilium's). `-o wide` adds the wide columns; NAMESPACE,
 * LABELS and `-L` columns are added by the caller.
 */
import { ciliumInternalIp, serviceEndpoints } from './api.ts';
import { age } from './duration.ts';
import { asArray, asObj, isObj, type ApiObject, type Catalog } from './catalog.ts';
import { formatLabels, formatLabelSelector } from './selector.ts';
import { KUBERNETES_VERSION } from './system.ts';

export interface Printer {
  headers: readonly string[];
  wideHeaders?: readonly string[];
  /** Cells of one row; the wide cells follow when `wide` is set. */
  row(o: ApiObject, ctx: PrintContext): string[];
  wideRow?(o: ApiObject, ctx: PrintContext): string[];
}

export interface PrintContext {
  catalog: Catalog;
  now: number;
}

const none = (s: string | undefined): string => (s === undefined || s === '' ? '<none>' : s);

function containersAndImages(o: ApiObject): [string, string] {
  const spec = asObj(asObj(asObj(o.body.spec).template).spec);
  const cs = asArray(spec.containers).filter(isObj);
  return [
    cs.map((c) => String(c.name ?? '')).join(','),
    cs.map((c) => String(c.image ?? '')).join(','),
  ];
}

function selectorOf(o: ApiObject): string {
  const sel = asObj(o.body.spec).selector;
  return formatLabelSelector(sel);
}

const ageOf = (o: ApiObject, ctx: PrintContext): string => age(o.createdAt, ctx.now);

/** Endpoints as `describe` and `get ep` abbreviate them: three, then `+ N more...`. */
export function formatEndpoints(list: string[]): string {
  if (list.length === 0) return '<none>';
  if (list.length <= 3) return list.join(',');
  return `${list.slice(0, 3).join(',')} + ${list.length - 3} more...`;
}

export const PRINTERS: Record<string, Printer> = {
  Pod: {
    headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wideHeaders: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    row: (o, ctx) => {
      const n = o.pod?.containers.length ?? 1;
      return [o.name, `${n}/${n}`, 'Running', '0', ageOf(o, ctx)];
    },
    wideRow: (o) => [none(o.pod?.ip), none(o.pod?.nodeName), '<none>', '<none>'],
  },
  Service: {
    headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    wideHeaders: ['SELECTOR'],
    row: (o, ctx) => {
      const s = o.service!;
      const ports = s.ports
        .map((p) => `${p.port}${p.nodePort !== undefined ? `:${p.nodePort}` : ''}/${p.protocol}`)
        .join(',');
      const external =
        s.type === 'ExternalName'
          ? String(asObj(o.body.spec).externalName ?? '<none>')
          : s.type === 'LoadBalancer'
            ? '<pending>'
            : '<none>';
      return [
        o.name,
        s.type,
        s.type === 'ExternalName' ? '<none>' : s.clusterIP,
        external,
        none(ports),
        ageOf(o, ctx),
      ];
    },
    wideRow: (o) => [formatLabels(o.service?.selector)],
  },
  Endpoints: {
    headers: ['NAME', 'ENDPOINTS', 'AGE'],
    row: (o, ctx) => {
      const eps = serviceEndpoints(o, ctx.catalog);
      const list: string[] = [];
      for (const p of eps.ports) for (const a of eps.addresses) list.push(`${a.ip}:${p.port}`);
      if (eps.ports.length === 0) for (const a of eps.addresses) list.push(a.ip);
      return [o.name, formatEndpoints(list), ageOf(o, ctx)];
    },
  },
  EndpointSlice: {
    headers: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
    row: (o, ctx) => {
      const eps = serviceEndpoints(o, ctx.catalog);
      return [
        o.name,
        'IPv4',
        eps.ports.length === 0 ? '<unset>' : eps.ports.map((p) => String(p.port)).join(','),
        formatEndpoints(eps.addresses.map((a) => a.ip)),
        ageOf(o, ctx),
      ];
    },
  },
  Namespace: {
    headers: ['NAME', 'STATUS', 'AGE'],
    row: (o, ctx) => [o.name, 'Active', ageOf(o, ctx)],
  },
  Node: {
    headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wideHeaders: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
    row: (o, ctx) => {
      const roles = Object.keys(o.labels)
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .sort();
      return [
        o.name,
        'Ready',
        roles.length ? roles.join(',') : '<none>',
        ageOf(o, ctx),
        KUBERNETES_VERSION,
      ];
    },
    wideRow: (o) => [
      o.node?.ip ?? '<none>',
      '<none>',
      'Debian GNU/Linux 12 (bookworm)',
      '6.8.0-60-generic',
      'containerd://2.1.1',
    ],
  },
  Deployment: {
    headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, ctx) => {
      const r = o.replicas ?? { desired: 1, current: 0 };
      return [
        o.name,
        `${r.current}/${r.desired}`,
        String(r.current),
        String(r.current),
        ageOf(o, ctx),
      ];
    },
    wideRow: (o) => [...containersAndImages(o), selectorOf(o)],
  },
  ReplicaSet: {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, ctx) => {
      const r = o.replicas ?? { desired: 1, current: 0 };
      return [o.name, String(r.desired), String(r.current), String(r.current), ageOf(o, ctx)];
    },
    wideRow: (o) => [...containersAndImages(o), selectorOf(o)],
  },
  StatefulSet: {
    headers: ['NAME', 'READY', 'AGE'],
    wideHeaders: ['CONTAINERS', 'IMAGES'],
    row: (o, ctx) => {
      const r = o.replicas ?? { desired: 1, current: 0 };
      return [o.name, `${r.current}/${r.desired}`, ageOf(o, ctx)];
    },
    wideRow: (o) => containersAndImages(o),
  },
  DaemonSet: {
    headers: [
      'NAME',
      'DESIRED',
      'CURRENT',
      'READY',
      'UP-TO-DATE',
      'AVAILABLE',
      'NODE SELECTOR',
      'AGE',
    ],
    wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, ctx) => {
      const r = String(o.replicas?.current ?? 0);
      const tplSpec = asObj(asObj(asObj(o.body.spec).template).spec);
      const nodeSelector = isObj(tplSpec.nodeSelector)
        ? formatLabels(tplSpec.nodeSelector as Record<string, string>)
        : o.source.kind === 'cluster'
          ? 'kubernetes.io/os=linux'
          : '<none>';
      return [o.name, r, r, r, r, r, nodeSelector, ageOf(o, ctx)];
    },
    wideRow: (o) => [...containersAndImages(o), selectorOf(o)],
  },
  Job: {
    headers: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
    wideHeaders: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, ctx) => {
      const r = o.replicas ?? { desired: 1, current: 0 };
      return [o.name, 'Running', `0/${r.desired}`, ageOf(o, ctx), ageOf(o, ctx)];
    },
    wideRow: (o) => [...containersAndImages(o), `batch.kubernetes.io/controller-uid=${o.name}`],
  },
  CronJob: {
    headers: ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
    row: (o, ctx) => [
      o.name,
      String(asObj(o.body.spec).schedule ?? ''),
      '<none>',
      String(asObj(o.body.spec).suspend ?? false),
      '0',
      '<none>',
      ageOf(o, ctx),
    ],
  },
  NetworkPolicy: {
    headers: ['NAME', 'POD-SELECTOR', 'AGE'],
    row: (o, ctx) => [o.name, formatLabelSelector(asObj(o.body.spec).podSelector), ageOf(o, ctx)],
  },
  CiliumNetworkPolicy: {
    headers: ['NAME', 'AGE', 'VALID'],
    row: (o, ctx) => [o.name, ageOf(o, ctx), o.valid?.ok === false ? 'False' : 'True'],
  },
  CiliumClusterwideNetworkPolicy: {
    headers: ['NAME', 'VALID'],
    row: (o) => [o.name, o.valid?.ok === false ? 'False' : 'True'],
  },
  CiliumEndpoint: {
    headers: ['NAME', 'SECURITY IDENTITY', 'ENDPOINT STATE', 'IPV4', 'IPV6'],
    row: (o) => [o.name, String(o.identity?.id ?? ''), 'ready', o.pod?.ip ?? '', ''],
  },
  CiliumIdentity: {
    headers: ['NAME', 'NAMESPACE', 'AGE'],
    row: (o, ctx) => [o.name, o.labels['io.kubernetes.pod.namespace'] ?? '<none>', ageOf(o, ctx)],
  },
  CiliumNode: {
    headers: ['NAME', 'CILIUMINTERNALIP', 'INTERNALIP', 'AGE'],
    row: (o, ctx) => [
      o.name,
      ciliumInternalIp(o.node?.podCIDR ?? '10.244.0.0/24'),
      o.node?.ip ?? '',
      ageOf(o, ctx),
    ],
  },
  ConfigMap: {
    headers: ['NAME', 'DATA', 'AGE'],
    row: (o, ctx) => {
      const n =
        Object.keys(asObj(o.body.data)).length + Object.keys(asObj(o.body.binaryData)).length;
      return [o.name, String(n), ageOf(o, ctx)];
    },
  },
  Secret: {
    headers: ['NAME', 'TYPE', 'DATA', 'AGE'],
    row: (o, ctx) => {
      const n = new Set([
        ...Object.keys(asObj(o.body.data)),
        ...Object.keys(asObj(o.body.stringData)),
      ]).size;
      return [o.name, String(o.body.type ?? 'Opaque'), String(n), ageOf(o, ctx)];
    },
  },
  ServiceAccount: {
    headers: ['NAME', 'SECRETS', 'AGE'],
    row: (o, ctx) => [o.name, '0', ageOf(o, ctx)],
  },
  Ingress: {
    headers: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'],
    row: (o, ctx) => {
      const spec = asObj(o.body.spec);
      const hosts = asArray(spec.rules)
        .filter(isObj)
        .map((r) => String(r.host ?? '*'));
      return [
        o.name,
        String(spec.ingressClassName ?? '<none>'),
        hosts.length ? hosts.join(',') : '*',
        '',
        asArray(spec.tls).length ? '80, 443' : '80',
        ageOf(o, ctx),
      ];
    },
  },
  Event: {
    headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    row: () => [],
  },
};

/** The wide columns of a CiliumEndpoint are interleaved with the default ones. */
export const CEP_WIDE_HEADERS = [
  'NAME',
  'SECURITY IDENTITY',
  'INGRESS ENFORCEMENT',
  'EGRESS ENFORCEMENT',
  'VISIBILITY POLICY',
  'ENDPOINT STATE',
  'IPV4',
  'IPV6',
];

export function cepWideRow(o: ApiObject): string[] {
  return [
    o.name,
    String(o.identity?.id ?? ''),
    '<none>',
    '<none>',
    '<none>',
    'ready',
    o.pod?.ip ?? '',
    '',
  ];
}
