/** Small deterministic hashes used for names and addresses that must not move between edits. */

/** FNV-1a, 32 bits. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded generator, uniform in [0, 1), the same on every run and machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Endpoint IDs of a cluster's pod endpoints, keyed `namespace/name`: a stable hash of the pod key
 * into 1–4095, moved on past IDs already taken on the same node, so they stay put across edits.
 * Hubble's flows and `cilium-dbg endpoint list` both number pods this way.
 */
export function endpointIdsOf(
  pods: readonly { namespace: string; name: string; nodeName: string; hostNetwork: boolean }[],
): Map<string, number> {
  const ids = new Map<string, number>();
  const used = new Set<string>();
  const keys = pods
    .filter((p) => !p.hostNetwork)
    .map((p) => ({ key: `${p.namespace}/${p.name}`, node: p.nodeName }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, node } of keys) {
    let id = 1 + (fnv1a(`endpoint:${key}`) % 4095);
    while (used.has(`${node}/${id}`)) id = (id % 4095) + 1;
    used.add(`${node}/${id}`);
    ids.set(key, id);
  }
  return ids;
}

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A suffix of `length` characters from Kubernetes' safe alphabet, derived from `seed`. */
export function safeSuffix(seed: string, length: number): string {
  let out = '';
  let h = fnv1a(seed);
  let round = 0;
  while (out.length < length) {
    out += SAFE[h % SAFE.length];
    h = Math.floor(h / SAFE.length);
    if (h < SAFE.length) h = fnv1a(`${seed}#${++round}`);
  }
  return out;
}

/** JSON with sorted keys, for hashing values independently of key order. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}
