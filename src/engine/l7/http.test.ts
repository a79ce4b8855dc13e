/**
 * HTTP rule matching (brief §39–§42).
 *
 * | rule                              | request              | match | why                               |
 * |-----------------------------------|----------------------|-------|-----------------------------------|
 * | path /discount                    | /discount/x          | no    | whole-value match                 |
 * | path /discount(/.*)?              | /discount/x          | yes   | the regex says so                 |
 * | method GET                        | get                  | no    | case-sensitive                    |
 * | method GET|HEAD                   | HEAD                 | yes   | method is a regex                 |
 * | path /a                           | /a?x=1               | no    | :path carries the query string    |
 * | host foo.bar.com                  | fooXbar.com          | yes   | unescaped dot                     |
 * | headers ["X-Token: a.*"]          | X-Token: abc         | no    | header values are exact           |
 * | headers ["X-Token"]               | any X-Token          | yes   | presence only                     |
 */
import { describe, expect, test } from 'vitest';
import { httpRuleMatches, parseHeaderRule, type HttpRequest, type HttpRule } from './http.ts';

const req = (over: Partial<HttpRequest> = {}): HttpRequest => ({
  method: 'GET',
  path: '/',
  host: 'web',
  headers: {},
  ...over,
});

const CASES: [string, HttpRule, Partial<HttpRequest>, boolean][] = [
  ['empty rule matches anything', {}, { method: 'DELETE', path: '/x' }, true],
  ['path literal, same path', { path: '/discount' }, { path: '/discount' }, true],
  [
    'path literal does not match a longer path',
    { path: '/discount' },
    { path: '/discount/x' },
    false,
  ],
  ['path literal is not a prefix', { path: '/' }, { path: '/metrics' }, false],
  ['path regex with optional tail', { path: '/discount(/.*)?' }, { path: '/discount/x' }, true],
  ['path regex .* prefix', { path: '/api/.*' }, { path: '/api/v1/users' }, true],
  ['path includes the query string', { path: '/a' }, { path: '/a?x=1' }, false],
  ['method literal', { method: 'GET' }, { method: 'GET' }, true],
  ['method is case-sensitive', { method: 'GET' }, { method: 'get' }, false],
  ['method regex alternative', { method: 'GET|HEAD' }, { method: 'HEAD' }, true],
  ['HEAD is not GET', { method: 'GET' }, { method: 'HEAD' }, false],
  ['method and path ANDed', { method: 'GET', path: '/' }, { method: 'POST', path: '/' }, false],
  ['path is case-sensitive', { path: '/api' }, { path: '/API' }, false],
  ['host unescaped dot matches any char', { host: 'foo.bar.com' }, { host: 'fooXbar.com' }, true],
  ['host must match whole authority', { host: 'web' }, { host: 'web:8080' }, false],
  ['header exact value', { headers: ['X-Token: abc'] }, { headers: { 'x-token': 'abc' } }, true],
  [
    'header value is not a regex',
    { headers: ['X-Token: a.*'] },
    { headers: { 'X-Token': 'abc' } },
    false,
  ],
  [
    'header value must be equal',
    { headers: ['X-Token: abc'] },
    { headers: { 'X-Token': 'abcd' } },
    false,
  ],
  ['header missing', { headers: ['X-Token: abc'] }, {}, false],
  ['header presence only', { headers: ['X-Token'] }, { headers: { 'X-TOKEN': 'whatever' } }, true],
  ['header presence, missing', { headers: ['X-Token'] }, {}, false],
  [
    'header name with colon and no value is taken whole, so it never matches',
    { headers: ['X-Token:'] },
    { headers: { 'x-token': 'abc' } },
    false,
  ],
  [
    'all trailing colons leave the name',
    { headers: ['X-Token:: abc'] },
    { headers: { 'x-token': 'abc' } },
    true,
  ],
  [
    'headerMatches value',
    { headerMatches: [{ name: 'X-Env', value: 'prod' }] },
    { headers: { 'x-env': 'prod' } },
    true,
  ],
  [
    'headerMatches wrong value',
    { headerMatches: [{ name: 'X-Env', value: 'prod' }] },
    { headers: { 'x-env': 'dev' } },
    false,
  ],
  [
    'headerMatches presence',
    { headerMatches: [{ name: 'X-Env' }] },
    { headers: { 'x-env': 'dev' } },
    true,
  ],
  [
    'headerMatches missing secret fails',
    { headerMatches: [{ name: 'X-Key', secret: { name: 's' } }] },
    { headers: { 'x-key': 'k' } },
    false,
  ],
  [
    'headerMatches missing secret falls back on the value',
    { headerMatches: [{ name: 'X-Key', value: 'k', secret: { name: 's' } }] },
    { headers: { 'x-key': 'k' } },
    true,
  ],
  [
    'headerMatches missing secret fails even with a mismatch action',
    { headerMatches: [{ name: 'X-Key', secret: { name: 's' }, mismatch: 'LOG' }] },
    { headers: { 'x-key': 'k' } },
    false,
  ],
  [
    'headerMatches empty value asks for presence',
    { headerMatches: [{ name: 'X-Env', value: '' }] },
    { headers: { 'x-env': 'dev' } },
    true,
  ],
  [
    'headerMatches LOG keeps matching',
    { headerMatches: [{ name: 'X-Env', value: 'prod', mismatch: 'LOG' }] },
    { headers: { 'x-env': 'dev' } },
    true,
  ],
  [
    'headerMatches REPLACE keeps matching',
    { headerMatches: [{ name: 'X-Env', value: 'prod', mismatch: 'REPLACE' }] },
    {},
    true,
  ],
  ['an invalid regex matches nothing', { path: '(' }, { path: '(' }, false],
];

describe('httpRuleMatches', () => {
  test.each(CASES)('%s', (_name, rule, over, expected) => {
    expect(httpRuleMatches(rule, req(over))).toBe(expected);
  });
});

describe('parseHeaderRule', () => {
  test.each([
    ['X-Token: abc', { name: 'X-Token', value: 'abc' }],
    ['X-Token abc def', { name: 'X-Token', value: 'abc def' }],
    ['X-Token', { name: 'X-Token' }],
    ['X-Token:', { name: 'X-Token:' }],
    ['X-Token:: abc', { name: 'X-Token', value: 'abc' }],
  ])('%s', (entry, expected) => {
    expect(parseHeaderRule(entry)).toEqual(expected);
  });
});

describe('hostile patterns', () => {
  test('(a+)+$ against 100,000 characters finishes in milliseconds', () => {
    const t0 = performance.now();
    expect(httpRuleMatches({ path: '(a+)+$' }, req({ path: `${'a'.repeat(100000)}!` }))).toBe(
      false,
    );
    expect(httpRuleMatches({ path: '(x+x+)+y' }, req({ path: 'x'.repeat(50000) }))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
