/**
 * `curl`, as curl 8.17.0 in the curlimages/curl image (Alpine, OpenSSL, musl, threaded
 * resolver) prints it. The strings follow the 8.9–8.20 forms of the fidelity reference: the
 * connect failure reads `Failed to connect to HOST port P after N ms: …`, the strerror text is
 * `Could not connect to server`, `-v` says `Established connection to …` (8.16+) and
 * `Connection #0 to host H:P left intact` (8.16–8.19).
 *
 * Exit codes: 0 a transfer completed (any HTTP status, 403 from Cilium included), 1 unsupported
 * protocol or a non-HTTP answer, 2 a usage error, 3 a malformed URL, 6 the name did not resolve,
 * 7 the connection was refused, 22 `-f` and a status ≥ 400, 28 a timeout, 35 a TLS handshake
 * failure, 52 an empty reply, 60 an untrusted certificate.
 *
 * Timeouts: a dropped SYN is waited out as the kernel does (about 130 s, then exit 28 with
 * `Could not connect to server`) unless `--connect-timeout`/`-m` ends it first (exit 28,
 * `Timeout was reached`). DNS counts against those limits: a resolver still waiting when the
 * limit comes gives `Resolving timed out after N milliseconds`.
 *
 * The progress meter goes to stderr when stdout is not a terminal, or when the body goes to a
 * file (`-o`), unless `-s` (or `-v`, to keep transcripts readable) is given.
 */
import type { Probe } from '../../../engine/evaluate/probe.ts';
import {
  accessDenied,
  byteLength,
  plainHttpToTls,
  publicSite,
  type AppRequest,
  type HttpResponse,
} from '../../apps.ts';
import { err, out, type CommandResult, type OutputChunk } from '../../shell/types.ts';
import type { SimWorld } from '../../world.ts';
import {
  clientOf,
  hostTarget,
  isIPv4,
  localPort,
  nextId,
  outsideHint,
  stdoutIsTerminal,
  Timeline,
  timedOutText,
  type Client,
  type NetContext,
} from './common.ts';
import { connect, type ConnectOutcome } from './connect.ts';
import { resolveHost } from './resolve.ts';

export const CURL_VERSION = '8.17.0';
const USER_AGENT = `curl/${CURL_VERSION}`;
const TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information\n";
/** Time an application takes to answer a request (Envoy's own 403 is quicker). */
const RESPONSE_MS = 2;
const PROXY_RESPONSE_MS = 1;

// ---- options ---------------------------------------------------------------------------

export interface CurlOptions {
  urls: string[];
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  include: boolean;
  head: boolean;
  fail: boolean;
  failWithBody: boolean;
  insecure: boolean;
  location: boolean;
  get: boolean;
  json: boolean;
  noProgress: boolean;
  method?: string;
  headers: string[];
  data: string[];
  output?: string;
  writeOut?: string;
  maxTime?: number;
  connectTimeout?: number;
  retry: number;
  userAgent?: string;
  /** `--resolve host:port:address` entries, keyed `host:port`. */
  resolve: Map<string, string>;
  help: boolean;
  version: boolean;
}

type Setter = (o: CurlOptions, value: string) => string | undefined;
interface OptionSpec {
  arg: boolean;
  set: Setter;
}

const flag =
  (key: keyof CurlOptions): Setter =>
  (o) => {
    (o as unknown as Record<string, unknown>)[key] = true;
    return undefined;
  };

const seconds =
  (key: 'maxTime' | 'connectTimeout'): Setter =>
  (o, v) => {
    if (!/^(\d+(\.\d*)?|\.\d+)$/.test(v)) return 'expected a proper numerical parameter';
    o[key] = Number(v);
    return undefined;
  };

const addData: Setter = (o, v) => {
  o.data.push(v);
  return undefined;
};

