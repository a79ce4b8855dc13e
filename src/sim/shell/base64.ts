/**
 * Base64 and UTF-8 by hand, so the shell needs no Buffer, atob or TextDecoder: `kubectl get
 * secret ... | base64 -d` decodes the same in a worker and in Node.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

export function utf8Encode(text: string): number[] {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else {
      bytes.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 63),
        0x80 | ((cp >> 6) & 63),
        0x80 | (cp & 63),
      );
    }
  }
  return bytes;
}

/** Decodes UTF-8; a malformed sequence becomes U+FFFD, as a terminal would show it. */
export function utf8Decode(bytes: readonly number[]): string {
  let s = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xf0 && b < 0xf8 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
    let cp = len === 1 ? b : len === 2 ? b & 31 : len === 3 ? b & 15 : b & 7;
    let good = len > 0 && i + len <= bytes.length;
    for (let k = 1; good && k < len; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) good = false;
      cp = (cp << 6) | (c & 63);
    }
    const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
    if (good && len > 1 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) {
      good = false;
    }
    if (good) {
      s += String.fromCodePoint(cp);
      i += len;
    } else {
      s += '\ufffd';
      i++;
    }
  }
  return s;
}

export function base64Encode(text: string): string {
  const bytes = utf8Encode(text);
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    s += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
    s += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    s += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
  }
  return s;
}

/**
 * Decodes base64 (whitespace ignored, padding optional); null when the text is not base64.
 * `ignoreGarbage` drops every character outside the alphabet first (`base64 -d -i`).
 */
export function base64Decode(text: string, ignoreGarbage = false): string | null {
  let clean = text.replace(/\s+/g, '');
  if (ignoreGarbage) clean = clean.replace(/[^A-Za-z0-9+/=]/g, '');
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(clean);
  if (!m) return null;
  const body = m[1]!;
  if (body.length % 4 === 1 || (m[2] !== '' && (body.length + m[2]!.length) % 4 !== 0)) return null;
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const c of body) {
    acc = ((acc << 6) | INDEX.get(c)!) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((acc >> bits) & 255);
    }
  }
  return utf8Decode(bytes);
}
