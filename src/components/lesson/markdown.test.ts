import { describe, expect, test } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe('lesson markdown', () => {
  test.each([
    ['Hello **world**', '<p>Hello <strong>world</strong></p>'],
    ['Use `ingress: [{}]` here', '<p>Use <code>ingress: [{}]</code> here</p>'],
    ['`**not bold**`', '<p><code>**not bold**</code></p>'],
    ['- one\n- two\n  more', '<ul><li>one</li><li>two more</li></ul>'],
    ['```\n<b>x</b>\n```', '<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>'],
    [
      '[docs](https://docs.cilium.io/x)',
      '<p><a href="https://docs.cilium.io/x" rel="noopener">docs</a></p>',
    ],
    ['[bad](javascript:alert(1))', '<p>[bad](javascript:alert(1))</p>'],
    ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['a *b* c', '<p>a <em>b</em> c</p>'],
    ['one\ntwo\n\nthree', '<p>one two</p>\n<p>three</p>'],
  ])('%j', (md, html) => {
    expect(renderMarkdown(md)).toBe(html);
  });

  test('a link cannot break out of its attribute', () => {
    expect(renderMarkdown('[x](https://a.b/"onmouseover=alert(1))')).not.toContain('"onmouseover');
  });
});