const LONG: Record<string, OptionSpec> = {
  silent: { arg: false, set: flag('silent') },
  'show-error': { arg: false, set: flag('showError') },
  verbose: { arg: false, set: flag('verbose') },
  include: { arg: false, set: flag('include') },
  'show-headers': { arg: false, set: flag('include') },
  head: { arg: false, set: flag('head') },
  fail: { arg: false, set: flag('fail') },
  'fail-with-body': { arg: false, set: flag('failWithBody') },
  insecure: { arg: false, set: flag('insecure') },
  location: { arg: false, set: flag('location') },
  get: { arg: false, set: flag('get') },
  'no-progress-meter': { arg: false, set: flag('noProgress') },
  help: { arg: false, set: flag('help') },
  version: { arg: false, set: flag('version') },
  // Accepted without effect: the simulation speaks IPv4 and plain bodies anyway.
  ipv4: { arg: false, set: () => undefined },
  compressed: { arg: false, set: () => undefined },
  'http1.1': { arg: false, set: () => undefined },
  http2: { arg: false, set: () => undefined },
  'retry-connrefused': { arg: false, set: () => undefined },
  'retry-all-errors': { arg: false, set: () => undefined },
  // -q: do not read .curlrc (there is none here).
  disable: { arg: false, set: () => undefined },
  noproxy: { arg: true, set: () => undefined },
  'retry-delay': { arg: true, set: () => undefined },
  request: {
    arg: true,
    set: (o, v) => {
      o.method = v;
      return undefined;
    },
  },
  header: {
    arg: true,
    set: (o, v) => {
      o.headers.push(v);
      return undefined;
    },
  },
  data: { arg: true, set: addData },
  'data-raw': { arg: true, set: addData },
  'data-binary': { arg: true, set: addData },
  'data-ascii': { arg: true, set: addData },
  'data-urlencode': {
    arg: true,
    set: (o, v) => {
      const eq = v.indexOf('=');
      o.data.push(
        eq < 0 ? encodeURIComponent(v) : `${v.slice(0, eq)}=${encodeURIComponent(v.slice(eq + 1))}`,
      );
      return undefined;
    },
  },
  json: {
    arg: true,
    set: (o, v) => {
      o.data.push(v);
      o.json = true;
      return undefined;
    },
  },
  output: {
    arg: true,
    set: (o, v) => {
      o.output = v;
      return undefined;
    },
  },
  'write-out': {
    arg: true,
    set: (o, v) => {
      o.writeOut = v;
      return undefined;
    },
  },
  'max-time': { arg: true, set: seconds('maxTime') },
  'connect-timeout': { arg: true, set: seconds('connectTimeout') },
  retry: {
    arg: true,
    set: (o, v) => {
      if (!/^\d+$/.test(v)) return 'expected a proper numerical parameter';
      o.retry = Number(v);
      return undefined;
    },
  },
  'user-agent': {
    arg: true,
    set: (o, v) => {
      o.userAgent = v;
      return undefined;
    },
  },
  url: {
    arg: true,
    set: (o, v) => {
      o.urls.push(v);
      return undefined;
    },
  },
  resolve: {
    arg: true,
    set: (o, v) => {
      const m = /^([^:]+):(\d+):(.+)$/.exec(v);
      if (m) o.resolve.set(`${m[1]!.toLowerCase()}:${m[2]}`, m[3]!.replace(/^\[|\]$/g, ''));
      return undefined;
    },
  },
};

const SHORT: Record<string, string> = {
  s: 'silent',
  S: 'show-error',
  v: 'verbose',
  i: 'include',
  I: 'head',
  f: 'fail',
  k: 'insecure',
  L: 'location',
  G: 'get',
  h: 'help',
  V: 'version',
  '4': 'ipv4',
  q: 'disable',
  X: 'request',
  H: 'header',
  d: 'data',
  o: 'output',
  w: 'write-out',
  m: 'max-time',
  A: 'user-agent',
};

export type ParsedCurl = { ok: true; options: CurlOptions } | { ok: false; message: string };

export function parseCurlArgs(args: readonly string[]): ParsedCurl {
  const o: CurlOptions = {
    urls: [],
    silent: false,
    showError: false,
    verbose: false,
    include: false,
    head: false,
    fail: false,
    failWithBody: false,
    insecure: false,
    location: false,
    get: false,
    json: false,
    noProgress: false,
    headers: [],
    data: [],
    retry: 0,
    resolve: new Map(),
    help: false,
    version: false,
  };
  const apply = (
    shown: string,
    spec: OptionSpec,
    value: string | undefined,
  ): string | undefined => {
    if (spec.arg && value === undefined) return `curl: option ${shown}: requires parameter\n`;
    const problem = spec.set(o, value ?? '');
    return problem ? `curl: option ${shown}: ${problem}\n` : undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      o.urls.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const name = a.slice(2);
      const spec = LONG[name];
      if (!spec) return { ok: false, message: `curl: option ${a}: is unknown\n` };
      const problem = apply(a, spec, spec.arg ? args[++i] : undefined);
      if (problem) return { ok: false, message: problem };
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const long = SHORT[c];
        const spec = long ? LONG[long] : undefined;
        if (!spec) return { ok: false, message: `curl: option -${c}: is unknown\n` };
        if (spec.arg) {
          const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
          const problem = apply(`-${c}`, spec, value);
          if (problem) return { ok: false, message: problem };
          break;
        }
        const problem = apply(`-${c}`, spec, undefined);
        if (problem) return { ok: false, message: problem };
      }
      continue;
    }
    o.urls.push(a);
  }
  return { ok: true, options: o };
}

// ---- URLs ------------------------------------------------------------------------------

export interface CurlUrl {
  scheme: 'http' | 'https';
  /** The host as written in the URL (for messages). */
  host: string;
  port: number;
  /** Path and query, starting with `/`. */
  path: string;
  /** The Host header curl sends. */
  hostHeader: string;
  /** The URL as curl reports it (`url_effective`). */
  href: string;
}

export type UrlResult = { ok: true; url: CurlUrl } | { ok: false; code: number; message: string };

