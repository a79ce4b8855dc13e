/**
 * `-o yaml` and `-o json` as kubectl writes them: keys sorted (objects pass through a map on the
 * way out), JSON indented by four spaces, YAML in the style of go-yaml v2: sequences not
 * indented under their key, strings that would read as another type (`"True"`, `"5432"`, a
 * timestamp) in double quotes, other strings that cannot be plain (`'*.github.com'`) in single
 * quotes, multi-line strings as literal blocks.
 */
import { Document, visit } from 'yaml';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deep copy with every mapping's keys in sorted order; `undefined` members are dropped. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
  return out;
}

/** `-o json`: Go's `json.MarshalIndent(obj, "", "    ")` plus a final newline. */
export function jsonText(v: unknown): string {
  return `${JSON.stringify(sortKeys(v), null, 4)}\n`;
}

// Plain scalars YAML 1.1 reads as something other than a string (go-yaml v2's resolver).
const NON_STRING = [
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:~|null|Null|NULL)$/,
  /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9]*)?$/,
  /^[-+]?\.(?:inf|Inf|INF)$/,
  /^\.(?:nan|NaN|NAN)$/,
  /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/,
];

/** `-o yaml` text of one value. */
export function yamlText(v: unknown): string {
  const doc = new Document(sortKeys(v), { version: '1.1' });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const s = node.value;
      // go-yaml reads numbers with their underscores removed (`1_000` is an int).
      const bare = s.replace(/_/g, '');
      if (s === '' || NON_STRING.some((re) => re.test(bare))) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true });
}
