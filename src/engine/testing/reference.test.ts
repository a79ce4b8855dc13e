/**
 * Property tests: the engine's fast path (identity bitsets, cached views, the incremental
 * matrix) against the naive reference evaluator, on random small clusters and policies.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { stringify } from 'yaml';
import { Engine } from '../engine.ts';
import type { CiliumVersion, Protocol, SourceFile } from '../types.ts';
import { referenceVerdict } from './reference.ts';

type Obj = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Vocabulary

const NAMESPACES = ['alpha', 'beta', 'gamma', 'delta'];
const POD_KEYS = ['app', 'tier', 'env'];
const POD_VALUES = ['a', 'b', 'c'];
const NS_KEYS = ['team', 'env'];
const NS_VALUES = ['x', 'y'];
const SERVICE_ACCOUNTS = ['sa1', 'sa2'];
const CONTAINER_PORTS: { name?: string; containerPort: number; protocol?: Protocol }[] = [
  { name: 'http', containerPort: 80 },
  { name: 'web', containerPort: 8080 },
  { name: 'web', containerPort: 8081 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
  { name: 'metrics', containerPort: 9090 },
  { containerPort: 443 },
  { containerPort: 5432, protocol: 'TCP' },
  { containerPort: 7000, protocol: 'SCTP' },
];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const maybe = <T>(arb: fc.Arbitrary<T>, freq = 1) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: freq }, { arbitrary: arb, weight: 1 });
/** Drops undefined fields so that YAML shows only what was chosen. */
const compact = (o: Obj): Obj =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const toObj = (pairs: readonly (readonly [string, string])[]) => Object.fromEntries(pairs);

// ---------------------------------------------------------------------------------------------
// Cluster

interface PodSpec {
  namespace: string;
  labels: Record<string, string>;
  serviceAccount: string | undefined;
  ports: typeof CONTAINER_PORTS;
}

interface ClusterSpec {
  namespaces: { name: string; labels: Record<string, string> }[];
  pods: PodSpec[];
}

const labelPairs = (keys: readonly string[], values: readonly string[], max: number) =>
  fc.array(fc.tuple(pick(keys), pick(values)), { maxLength: max }).map(toObj);

const clusterArb: fc.Arbitrary<ClusterSpec> = fc.integer({ min: 2, max: 4 }).chain((nsCount) => {
  const names = NAMESPACES.slice(0, nsCount);
  const ns = fc.tuple(...names.map(() => labelPairs(NS_KEYS, NS_VALUES, 2)));
  const pod = fc.record({
    namespace: pick(names),
    labels: fc
      .tuple(
        labelPairs(POD_KEYS, POD_VALUES, 3),
        // An identity-irrelevant label (§22): selectors on it must never match.
        maybe(fc.constant({ 'pod-template-hash': 'a' }), 4),
      )
      .map(([l, extra]) => ({ ...l, ...extra })),
    serviceAccount: maybe(pick(SERVICE_ACCOUNTS)),
    ports: fc
      .subarray(CONTAINER_PORTS, { maxLength: 3 })
      // Container port names are unique within a pod.
      .map((ps) => ps.filter((p, i) => !p.name || ps.findIndex((q) => q.name === p.name) === i)),
  });
  return fc.record({
    namespaces: ns.map((ls) => ls.map((labels, i) => ({ name: names[i]!, labels }))),
    pods: fc.array(pod, { minLength: 3, maxLength: 12 }),
  });
});