export function parseUrl(raw: string): UrlResult {
  let rest = raw.trim();
  let scheme = 'http';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  }
  if (scheme !== 'http' && scheme !== 'https')
    return { ok: false, code: 1, message: `Protocol "${m?.[1] ?? scheme}" not supported` };
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const cut = rest.search(/[/?]/);
  let authority = cut < 0 ? rest : rest.slice(0, cut);
  let path = cut < 0 ? '/' : rest.slice(cut);
  if (path.startsWith('?')) path = `/${path}`;
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority;
  let portText: string | undefined;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
  } else {
    const colon = authority.lastIndexOf(':');
    if (colon >= 0) {
      host = authority.slice(0, colon);
      portText = authority.slice(colon + 1);
    }
  }
  if (host === '') return { ok: false, code: 3, message: 'URL rejected: No host part in the URL' };
  if (!bracket && !/^[A-Za-z0-9._~-]+$/.test(host))
    return { ok: false, code: 3, message: 'URL rejected: Bad hostname' };
  const defaultPort = scheme === 'https' ? 443 : 80;
  let port = defaultPort;
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) > 65535)
      return {
        ok: false,
        code: 3,
        message: 'URL rejected: Port number was not a decimal number between 0 and 65535',
      };
    port = Number(portText);
  }
  const shownHost = bracket ? `[${host}]` : host;
  const hostHeader = port === defaultPort ? shownHost : `${shownHost}:${port}`;
  return {
    ok: true,
    url: {
      scheme: scheme as 'http' | 'https',
      host,
      port,
      path,
      hostHeader,
      href: `${scheme}://${hostHeader}${path}`,
    },
  };
}

// ---- one transfer ----------------------------------------------------------------------

/** What one transfer produced. */
interface Transfer {
  code: number;
  message?: string;
  /** The last response, if any. */
  response?: HttpResponse;
  /** Bytes of the body written (or that would have been). */
  bodyBytes: number;
  uploadBytes: number;
  remoteIp: string;
  remotePort: number;
  localPort: number;
  times: { namelookup: number; connect: number; start: number; total: number };
  url: CurlUrl;
  method: string;
  redirects: number;
}

interface Emit {
  stdout(text: string): void;
  stderr(text: string): void;
  /** A `-v` line: `* ` is put in front unless `raw` (request/response lines, data notes). */
  verbose(line: string, raw?: boolean, dataLine?: boolean): void;
}

interface RequestPlan {
  method: string;
  headers: [string, string][];
  body?: string;
  path: string;
}

function planRequest(o: CurlOptions, url: CurlUrl): RequestPlan {
  let path = url.path;
  let body: string | undefined = o.data.length > 0 ? o.data.join('&') : undefined;
  if (o.get && body !== undefined) {
    path += (path.includes('?') ? '&' : '?') + body;
    body = undefined;
  }
  const method = o.method ?? (o.head ? 'HEAD' : body !== undefined ? 'POST' : 'GET');
  const headers: [string, string][] = [
    ['Host', url.hostHeader],
    ['User-Agent', o.userAgent ?? USER_AGENT],
    ['Accept', o.json ? 'application/json' : '*/*'],
  ];
  const custom: [string, string][] = [];
  for (const h of o.headers) {
    const colon = h.indexOf(':');
    const semi = h.indexOf(';');
    if (colon < 0 && semi > 0 && semi === h.length - 1) {
      custom.push([h.slice(0, -1), '']);
      continue;
    }
    if (colon <= 0) continue;
    const name = h.slice(0, colon).trim();
    const value = h.slice(colon + 1).trim();
    const i = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (i >= 0) headers.splice(i, 1);
    if (value !== '') custom.push([name, value]);
  }
  headers.push(...custom);
  if (body !== undefined) {
    const has = (n: string) => headers.some(([k]) => k.toLowerCase() === n);
    if (!has('content-length')) headers.push(['Content-Length', String(byteLength(body))]);
    if (!has('content-type'))
      headers.push([
        'Content-Type',
        o.json ? 'application/json' : 'application/x-www-form-urlencoded',
      ]);
  }
  return { method, headers, path, ...(body !== undefined ? { body } : {}) };
}

function headerLines(r: HttpResponse): string[] {
  const status =
    r.protocol === 'HTTP/2' ? `HTTP/2 ${r.status} ` : `HTTP/1.1 ${r.status} ${r.reason}`;
  return [
    status,
    ...r.headers.map(([k, v]) =>
      r.protocol === 'HTTP/2' ? `${k.toLowerCase()}: ${v}` : `${k}: ${v}`,
    ),
  ];
}

function asHttp2(r: HttpResponse): HttpResponse {
  return {
    ...r,
    protocol: 'HTTP/2',
    headers: r.headers.filter(([k]) => !/^(connection|keep-alive|transfer-encoding)$/i.test(k)),
  };
}

