/**
 * Fixed flow graph data for the demo page and tests: the Flask + PostgreSQL story in four steps
 * with the same node set in the first three (open cluster, lock-db, GET-only at L7) and one more
 * node in the last (an API the Flask app calls). Flow rows are generated from the observed edges
 * with a seeded generator, so every build produces the same rows.
 */
import { seededRandom } from '../../engine/hash.ts';
import type {
  EdgeVerdict,
  FlowRow,
  GraphData,
  GraphEdge,
  GraphNode,
} from '../../sim/graph-types.ts';

const FLASK = 'workload:db/flask-app';
const POSTGRES = 'workload:db/postgres';
const DB_DEBUG = 'workload:db/debug';
const DUMMY_DEBUG = 'workload:dummy/debug';
const COREDNS = 'workload:kube-system/coredns';
const WORLD = 'world';
const GITHUB = 'fqdn:api.github.com';

const LOCK_DB = 'CiliumNetworkPolicy db/lock-db';
const GET_ONLY = 'CiliumNetworkPolicy db/flask-get-only';

const BASE_NODES: GraphNode[] = [
  {
    id: DB_DEBUG,
    kind: 'workload',
    namespace: 'db',
    label: 'debug',
    pods: ['db/debug'],
    labels: { app: 'debug' },
  },
  {
    id: FLASK,
    kind: 'workload',
    namespace: 'db',
    label: 'flask-app',
    pods: [
      'db/flask-app-6c9f8d7b5-2xk4q',
      'db/flask-app-6c9f8d7b5-8jz7m',
      'db/flask-app-6c9f8d7b5-q5w9n',
    ],
    labels: { app: 'flask-app' },
  },
  {
    id: POSTGRES,
    kind: 'workload',
    namespace: 'db',
    label: 'postgres',
    pods: ['db/postgres-0'],
    labels: { app: 'postgres' },
  },
  {
    id: DUMMY_DEBUG,
    kind: 'workload',
    namespace: 'dummy',
    label: 'debug',
    pods: ['dummy/debug'],
    labels: { app: 'debug' },
  },
  {
    id: COREDNS,
    kind: 'kube-dns',
    namespace: 'kube-system',
    label: 'coredns',
    pods: ['kube-system/coredns-5d78c9869d-4xq8h', 'kube-system/coredns-5d78c9869d-7bdkz'],
    labels: { 'k8s-app': 'kube-dns' },
  },
  { id: WORLD, kind: 'world', label: 'world', pods: [], labels: {} },
];

const GITHUB_NODE: GraphNode = {
  id: GITHUB,
  kind: 'fqdn',
  label: 'api.github.com',
  pods: [],
  labels: {},
};

type Protocol = GraphEdge['protocol'];

function observed(
  from: string,
  to: string,
  port: number,
  protocol: Protocol,
  verdict: EdgeVerdict,
  count: number,
  extra: { l7?: string[]; policies?: string[] } = {},
): GraphEdge {
  return {
    id: `${from}|${to}|${port}/${protocol}|observed`,
    from,
    to,
    port,
    protocol,
    verdict,
    source: 'observed',
    l7: extra.l7 ?? [],
    count,
    flipped: false,
    policies: extra.policies ?? [],
  };
}

/** The ports the servers declare; possible edges run from each client to each of them. */
const SERVERS: [string, number, Protocol][] = [
  [FLASK, 5000, 'TCP'],
  [POSTGRES, 5432, 'TCP'],
  [COREDNS, 53, 'UDP'],
];
const CLIENTS = [FLASK, DB_DEBUG, DUMMY_DEBUG];

function possibleEdges(
  verdict: (from: string, to: string) => 'allowed' | 'denied',
  flipped: readonly string[],
): GraphEdge[] {
  const out: GraphEdge[] = [];
  for (const from of CLIENTS)
    for (const [to, port, protocol] of SERVERS) {
      if (from === to) continue;
      const id = `${from}|${to}|${port}/${protocol}|possible`;
      out.push({
        id,
        from,
        to,
        port,
        protocol,
        verdict: verdict(from, to),
        source: 'possible',
        l7: [],
        count: 0,
        flipped: flipped.includes(`${from}>${to}`),
        policies: [],
      });
    }
  return out;
}

// --- Flow rows ---------------------------------------------------------------------------------

const START = Date.parse('2026-03-02T09:00:00.000Z');
const HOST_OF: Record<string, string> = {
  [FLASK]: 'flask-app-service.db',
  [POSTGRES]: 'mydb-service.db',
};
const PATHS = ['/', '/static/app.css', '/items', '/login', '/health'];