function renderCluster(c: ClusterSpec): string {
  const docs: Obj[] = [];
  for (const n of c.namespaces)
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: n.name, labels: n.labels },
    });
  c.pods.forEach((p, i) =>
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: p.namespace, labels: p.labels },
      spec: compact({
        serviceAccountName: p.serviceAccount,
        containers: [
          compact({
            name: 'main',
            image: 'busybox',
            ports: p.ports.length ? p.ports.map((x) => compact({ ...x })) : undefined,
          }),
        ],
      }),
    }),
  );
  // Two services for toServices (§38): one with a selector, one without (manual endpoints).
  const first = c.namespaces[0]!.name;
  docs.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc-a', namespace: first, labels: { svc: 'a' } },
    spec: { selector: { app: 'a' }, ports: [{ port: 80, targetPort: 80 }] },
  });
  docs.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ext', namespace: first, labels: { svc: 'b' } },
    spec: { ports: [{ port: 80 }] },
  });
  return docs.map((d) => stringify(d)).join('---\n');
}

// ---------------------------------------------------------------------------------------------
// Selectors, ports, peers

const expressionArb = (keys: readonly string[], values: readonly string[]) =>
  fc.oneof(
    fc.record({
      key: pick(keys),
      operator: pick(['In', 'NotIn']),
      values: fc.uniqueArray(pick(values), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({ key: pick(keys), operator: pick(['Exists', 'DoesNotExist']) }),
  );

/** A LabelSelector; `{}` is common on purpose. */
const selectorArb = (keys: readonly string[], values: readonly string[]) =>
  fc
    .record({
      matchLabels: maybe(labelPairs(keys, values, 2)),
      matchExpressions: maybe(fc.array(expressionArb(keys, values), { maxLength: 2 })),
    })
    .map(compact);

/** Keys a Cilium selector may use: plain, source-prefixed, namespace-ish and filtered ones. */
const CILIUM_KEYS = [
  'app',
  'tier',
  'env',
  'k8s:app',
  'any:tier',
  'io.kubernetes.pod.namespace',
  'k8s:io.kubernetes.pod.namespace',
  'io.cilium.k8s.namespace.labels.team',
  'io.cilium.k8s.namespace.labels.env',
  'io.cilium.k8s.policy.serviceaccount',
  'pod-template-hash',
];
const CILIUM_VALUES = [...POD_VALUES, ...NAMESPACES.slice(0, 2), 'x', 'sa1', 'default'];
const ciliumSelectorArb = fc.oneof(
  { arbitrary: selectorArb(CILIUM_KEYS, CILIUM_VALUES), weight: 6 },
  { arbitrary: fc.constant({}), weight: 2 },
  { arbitrary: fc.constant({ matchLabels: { 'reserved:host': '' } }), weight: 1 },
);
const knpPodSelectorArb = fc.oneof(
  { arbitrary: selectorArb([...POD_KEYS, 'pod-template-hash'], POD_VALUES), weight: 3 },
  { arbitrary: fc.constant({}), weight: 1 },
);
const knpNsSelectorArb = fc.oneof(
  {
    arbitrary: selectorArb(
      [...NS_KEYS, 'kubernetes.io/metadata.name'],
      [...NS_VALUES, 'alpha', 'beta'],
    ),
    weight: 3,
  },
  { arbitrary: fc.constant({}), weight: 1 },
);

const ciliumPortArb = fc
  .record({
    port: maybe(
      pick<number | string>([
        80,
        '80',
        8080,
        8081,
        53,
        9090,
        443,
        5432,
        7000,
        0,
        'http',
        'web',
        'dns',
        'dns-tcp',
        'metrics',
      ]),
    ),
    protocol: maybe(pick(['TCP', 'UDP', 'SCTP', 'ANY'])),
    range: maybe(pick([0, 1, 100, 8000])),
  })
  .map(({ port, protocol, range }) =>
    compact({
      port: port === undefined ? undefined : String(port),
      protocol,
      endPort:
        typeof port === 'number' && port > 0 && range !== undefined ? port + range : undefined,
    }),
  );

const toPortsArb = fc.oneof(
  fc.constant([]),
  fc.constant([{}]),
  fc.array(fc.record({ ports: fc.array(ciliumPortArb, { minLength: 1, maxLength: 3 }) }), {
    minLength: 1,
    maxLength: 2,
  }),
);

const ENTITIES = [
  'all',
  'cluster',
  'world',
  'host',
  'remote-node',
  'kube-apiserver',
  'health',
  'none',
];
const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '10.244.0.0/16', '192.168.0.0/16'];

/** One Cilium allow or deny rule: at most one peer kind (§34), maybe ports, maybe requires. */
const ciliumRuleArb = (direction: 'ingress' | 'egress') => {
  const from = direction === 'ingress' ? 'from' : 'to';
  return fc
    .record({
      peer: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 2 },
        {
          arbitrary: fc
            .array(ciliumSelectorArb, { maxLength: 2 })
            .map((s) => ({ [`${from}Endpoints`]: s })),
          weight: 6,
        },
        {
          arbitrary: fc
            .subarray(ENTITIES, { minLength: 0, maxLength: 2 })
            .map((e) => ({ [`${from}Entities`]: e })),
          weight: 2,
        },
        {
          arbitrary: fc
            .subarray(CIDRS, { minLength: 1, maxLength: 2 })
            .map((c) => ({ [`${from}CIDR`]: c })),
          weight: 1,
        },
        {
          arbitrary: fc.constant({
            [`${from}CIDRSet`]: [{ cidr: '10.0.0.0/8', except: ['10.244.0.0/16'] }],
          }),
          weight: 1,
        },
        ...(direction === 'egress'
          ? [
              {
                arbitrary: fc
                  .tuple(pick(['svc-a', 'ext']), pick(NAMESPACES.slice(0, 2)))
                  .map(([serviceName, namespace]) => ({
                    toServices: [{ k8sService: { serviceName, namespace } }],
                  })),
                weight: 1,
              },
              {
                arbitrary: pick(['a', 'b']).map((v) => ({
                  toServices: [{ k8sServiceSelector: { selector: { matchLabels: { svc: v } } } }],
                })),
                weight: 1,
              },
            ]
          : []),
      ),
      toPorts: maybe(toPortsArb),
      requires: maybe(fc.array(ciliumSelectorArb, { minLength: 1, maxLength: 1 }), 3),
    })
    .map(({ peer, toPorts, requires }) =>
      compact({
        ...peer,
        toPorts,
        [`${from}Requires`]: requires,
      }),
    );
};