/** The TLS part of `-v` for a handshake that succeeds (abridged, OpenSSL 3 wording). */
function tlsVerbose(host: string, trusted: boolean): string[] {
  const lines = [
    'ALPN: curl offers h2,http/1.1',
    'TLSv1.3 (OUT), TLS handshake, Client hello (1):',
    'TLSv1.3 (IN), TLS handshake, Server hello (2):',
    'TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):',
    'TLSv1.3 (IN), TLS handshake, Certificate (11):',
    'TLSv1.3 (IN), TLS handshake, CERT verify (15):',
    'TLSv1.3 (IN), TLS handshake, Finished (20):',
    'TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):',
    'TLSv1.3 (OUT), TLS handshake, Finished (20):',
    'SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / X25519MLKEM768 / RSASSA-PSS',
    'ALPN: server accepted h2',
    'Server certificate:',
    ` subject: CN=${host}`,
    ` subjectAltName: host "${host}" matched cert's "${host}"`,
  ];
  lines.push(
    trusted
      ? ' SSL certificate verify ok.'
      : ' SSL certificate verify result: unable to get local issuer certificate (20), continuing anyway.',
  );
  return lines;
}

const CERT_HELP = `More details here: https://curl.se/docs/sslcerts.html

curl failed to verify the legitimacy of the server and therefore could not
establish a secure connection to it. To learn more about this situation and
how to fix it, please visit the webpage mentioned above.
`;

function elapsedTimes(dns: number, conn: number, start: number, total: number) {
  return { namelookup: dns, connect: conn, start, total };
}