function podsOf(nodes: readonly GraphNode[], id: string): string[] {
  const node = nodes.find((n) => n.id === id);
  if (!node) return [id];
  return node.pods.length > 0 ? node.pods : [node.label];
}

/** The rows one connection on an edge leaves in Hubble's buffer, without times. */
function connectionRows(
  edge: GraphEdge,
  source: string,
  destination: string,
  rnd: () => number,
): Omit<FlowRow, 'seq' | 'time'>[] {
  const base = {
    source,
    destination,
    port: edge.port,
    protocol: edge.protocol,
    policies: edge.policies,
  };
  const l4 = edge.protocol === 'TCP' ? 'TCP Flags: SYN' : edge.protocol;
  if (edge.verdict === 'denied')
    return [
      { ...base, type: 'policy-verdict:none INGRESS', verdict: 'DENIED', summary: l4 },
      { ...base, type: 'Policy denied', verdict: 'DROPPED', summary: l4 },
    ];
  const host = HOST_OF[edge.to];
  if (host && edge.port === 5000 && (edge.l7.length > 0 || edge.verdict === 'l7-denied')) {
    const refused = edge.verdict === 'l7-denied' && rnd() < 0.6;
    const method = refused ? 'POST' : 'GET';
    const path = PATHS[Math.floor(rnd() * PATHS.length)]!;
    const url = `http://${host}${refused ? '/login' : path}`;
    const ms = 1 + Math.floor(rnd() * 9);
    return [
      {
        ...base,
        type: 'http-request',
        verdict: refused ? 'DROPPED' : 'FORWARDED',
        summary: `HTTP/1.1 ${method} ${url}`,
      },
      {
        ...base,
        source: destination,
        destination: source,
        type: 'http-response',
        verdict: 'FORWARDED',
        summary: `HTTP/1.1 ${refused ? 403 : 200} ${refused ? 0 : ms}ms (${method} ${url})`,
      },
    ];
  }
  return [
    {
      ...base,
      type: edge.policies.length > 0 ? 'policy-verdict:L3-L4 INGRESS' : 'to-endpoint',
      verdict: edge.policies.length > 0 ? 'ALLOWED' : 'FORWARDED',
      summary: l4,
    },
    { ...base, type: 'to-endpoint', verdict: 'FORWARDED', summary: l4 },
  ];
}

/**
 * About `total` rows (oldest first) from the observed edges, each edge taking a share in
 * proportion to its count.
 */
export function sampleFlows(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  total: number,
  seed = 7,
): FlowRow[] {
  // Seeded, so the rows are the same on every run.
  const rnd = seededRandom(seed);
  const seen = edges.filter((e) => e.source === 'observed' && e.count > 0);
  const weight = seen.reduce((sum, e) => sum + e.count, 0);
  const rows: FlowRow[] = [];
  let at = START;
  while (rows.length < total && weight > 0) {
    let pick = rnd() * weight;
    let edge = seen[0]!;
    for (const e of seen) {
      pick -= e.count;
      if (pick < 0) {
        edge = e;
        break;
      }
    }
    const fromPods = podsOf(nodes, edge.from);
    const toPods = podsOf(nodes, edge.to);
    const source = fromPods[Math.floor(rnd() * fromPods.length)]!;
    const destination = toPods[Math.floor(rnd() * toPods.length)]!;
    for (const row of connectionRows(edge, source, destination, rnd)) {
      if (rows.length >= total) break;
      at += 20 + Math.floor(rnd() * 900);
      rows.push({ ...row, seq: rows.length, time: new Date(at).toISOString() });
    }
  }
  return rows;
}

// --- The samples -------------------------------------------------------------------------------

function dnsEdges(scale: number): GraphEdge[] {
  return [
    observed(FLASK, COREDNS, 53, 'UDP', 'allowed', 12 * scale),
    observed(DB_DEBUG, COREDNS, 53, 'UDP', 'allowed', 2 * scale),
    observed(DUMMY_DEBUG, COREDNS, 53, 'UDP', 'allowed', 3 * scale),
  ];
}

function build(
  version: number,
  nodes: GraphNode[],
  edges: GraphEdge[],
  flowCount: number,
): GraphData {
  const sorted = [...edges].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    version,
    nodes,
    edges: sorted,
    flows: sampleFlows(nodes, sorted, flowCount, version),
    flowsKey: `sample-${version}-${flowCount}`,
    changes: [],
  };
}