const sectionArb = (direction: 'ingress' | 'egress', deny: boolean) =>
  fc.oneof(
    { arbitrary: fc.constant(undefined), weight: deny ? 6 : 3 },
    { arbitrary: fc.constant([]), weight: 1 },
    { arbitrary: fc.constant([{}]), weight: 1 },
    {
      arbitrary: fc.array(ciliumRuleArb(direction), { minLength: 1, maxLength: 2 }),
      weight: 4,
    },
  );

const ciliumSpecArb = (clusterwide: boolean) =>
  fc
    .record({
      endpointSelector: clusterwide
        ? fc.oneof(
            ciliumSelectorArb,
            fc.constant({ matchLabels: { 'io.kubernetes.pod.namespace': 'alpha' } }),
          )
        : ciliumSelectorArb,
      ingress: sectionArb('ingress', false),
      egress: sectionArb('egress', false),
      ingressDeny: sectionArb('ingress', true),
      egressDeny: sectionArb('egress', true),
      enableDefaultDeny: maybe(
        fc.record({ ingress: maybe(fc.boolean()), egress: maybe(fc.boolean()) }).map(compact),
        3,
      ),
    })
    .map(compact);

const knpPeerArb = fc.oneof(
  fc.record({ podSelector: knpPodSelectorArb }),
  fc.record({ namespaceSelector: knpNsSelectorArb }),
  fc.record({ podSelector: knpPodSelectorArb, namespaceSelector: knpNsSelectorArb }),
  fc.constant({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.244.0.0/16'] } }),
  fc.constant({ ipBlock: { cidr: '0.0.0.0/0' } }),
);

const knpPortArb = fc
  .record({
    port: maybe(
      pick<number | string>([
        80,
        8080,
        8081,
        53,
        9090,
        443,
        7000,
        'http',
        'web',
        'dns',
        'dns-tcp',
        'metrics',
      ]),
    ),
    protocol: maybe(pick(['TCP', 'UDP', 'SCTP'])),
    range: maybe(pick([0, 1, 100, 8000]), 2),
  })
  .map(({ port, protocol, range }) =>
    compact({
      port,
      protocol,
      endPort: typeof port === 'number' && range !== undefined ? port + range : undefined,
    }),
  );

const knpRuleArb = (direction: 'ingress' | 'egress') =>
  fc
    .record({
      peers: maybe(fc.array(knpPeerArb, { maxLength: 2 })),
      ports: maybe(fc.array(knpPortArb, { maxLength: 2 })),
    })
    .map(({ peers, ports }) =>
      compact({ [direction === 'ingress' ? 'from' : 'to']: peers, ports }),
    );

const knpSpecArb = fc
  .record({
    podSelector: knpPodSelectorArb,
    policyTypes: maybe(fc.subarray(['Ingress', 'Egress'])),
    ingress: maybe(fc.array(knpRuleArb('ingress'), { maxLength: 2 })),
    egress: maybe(fc.array(knpRuleArb('egress'), { maxLength: 2 })),
  })
  .map(compact);

type PolicyDoc = { kind: string; namespace?: string; spec?: Obj; specs?: Obj[] };

const policyArb = (namespaces: readonly string[]): fc.Arbitrary<PolicyDoc> =>
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('NetworkPolicy'),
        namespace: pick(namespaces),
        spec: knpSpecArb,
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('CiliumNetworkPolicy'),
        namespace: pick(namespaces),
        spec: ciliumSpecArb(false),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('CiliumNetworkPolicy'),
        namespace: pick(namespaces),
        specs: fc.array(ciliumSpecArb(false), { minLength: 1, maxLength: 2 }),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('CiliumClusterwideNetworkPolicy'),
        spec: ciliumSpecArb(true),
      }),
      weight: 2,
    },
  );