function runTransfer(
  world: SimWorld,
  tl: Timeline,
  client: Client,
  o: CurlOptions,
  url: CurlUrl,
  emit: Emit,
  redirects: number,
): Transfer {
  const t0 = tl.elapsed;
  const plan = planRequest(o, url);
  const id = nextId(world, 'curl');
  const lport = localPort(id);
  const base: Transfer = {
    code: 0,
    bodyBytes: 0,
    uploadBytes: 0,
    remoteIp: '',
    remotePort: 0,
    localPort: 0,
    times: elapsedTimes(0, 0, 0, 0),
    url,
    method: plan.method,
    redirects,
  };
  const since = () => tl.elapsed - t0;
  const finish = (t: Partial<Transfer>): Transfer => {
    const total = since();
    return { ...base, ...t, times: { ...base.times, ...(t.times ?? {}), total } };
  };
  const limit = [o.connectTimeout, o.maxTime].filter((x): x is number => x !== undefined);
  const connectBudget = limit.length > 0 ? Math.round(Math.min(...limit) * 1000) : undefined;
  const deadline = connectBudget !== undefined ? t0 + connectBudget : undefined;

  // Name resolution.
  const pinned = o.resolve.get(`${url.host.toLowerCase()}:${url.port}`);
  let address: string;
  let v6: string[] = [];
  let fqdn: string | undefined;
  if (pinned) {
    address = pinned;
    emit.verbose(`Added ${url.host}:${url.port}:${pinned} to DNS cache`);
    emit.verbose(`Hostname ${url.host} was found in DNS cache`);
  } else {
    const res = resolveHost(world, tl, client, url.host, {
      id,
      ...(deadline !== undefined ? { deadline } : {}),
      deferPublicA: true,
    });
    if (!res.ok) {
      if (res.error === 'deadline') {
        const message = `Resolving timed out after ${since()} milliseconds`;
        emit.verbose(message);
        emit.verbose('closing connection #0');
        return finish({ code: 28, message });
      }
      const message = `Could not resolve host: ${url.host}`;
      emit.verbose(message);
      emit.verbose('shutting down connection #0');
      return finish({ code: 6, message });
    }
    address = res.addresses[0] ?? '';
    v6 = res.v6;
    if (res.source === 'public') fqdn = res.canonical;
    if (res.source !== 'literal') {
      emit.verbose(`Host ${url.host}:${url.port} was resolved.`);
      emit.verbose(`IPv6: ${v6.length > 0 ? v6.join(', ') : '(none)'}`);
      emit.verbose(`IPv4: ${res.addresses.join(', ')}`);
    }
    if (address === '') {
      const message = `Could not resolve host: ${url.host}`;
      return finish({ code: 6, message });
    }
  }
  const dnsMs = since();
  emit.verbose(`  Trying ${address}:${url.port}...`);
  const outcome: ConnectOutcome = connect(
    world,
    tl,
    client,
    { host: url.host, address, ...(fqdn ? { fqdn } : {}) },
    url.port,
    { id, ...(deadline !== undefined ? { deadline } : {}) },
  );
  const where = `${url.host} port ${url.port}`;
  if (outcome.kind === 'timeout') {
    if (outcome.reason === 'deadline') {
      tl.wait(1); // curl notices the expired timer a moment later
      emit.verbose(`ipv4 connect timeout after ${since() - dnsMs - 1}ms, move on!`);
      const message = `Failed to connect to ${where} after ${since()} ms: Timeout was reached`;
      emit.verbose(message);
      emit.verbose('closing connection #0');
      return finish({ code: 28, message, remoteIp: address, remotePort: url.port });
    }
    tl.wait(1);
    emit.verbose(
      `connect to ${address} port ${url.port} from ${client.ip} port ${lport} failed: ${timedOutText(client.libc)}`,
    );
    const message = `Failed to connect to ${where} after ${since()} ms: Could not connect to server`;
    emit.verbose(message);
    emit.verbose('closing connection #0');
    return finish({ code: 28, message, remoteIp: address, remotePort: url.port });
  }
  if (outcome.kind === 'refused') {
    emit.verbose(
      `connect to ${address} port ${url.port} from ${client.ip} port ${lport} failed: Connection refused`,
    );
    const message = `Failed to connect to ${where} after ${since()} ms: Could not connect to server`;
    emit.verbose(message);
    emit.verbose('closing connection #0');
    return finish({ code: 7, message, remoteIp: address, remotePort: url.port });
  }
  const connectMs = since();
  emit.verbose(
    `Established connection to ${url.host} (${address} port ${url.port}) from ${client.ip} port ${lport} `,
  );
  const conn = {
    remoteIp: address,
    remotePort: url.port,
    localPort: lport,
  };
  const listener = outcome.listener;
  let http2 = false;
  if (url.scheme === 'https') {
    if (listener.speaks !== 'https') {
      outcome.record();
      const message =
        listener.speaks === 'close'
          ? `OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to ${url.host}:${url.port} `
          : 'TLS connect error: error:0A00010B:SSL routines::wrong version number';
      emit.verbose('ALPN: curl offers h2,http/1.1');
      emit.verbose('TLSv1.3 (OUT), TLS handshake, Client hello (1):');
      emit.verbose(message);
      emit.verbose('closing connection #0');
      return finish({ code: 35, message, ...conn });
    }
    const trusted = outcome.peer.kind === 'world';
    for (const line of tlsVerbose(url.host, trusted)) emit.verbose(line);
    if (!trusted && !o.insecure) {
      outcome.record();
      const message = 'SSL certificate problem: unable to get local issuer certificate';
      emit.verbose(message);
      emit.verbose('closing connection #0');
      return finish({ code: 60, message: `${message}\n${CERT_HELP}`, ...conn });
    }
    http2 = true;
  }
  if (http2) emit.verbose('using HTTP/2');
  const requestLine = `${plan.method} ${plan.path} ${http2 ? 'HTTP/2' : 'HTTP/1.1'}`;
  emit.verbose(`> ${requestLine}`, true);
  for (const [k, v] of plan.headers) emit.verbose(`> ${k}: ${v}`, true);
  emit.verbose('> ', true);
  const upload = plan.body !== undefined ? byteLength(plan.body) : 0;
  if (plan.body !== undefined) emit.verbose(`upload completely sent off: ${upload} bytes`);
  else emit.verbose('Request completely sent off');

  // The request, through any proxy on the way.
  const headers: Record<string, string> = {};
  for (const [k, v] of plan.headers) if (k.toLowerCase() !== 'host') headers[k] = v;
  const host = plan.headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? url.hostHeader;
  const req: AppRequest = {
    method: plan.method,
    path: plan.path,
    host,
    headers,
    ...(plan.body !== undefined ? { body: plan.body } : {}),
  };
  const now = () => world.clock.date();
  // What the application would answer, so Hubble's response record carries its real status.
  const served =
    listener.serve &&
    listener.speaks !== 'grpc' &&
    listener.speaks !== 'binary' &&
    listener.speaks !== 'close' &&
    listener.speaks !== 'dns' &&
    !(listener.speaks === 'https' && url.scheme === 'http')
      ? listener.serve(req, {
          now: now(),
          ...(outcome.peer.kind === 'pod' ? { pod: outcome.peer.pod } : {}),
        })
      : undefined;
  // TLS hides the request from an HTTP proxy: only the connection is seen.
  const recorded = outcome.record(
    url.scheme === 'http'
      ? ({ method: req.method, path: req.path, host, headers } as Probe['http'])
      : undefined,
    served?.status,
  );
  let response: HttpResponse;
  if (recorded?.l7?.protocol === 'http' && !recorded.l7.allowed) {
    tl.wait(PROXY_RESPONSE_MS);
    response = accessDenied(now());
  } else if (listener.speaks === 'grpc' || listener.speaks === 'binary') {
    tl.wait(RESPONSE_MS);
    const message = 'Received HTTP/0.9 when not allowed';
    emit.verbose(message);
    emit.verbose('closing connection #0');
    return finish({ code: 1, message, uploadBytes: upload, ...conn });
  } else if (listener.speaks === 'close' || listener.speaks === 'dns' || !listener.serve) {
    tl.wait(RESPONSE_MS);
    const message = 'Empty reply from server';
    emit.verbose(message);
    emit.verbose('shutting down connection #0');
    return finish({ code: 52, message, uploadBytes: upload, ...conn });
  } else if (listener.speaks === 'https' && url.scheme === 'http') {
    tl.wait(RESPONSE_MS);
    response = plainHttpToTls();
  } else {
    tl.wait(RESPONSE_MS);
    response =
      served ??
      listener.serve(req, {
        now: now(),
        ...(outcome.peer.kind === 'pod' ? { pod: outcome.peer.pod } : {}),
      });
  }
  if (http2) response = asHttp2(response);
  const startMs = since();
  for (const line of headerLines(response)) emit.verbose(`< ${line}`, true);
  emit.verbose('< ', true);

  const failed = (o.fail || o.failWithBody) && response.status >= 400;
  const showHeaders = o.include || o.head;
  const isRedirect = o.location && [301, 302, 303, 307, 308].includes(response.status);
  if (showHeaders) {
    let text = '';
    for (const line of headerLines(response)) text += `${line}\r\n`;
    if (!(failed && !o.failWithBody)) emit.stdout(`${text}\r\n`);
  }
  let bodyBytes = 0;
  if (!o.head && !isRedirect && plan.method !== 'HEAD') {
    bodyBytes = byteLength(response.body);
    if (!(failed && !o.failWithBody)) {
      if (bodyBytes > 0) emit.verbose(`{ [${bodyBytes} bytes data]`, false, true);
      if (o.output === undefined || o.output === '-') emit.stdout(response.body);
    }
  }
  if (failed) {
    const message = `The requested URL returned error: ${response.status}`;
    emit.verbose(message);
    emit.verbose('closing connection #0');
    return finish({
      code: 22,
      message,
      response,
      bodyBytes,
      uploadBytes: upload,
      ...conn,
      times: elapsedTimes(dnsMs, connectMs, startMs, 0),
    });
  }
  emit.verbose(`Connection #0 to host ${url.host}:${url.port} left intact`);
  return finish({
    response,
    bodyBytes,
    uploadBytes: upload,
    ...conn,
    times: elapsedTimes(dnsMs, connectMs, startMs, 0),
  });
}

