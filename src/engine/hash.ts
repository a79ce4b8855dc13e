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