function renderPolicy(p: PolicyDoc, name: string): string {
  const cilium = p.kind !== 'NetworkPolicy';
  return stringify(
    compact({
      apiVersion: cilium ? 'cilium.io/v2' : 'networking.k8s.io/v1',
      kind: p.kind,
      metadata: compact({ name, namespace: p.namespace }),
      spec: p.spec,
      specs: p.specs,
    }),
  );
}

interface Scenario {
  version: CiliumVersion;
  cluster: ClusterSpec;
  policies: PolicyDoc[];
}

const scenarioArb: fc.Arbitrary<Scenario> = clusterArb.chain((cluster) =>
  fc.record({
    version: pick<CiliumVersion>(['1.16', '1.17', '1.18']),
    cluster: fc.constant(cluster),
    policies: fc.array(policyArb([...cluster.namespaces.map((n) => n.name), 'kube-system']), {
      minLength: 1,
      maxLength: 5,
    }),
  }),
);

function files(s: { cluster: ClusterSpec; policies: PolicyDoc[] }): SourceFile[] {
  return [
    { name: 'cluster.yaml', text: renderCluster(s.cluster) },
    ...s.policies.map((p, i) => ({ name: `policy-${i}.yaml`, text: renderPolicy(p, `pol-${i}`) })),
  ];
}

/** Readable dump for a failing case. */
const dump = (fs: readonly SourceFile[]) => fs.map((f) => `# ${f.name}\n${f.text}`).join('\n');

// ---------------------------------------------------------------------------------------------
// Properties

/** Every (source pod, destination pod, declared port of the destination) of the engine's cluster. */
function* triples(engine: Engine) {
  const pods = engine.cluster.pods.filter((p) => !p.hostNetwork && p.ip);
  for (const src of pods)
    for (const dst of pods)
      for (const cp of dst.ports) yield { src, dst, port: cp.port, protocol: cp.protocol };
}

