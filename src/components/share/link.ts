/**
 * Share links: the whole playground state in a URL fragment, compressed and versioned.
 *
 * `#s=1.<base64url(deflate-raw(JSON))>`. The number before the dot is the format version; a
 * reader keeps understanding every version it ever wrote, so old links keep loading. The fragment
 * never reaches a server. Decoding never throws: a damaged link gives a reason instead.
 */

/** Version 1 of the shared state. */
export interface SharedStateV1 {
  v: 1;
  /** Every file: name, text, and whether it is read-only in the editor. */
  files: { name: string; text: string; readOnly?: boolean }[];
  /** Public DNS of the scenario. */
  zone?: Record<string, string[]>;
  /** Background traffic as YAML text. */
  traffic?: string;
  /** Terminal history, when the sharer chose to include it. */
  history?: string[];
  /** Which lesson or gallery scenario the state started from, if any. */
  scenario?: string;
}

export type SharedState = SharedStateV1;

const PREFIX = 's=';
/** Links longer than this (characters) are refused rather than silently truncated by browsers. */
export const MAX_LINK_CHARS = 64_000;

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  try {
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const blob = new Blob([bytes as BlobPart]);
  const out = await new Response(blob.stream().pipeThrough(stream)).arrayBuffer();
  return new Uint8Array(out);
}

/** The fragment (without `#`) for a state. */
export async function encodeState(state: SharedState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  const packed = await pipe(json, new CompressionStream('deflate-raw'));
  return `${PREFIX}${state.v}.${toBase64Url(packed)}`;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a decoded value against version 1, keeping only what it knows. */
function readV1(v: unknown): SharedStateV1 | string {
  if (!isObj(v) || !Array.isArray(v.files)) return 'the link holds no files';
  const files: SharedStateV1['files'] = [];
  for (const f of v.files) {
    if (!isObj(f) || typeof f.name !== 'string' || typeof f.text !== 'string')
      return 'a file in the link is damaged';
    files.push({ name: f.name, text: f.text, ...(f.readOnly === true ? { readOnly: true } : {}) });
  }
  const out: SharedStateV1 = { v: 1, files };
  if (isObj(v.zone)) {
    const zone: Record<string, string[]> = {};
    for (const [k, ips] of Object.entries(v.zone))
      if (Array.isArray(ips)) zone[k] = ips.map(String);
    out.zone = zone;
  }
  if (typeof v.traffic === 'string') out.traffic = v.traffic;
  if (Array.isArray(v.history)) out.history = v.history.map(String);
  if (typeof v.scenario === 'string') out.scenario = v.scenario;
  return out;
}

/** Reads a fragment (with or without `#`); `{error}` explains a link that cannot be read. */
export async function decodeState(
  fragment: string,
): Promise<{ state: SharedState } | { error: string }> {
  const f = fragment.replace(/^#/, '');
  if (!f.startsWith(PREFIX)) return { error: 'this link holds no shared playground' };
  if (f.length > MAX_LINK_CHARS)
    return { error: 'this link is too long to be a shared playground' };
  const body = f.slice(PREFIX.length);
  const dot = body.indexOf('.');
  const version = Number(body.slice(0, dot));
  if (dot < 0 || !Number.isInteger(version)) return { error: 'this link is damaged' };
  if (version !== 1)
    return { error: `this link was made by a newer version of the playground (format ${version})` };
  const bytes = fromBase64Url(body.slice(dot + 1));
  if (!bytes) return { error: 'this link is damaged' };
  let value: unknown;
  try {
    const json = await pipe(bytes, new DecompressionStream('deflate-raw'));
    value = JSON.parse(new TextDecoder().decode(json));
  } catch {
    return { error: 'this link is damaged (it may have been cut short)' };
  }
  const state = readV1(value);
  return typeof state === 'string' ? { error: state } : { state };
}