// ---- --write-out -----------------------------------------------------------------------

const secondsText = (ms: number) => (ms / 1000).toFixed(6);

export function writeOut(
  format: string,
  t: Transfer,
  client: Client,
): { stdout: string; stderr: string; unknown: string[] } {
  let stdout = '';
  let stderr = '';
  let toErr = false;
  const unknown: string[] = [];
  const put = (s: string) => (toErr ? (stderr += s) : (stdout += s));
  const r = t.response;
  const vars: Record<string, () => string> = {
    http_code: () => String(r?.status ?? 0).padStart(3, '0'),
    response_code: () => String(r?.status ?? 0).padStart(3, '0'),
    http_version: () => (r ? (r.protocol === 'HTTP/2' ? '2' : '1.1') : '0'),
    exitcode: () => String(t.code),
    errormsg: () => (t.code === 0 ? '' : (t.message ?? '').split('\n')[0]!),
    content_type: () => r?.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '',
    method: () => t.method,
    num_connects: () => (t.remoteIp && t.code !== 6 ? '1' : '0'),
    num_redirects: () => String(t.redirects),
    remote_ip: () => t.remoteIp,
    remote_port: () => (t.remotePort ? String(t.remotePort) : '0'),
    local_ip: () => (t.remoteIp ? client.ip : ''),
    local_port: () => (t.localPort ? String(t.localPort) : '0'),
    scheme: () => t.url.scheme,
    size_download: () => String(t.bodyBytes),
    size_upload: () => String(t.uploadBytes),
    size_header: () =>
      String(
        r
          ? byteLength(
              headerLines(r)
                .map((l) => `${l}\r\n`)
                .join('') + '\r\n',
            )
          : 0,
      ),
    speed_download: () =>
      String(t.times.total > 0 ? Math.round(t.bodyBytes / (t.times.total / 1000)) : 0),
    time_namelookup: () => secondsText(t.times.namelookup),
    time_connect: () => secondsText(t.times.connect),
    time_appconnect: () => secondsText(t.url.scheme === 'https' ? t.times.connect : 0),
    time_pretransfer: () => secondsText(t.times.connect),
    time_starttransfer: () => secondsText(t.times.start),
    time_redirect: () => secondsText(0),
    time_total: () => secondsText(t.times.total),
    url: () => t.url.href,
    url_effective: () => t.url.href,
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '\\' && i + 1 < format.length) {
      const n = format[++i]!;
      put(n === 'n' ? '\n' : n === 'r' ? '\r' : n === 't' ? '\t' : n === '\\' ? '\\' : `\\${n}`);
      continue;
    }
    if (c === '%' && format[i + 1] === '%') {
      put('%');
      i++;
      continue;
    }
    if (c === '%' && format[i + 1] === '{') {
      const end = format.indexOf('}', i);
      if (end < 0) {
        put(format.slice(i));
        break;
      }
      const name = format.slice(i + 2, end);
      i = end;
      if (name === 'stderr') toErr = true;
      else if (name === 'stdout') toErr = false;
      else if (vars[name]) put(vars[name]());
      else unknown.push(name);
      continue;
    }
    if (c === '%' && format.startsWith('%header{', i)) {
      const end = format.indexOf('}', i);
      if (end > 0) {
        const name = format.slice(i + 8, end).toLowerCase();
        put(r?.headers.find(([k]) => k.toLowerCase() === name)?.[1] ?? '');
        i = end;
        continue;
      }
    }
    put(c);
  }
  return { stdout, stderr, unknown };
}