/** No policy: every pod reaches every other pod. */
export function openCluster(flowCount = 200): GraphData {
  return build(
    1,
    BASE_NODES,
    [
      observed(WORLD, FLASK, 5000, 'TCP', 'allowed', 20),
      observed(FLASK, POSTGRES, 5432, 'TCP', 'allowed', 12),
      observed(DB_DEBUG, POSTGRES, 5432, 'TCP', 'allowed', 2),
      observed(DUMMY_DEBUG, POSTGRES, 5432, 'TCP', 'allowed', 3),
      observed(DUMMY_DEBUG, FLASK, 5000, 'TCP', 'allowed', 1),
      ...dnsEdges(1),
      ...possibleEdges(() => 'allowed', []),
    ],
    flowCount,
  );
}

/** `lock-db` applied: only the Flask pods may reach PostgreSQL. */
export function lockDb(flowCount = 200): GraphData {
  return build(
    2,
    BASE_NODES,
    [
      observed(WORLD, FLASK, 5000, 'TCP', 'allowed', 34),
      observed(FLASK, POSTGRES, 5432, 'TCP', 'allowed', 24, { policies: [LOCK_DB] }),
      observed(DB_DEBUG, POSTGRES, 5432, 'TCP', 'denied', 4),
      observed(DUMMY_DEBUG, POSTGRES, 5432, 'TCP', 'denied', 6),
      observed(DUMMY_DEBUG, FLASK, 5000, 'TCP', 'allowed', 1),
      ...dnsEdges(2),
      ...possibleEdges(
        (from, to) => (to === POSTGRES && from !== FLASK ? 'denied' : 'allowed'),
        [`${DB_DEBUG}>${POSTGRES}`, `${DUMMY_DEBUG}>${POSTGRES}`],
      ),
    ],
    flowCount,
  );
}

const getOnlyVerdict = (from: string, to: string): 'allowed' | 'denied' => {
  if (to === POSTGRES) return from === FLASK ? 'allowed' : 'denied';
  if (to === FLASK) return from.startsWith('workload:db/') ? 'allowed' : 'denied';
  return 'allowed';
};

function getOnlyEdges(): GraphEdge[] {
  return [
    observed(WORLD, FLASK, 5000, 'TCP', 'allowed', 64, {
      l7: ['GET /static/app.css 200', 'GET / 200'],
      policies: [GET_ONLY],
    }),
    observed(DB_DEBUG, FLASK, 5000, 'TCP', 'l7-denied', 5, {
      l7: ['POST /login 403', 'GET / 200'],
      policies: [GET_ONLY],
    }),
    observed(DUMMY_DEBUG, FLASK, 5000, 'TCP', 'denied', 3),
    observed(FLASK, POSTGRES, 5432, 'TCP', 'allowed', 40, { policies: [LOCK_DB] }),
    observed(DB_DEBUG, POSTGRES, 5432, 'TCP', 'denied', 4),
    observed(DUMMY_DEBUG, POSTGRES, 5432, 'TCP', 'denied', 6),
    ...dnsEdges(3),
    ...possibleEdges(getOnlyVerdict, [`${DUMMY_DEBUG}>${FLASK}`]),
  ];
}

/**
 * `flask-get-only` added: the Flask app takes only GET requests, and only from `db` and the
 * world. Allowed, denied and L7-denied edges, possible ones, and one flipped edge.
 */
export function getOnly(flowCount = 200): GraphData {
  return build(3, BASE_NODES, getOnlyEdges(), flowCount);
}

/** The Flask app calls an external API: one node more than the other samples. */
export function externalApi(flowCount = 200): GraphData {
  return build(
    4,
    [...BASE_NODES, GITHUB_NODE],
    [...getOnlyEdges(), observed(FLASK, GITHUB, 443, 'TCP', 'allowed', 3)],
    flowCount,
  );
}

export interface Sample {
  id: string;
  title: string;
  data: () => GraphData;
}

export const SAMPLES: readonly Sample[] = [
  { id: 'open', title: 'Open cluster', data: () => openCluster() },
  { id: 'lock-db', title: 'lock-db applied', data: () => lockDb() },
  { id: 'get-only', title: 'GET-only at L7', data: () => getOnly() },
  { id: 'external', title: 'External API', data: () => externalApi() },
  { id: 'many-flows', title: '10,000 flows', data: () => ({ ...getOnly(10_000), version: 5 }) },
];