/** `PROPERTY_RUNS_SCALE=20` runs twenty times as many cases, for a longer search. */
const SCALE = Number(process.env.PROPERTY_RUNS_SCALE ?? 1) || 1;
const RUNS_REFERENCE = Math.round(800 * SCALE);
const RUNS_INCREMENTAL = Math.round(250 * SCALE);

describe('engine vs reference evaluator', () => {
  it('matrix, probe and reference agree on every pod pair and declared port', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const input = files(s);
        const engine = new Engine({ ciliumVersion: s.version });
        engine.load(input);
        const matrix = engine.matrix();
        const ref = { cluster: engine.cluster, policies: engine.policies, options: engine.options };
        for (const { src, dst, port, protocol } of triples(engine)) {
          const r = referenceVerdict(ref, src, dst, port, protocol);
          const m = matrix.allowed(src, dst, port, protocol);
          const probe = engine.probe({
            id: 'x',
            from: `${src.namespace}/${src.name}`,
            to: `${dst.namespace}/${dst.name}`,
            port,
            protocol,
          });
          const p = probe.verdict === 'allowed';
          if (r.allowed !== m || r.allowed !== p) {
            throw new Error(
              `${src.namespace}/${src.name} → ${dst.namespace}/${dst.name} ${port}/${protocol} (Cilium ${s.version}): ` +
                `reference ${r.allowed} (egress: ${r.egress.why}; ingress: ${r.ingress.why}), matrix ${m}, probe ${p} (${probe.reason})\n` +
                dump(input),
            );
          }
        }
      }),
      { numRuns: RUNS_REFERENCE },
    );
  });

  it('an incrementally updated matrix equals a fresh one', () => {
    const editArb = scenarioArb.chain((s) =>
      fc.record({
        s: fc.constant(s),
        edits: fc.array(
          fc.record({
            file: fc.nat({ max: s.policies.length }), // == length: a new file
            policy: maybe(
              policyArb([...s.cluster.namespaces.map((n) => n.name), 'kube-system']),
              1,
            ),
            // Same name, a fresh name, or maybe the name another file uses (a duplicate key).
            name: fc.oneof(
              pick(['same', 'fresh']),
              fc.nat({ max: 3 }).map((n) => `pol-${n}`),
            ),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    );
    fc.assert(
      fc.property(editArb, ({ s, edits }) => {
        const current = files(s);
        const engine = new Engine({ ciliumVersion: s.version });
        engine.load(current);
        engine.matrix();
        let step = 0;
        for (const e of edits) {
          step++;
          const name = `policy-${e.file}.yaml`;
          const polName =
            e.name === 'same'
              ? `pol-${e.file}`
              : e.name === 'fresh'
                ? `pol-${e.file}-v${step}`
                : e.name;
          // An undefined policy empties the file: its policy goes away.
          const text = e.policy ? renderPolicy(e.policy, polName) : '';
          const f = { name, text };
          const at = current.findIndex((x) => x.name === name);
          if (at >= 0) current[at] = f;
          else current.push(f);
          engine.updateFile(f);
          const incremental = engine.matrix();
          const fresh = new Engine({ ciliumVersion: s.version });
          fresh.load(current);
          const full = fresh.matrix();
          const freshPods = new Map(fresh.cluster.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
          for (const { src, dst, port, protocol } of triples(engine)) {
            const a = incremental.allowed(src, dst, port, protocol);
            const b = full.allowed(
              freshPods.get(`${src.namespace}/${src.name}`)!,
              freshPods.get(`${dst.namespace}/${dst.name}`)!,
              port,
              protocol,
            );
            if (a !== b)
              throw new Error(
                `after edit ${step} (${name}): ${src.namespace}/${src.name} → ${dst.namespace}/${dst.name} ${port}/${protocol}: ` +
                  `incremental ${a}, fresh ${b}\n` +
                  dump(current),
              );
          }
        }
      }),
      { numRuns: RUNS_INCREMENTAL },
    );
  });
});