// ---- the progress meter ----------------------------------------------------------------

function max5(n: number): string {
  if (n < 100000) return String(Math.round(n)).padStart(5);
  if (n < 10000 * 1024) return `${String(Math.floor(n / 1024)).padStart(4)}k`;
  return `${String(Math.floor(n / 1024 / 1024)).padStart(4)}M`;
}

function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2)}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function progressMeter(t: Transfer): string {
  const header =
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
    '                                 Dload  Upload   Total   Spent    Left  Speed\n';
  const done = t.code === 0 || t.code === 22;
  const size = t.bodyBytes;
  const secs = Math.max(t.times.total, 1) / 1000;
  const speed = done ? size / secs : 0;
  const pct = (have: number, total: number) =>
    String(total > 0 ? Math.floor((have * 100) / total) : 0).padStart(3);
  const line =
    `${pct(size, size)} ${max5(size)}  ${pct(size, size)} ${max5(size)}  ${pct(t.uploadBytes, t.uploadBytes)} ${max5(t.uploadBytes)}  ` +
    `${max5(speed)}  ${max5(done && t.uploadBytes ? t.uploadBytes / secs : 0)} ` +
    `${done ? '--:--:--' : '--:--:--'} ${t.times.total >= 1000 ? clock(t.times.total) : '--:--:--'} --:--:-- ${max5(speed)}`;
  return `${header}${line}\n`;
}

// ---- the command -----------------------------------------------------------------------

export const CURL_HELP = [
  'transfer a URL (curl 8 in curlimages/curl): curl [options] URL',
  '  -s silent (no meter, no errors)   -S show errors even with -s   -v verbose',
  '  -i show response headers          -I HEAD request, headers only',
  '  -X METHOD   -H "Name: value"   -d DATA (POST)   --json DATA',
  '  -o FILE (/dev/null discards the body)   -w FORMAT, e.g. -w "%{http_code}\\n"',
  '  -m SECS total time limit   --connect-timeout SECS   --retry N',
  '  -f exit 22 on HTTP errors   -k accept any certificate   -L follow redirects',
  'exit codes: 6 name not resolved, 7 connection refused, 22 HTTP error with -f,',
  '  28 timeout (a dropped SYN), 52 empty reply; a 403 from a Cilium L7 rule exits 0.',
].join('\n');

const USAGE_TEXT = `Usage: curl [options...] <url>
 -d, --data <data>           HTTP POST data
 -f, --fail                  Fail fast with no output on HTTP errors
 -h, --help <subject>        Get help for commands
 -H, --header <header>       Pass custom header(s) to server
 -i, --include               Show response headers in output
 -I, --head                  Show document info only
 -k, --insecure              Allow insecure server connections
 -L, --location              Follow redirects
 -m, --max-time <seconds>    Maximum time allowed for transfer
 -o, --output <file>         Write to file instead of stdout
 -s, --silent                Silent mode
 -S, --show-error            Show error even when -s is used
 -v, --verbose               Make the operation more talkative
 -w, --write-out <format>    Output FORMAT after completion
 -X, --request <method>      Specify request method to use
     --connect-timeout <s>   Maximum time allowed to connect
     --json <data>           HTTP POST JSON
     --retry <num>           Retry request if transient problems occur
`;

