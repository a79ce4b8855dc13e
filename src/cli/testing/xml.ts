/** Test helpers for the command line's report formats. */

/**
 * A strict enough XML 1.0 well-formedness check for what `junitXml` writes: one root, balanced
 * tags, quoted attributes without `<` or a bare `&`, text without `<` or a bare `&`, and only
 * known entity and character references. Returns the decoded attribute values and texts.
 */
export function checkXml(xml: string): { values: string[] } {
  const values: string[] = [];
  const decode = (s: string, where: string) => {
    if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s))
      throw new Error(`bare & in ${where}: ${s}`);
    return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
      e.startsWith('#x')
        ? String.fromCodePoint(parseInt(e.slice(2), 16))
        : e.startsWith('#')
          ? String.fromCodePoint(Number(e.slice(1)))
          : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e]!,
    );
  };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml))
    throw new Error('a character XML 1.0 cannot carry');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(xml))
    throw new Error('a lone surrogate');
  let rest = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  if (rest === xml) throw new Error('no XML declaration');
  const stack: string[] = [];
  let roots = 0;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt < 0 ? rest : rest.slice(0, lt);
    if (text.includes('>') && stack.length > 0 && /]]>/.test(text)) throw new Error(']]> in text');
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text}`);
    if (text !== '') values.push(decode(text, 'text'));
    if (lt < 0) break;
    rest = rest.slice(lt);
    const close = /^<\/([A-Za-z][\w.-]*)\s*>/.exec(rest);
    if (close) {
      if (stack.pop() !== close[1]) throw new Error(`unbalanced </${close[1]}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const open = /^<([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (!open) throw new Error(`bad markup at: ${rest.slice(0, 60)}`);
    if (stack.length === 0) roots++;
    const names = new Set<string>();
    for (const m of open[2]!.matchAll(/([A-Za-z][\w.-]*)="([^"<]*)"/g)) {
      if (names.has(m[1]!)) throw new Error(`duplicate attribute ${m[1]}`);
      names.add(m[1]!);
      values.push(decode(m[2]!, `attribute ${m[1]}`));
    }
    if (open[3] !== '/') stack.push(open[1]!);
    rest = rest.slice(open[0].length);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return { values };
}