export function curl(ctx: NetContext): CommandResult {
  const parsed = parseCurlArgs(ctx.argv.slice(1));
  if (!parsed.ok) return { out: [err(parsed.message), err(TRY_HELP)], exitCode: 2 };
  const o = parsed.options;
  if (o.help) return { out: [out(USAGE_TEXT)], exitCode: 0 };
  if (o.version)
    return {
      out: [
        out(
          `curl ${CURL_VERSION} (x86_64-pc-linux-musl) libcurl/${CURL_VERSION} OpenSSL/3.5.4 zlib/1.3.1 brotli/1.1.0 zstd/1.5.7 libidn2/2.3.7 libpsl/0.21.5 libssh2/1.11.1 nghttp2/1.65.0\nRelease-Date: 2025-11-05\nProtocols: dict file ftp ftps gopher gophers http https imap imaps ipfs ipns mqtt pop3 pop3s rtsp scp sftp smb smbs smtp smtps telnet tftp ws wss\nFeatures: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile libz NTLM PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd\n`,
        ),
      ],
      exitCode: 0,
    };
  if (o.urls.length === 0)
    return { out: [err('curl: no URL specified\n'), err(TRY_HELP)], exitCode: 2 };

  const chunks: OutputChunk[] = [];
  const showErrors = !o.silent || o.showError;
  const tty = stdoutIsTerminal(ctx);
  const meter =
    !o.silent &&
    !o.noProgress &&
    !o.verbose &&
    (!tty || (o.output !== undefined && o.output !== '-'));
  const emit: Emit = {
    stdout: (text) => chunks.push(out(text)),
    stderr: (text) => chunks.push(err(text)),
    verbose: (line, raw, dataLine) => {
      if (!o.verbose) return;
      // `{ [N bytes data]` only appears when the output is not a terminal.
      if (dataLine && tty) return;
      chunks.push(err(raw || dataLine ? `${line}\n` : `* ${line}\n`));
    },
  };
  const world = ctx.world;
  const tl = new Timeline(world);
  const loc = ctx.shell.location;
  let exitCode = 0;

  for (const raw of o.urls) {
    const parsedUrl = parseUrl(raw);
    if (!parsedUrl.ok) {
      if (o.verbose) chunks.push(err(`* ${parsedUrl.message}\n`));
      if (showErrors) chunks.push(err(`curl: (${parsedUrl.code}) ${parsedUrl.message}\n`));
      exitCode = parsedUrl.code;
      continue;
    }
    let url = parsedUrl.url;
    if (loc.kind === 'host') {
      exitCode = fromHost(world, o, url, chunks, showErrors);
      continue;
    }
    const client = clientOf(world, loc);
    let attempt = 0;
    let redirects = 0;
    let sleep = 1000;
    for (;;) {
      const t = runTransfer(world, tl, client, o, url, emit, redirects);
      const loc2 = t.response?.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
      if (
        t.code === 0 &&
        o.location &&
        loc2 &&
        [301, 302, 303, 307, 308].includes(t.response!.status)
      ) {
        redirects++;
        if (redirects > 50) {
          if (showErrors) chunks.push(err('curl: (47) Maximum (50) redirects followed\n'));
          exitCode = 47;
          break;
        }
        const next = loc2.startsWith('/') ? `${url.scheme}://${url.hostHeader}${loc2}` : loc2;
        const p = parseUrl(next);
        if (!p.ok) break;
        if (o.verbose) chunks.push(err(`* Issue another request to this URL: '${p.url.href}'\n`));
        url = p.url;
        continue;
      }
      const transient =
        t.code === 28 ||
        (t.response !== undefined && [408, 429, 500, 502, 503, 504].includes(t.response.status));
      if (transient && attempt < o.retry) {
        attempt++;
        const left = o.retry - attempt + 1;
        if (!o.silent)
          chunks.push(
            err(
              `Warning: Problem ${t.code === 28 ? ': timeout' : ': HTTP error'}. Will retry in ${sleep / 1000} second${sleep === 1000 ? '' : 's'}. ${left} retr${left > 1 ? 'ies' : 'y'} left.\n`,
            ),
          );
        tl.wait(sleep);
        sleep = Math.min(sleep * 2, 600_000);
        continue;
      }
      if (meter) chunks.push(err(progressMeter(t)));
      if (o.writeOut !== undefined) {
        const w = writeOut(o.writeOut, t, client);
        for (const name of w.unknown)
          chunks.push(err(`curl: unknown --write-out variable: '${name}'\n`));
        if (w.stdout) chunks.push(out(w.stdout));
        if (w.stderr) chunks.push(err(w.stderr));
      }
      if (t.code !== 0 && showErrors) chunks.push(err(`curl: (${t.code}) ${t.message ?? ''}\n`));
      exitCode = t.code;
      break;
    }
  }
  return { out: chunks, exitCode, elapsedMs: tl.elapsed };
}

/** curl on the learner's machine: public sites answer, the cluster is out of reach. */
function fromHost(
  world: SimWorld,
  o: CurlOptions,
  url: CurlUrl,
  chunks: OutputChunk[],
  showErrors: boolean,
): number {
  const target = hostTarget(world, url.host);
  if (target.kind !== 'public') {
    const code = target.kind === 'cluster' && isIPv4(url.host) ? 28 : 6;
    if (showErrors) {
      chunks.push(
        err(
          code === 6
            ? `curl: (6) Could not resolve host: ${url.host}\n`
            : `curl: (28) Failed to connect to ${url.host} port ${url.port} after 0 ms: Could not connect to server\n`,
        ),
      );
      if (target.kind === 'cluster') chunks.push(outsideHint('curl'));
    }
    return code;
  }
  const site = url.port === 80 || url.port === 443 ? url.port : 0;
  if (site === 0) {
    if (showErrors)
      chunks.push(
        err(
          `curl: (28) Failed to connect to ${url.host} port ${url.port} after 0 ms: Could not connect to server\n`,
        ),
      );
    return 28;
  }
  const plan = planRequest(o, url);
  const headers: Record<string, string> = {};
  for (const [k, v] of plan.headers) headers[k] = v;
  let response = publicSite(target.name).serve!(
    { method: plan.method, path: plan.path, host: url.hostHeader, headers },
    { now: world.clock.date() },
  );
  if (url.scheme === 'https') response = asHttp2(response);
  if (o.include || o.head) {
    let text = '';
    for (const line of headerLines(response)) text += `${line}\r\n`;
    chunks.push(out(`${text}\r\n`));
  }
  if (!o.head && plan.method !== 'HEAD' && o.output === undefined) chunks.push(out(response.body));
  return 0;
}
