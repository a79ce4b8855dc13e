/**
 * What the simulated applications answer: which ports a pod listens on and what each server
 * says to a request, chosen from the pod's images and labels. Pure data and functions; the
 * network tools (curl, nc ...) decide reachability through the policy engine first and only then
 * ask here what the server at the other end does.
 *
 * Rules of thumb:
 *   - A known application listens on the ports its program binds, whatever the manifest declares
 *     (a `containerPort` is only informational in Kubernetes): nginx answers on 80 even when the
 *     pod declares 8080, and 8080 is refused.
 *   - An unknown image listens on every TCP port its containers declare and answers HTTP with a
 *     small echo of the request, so lessons can use any made-up image name.
 *   - Public addresses (the lesson's DNS zone, or any address outside the cluster) answer like a
 *     plain web site on 80 and 443.
 */
import type { ClusterNode, Pod } from '../engine/cluster/model.ts';
import { fnv1a } from '../engine/hash.ts';
import { imageRepository } from './shell/state.ts';

/** A request as the server receives it. */
export interface AppRequest {
  method: string;
  /** Path with the query string, e.g. `/api/vote?choice=:joy:`. */
  path: string;
  host: string;
  /** Header names as sent. */
  headers: Readonly<Record<string, string>>;
  body?: string;
}

export interface HttpResponse {
  protocol: 'HTTP/1.1' | 'HTTP/2';
  status: number;
  /** The reason phrase after the code (HTTP/1.1 only). */
  reason: string;
  /** In the order the server writes them. */
  headers: [string, string][];
  body: string;
}

/** What the server at the other end does when something connects. */
export type Speaks =
  /** An HTTP/1.1 server. */
  | 'http'
  /** A TLS server with HTTP inside (HTTP/2 when the client offers it). */
  | 'https'
  /** A server that only speaks HTTP/2 with prior knowledge (gRPC): curl sees binary frames. */
  | 'grpc'
  /** A server that reads what it got, finds it is not its protocol and closes: an empty reply. */
  | 'close'
  /** A server that answers bytes that are not HTTP (Redis errors, SSH banners). */
  | 'binary'
  /** A DNS server. */
  | 'dns';

export interface AppEnv {
  /** Simulated time, for Date headers. */
  now: Date;
  /** The pod that answers (absent for public sites and nodes). */
  pod?: Pod;
}

export type Handler = (req: AppRequest, env: AppEnv) => HttpResponse;

/** Something listening on a port. */
export interface Listener {
  /** Short name of the application, for messages and tests. */
  app: string;
  speaks: Speaks;
  /** The HTTP answers, for `http` and `https` listeners. */
  serve?: Handler;
}

// ---- HTTP helpers -------------------------------------------------------------------------

const REASONS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  418: "I'm a teapot",
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? '';
}

/** `Mon, 02 Mar 2026 09:00:00 GMT`, the HTTP date format. */
export function httpDate(d: Date): string {
  return d.toUTCString();
}

/** Length in bytes of a UTF-8 text. */
export function byteLength(text: string): number {
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

function response(
  status: number,
  headers: [string, string][],
  body: string,
  reason = reasonPhrase(status),
): HttpResponse {
  return { protocol: 'HTTP/1.1', status, reason, headers, body };
}

/** A HEAD request gets the headers of the GET answer and no body. */
function headless(req: AppRequest, r: HttpResponse): HttpResponse {
  return req.method === 'HEAD' ? { ...r, body: '' } : r;
}

/** Splits `/a/b?x=1` into path and query parameters. */
export function splitQuery(path: string): { path: string; query: Map<string, string> } {
  const q = path.indexOf('?');
  const query = new Map<string, string>();
  if (q < 0) return { path, query };
  for (const part of path.slice(q + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    query.set(decodeComponent(k), decodeComponent(v));
  }
  return { path: path.slice(0, q), query };
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Headers a Go net/http server writes: the handler's, then Date, then the length. */
function goResponse(
  status: number,
  contentType: string,
  body: string,
  env: AppEnv,
  extra: [string, string][] = [],
): HttpResponse {
  const headers: [string, string][] = [...extra, ['Content-Type', contentType]];
  headers.push(['Date', httpDate(env.now)]);
  // Go buffers 2048 bytes before it gives up on a Content-Length and chunks the body.
  if (byteLength(body) <= 2048) headers.push(['Content-Length', String(byteLength(body))]);
  else headers.push(['Transfer-Encoding', 'chunked']);
  return response(status, headers, body);
}

// ---- nginx --------------------------------------------------------------------------------

export const NGINX_VERSION = '1.27.5';

export const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

function nginxError(status: number, title: string, env: AppEnv): HttpResponse {
  const body = `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx/${NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n`;
  return response(
    status,
    [
      ['Server', `nginx/${NGINX_VERSION}`],
      ['Date', httpDate(env.now)],
      ['Content-Type', 'text/html'],
      ['Content-Length', String(byteLength(body))],
      ['Connection', 'keep-alive'],
    ],
    body,
    title,
  );
}

/** The index file's modification time, as the image was built. */
const NGINX_MTIME = Date.UTC(2025, 3, 16, 12, 1, 11);

const nginx: Handler = (req, env) => {
  const { path } = splitQuery(req.path);
  if (path !== '/' && path !== '/index.html') {
    return headless(req, nginxError(404, 'Not Found', env));
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return nginxError(405, 'Not Allowed', env);
  const size = byteLength(NGINX_WELCOME);
  return headless(
    req,
    response(
      200,
      [
        ['Server', `nginx/${NGINX_VERSION}`],
        ['Date', httpDate(env.now)],
        ['Content-Type', 'text/html'],
        ['Content-Length', String(size)],
        ['Last-Modified', httpDate(new Date(NGINX_MTIME))],
        ['Connection', 'keep-alive'],
        ['ETag', `"${(NGINX_MTIME / 1000).toString(16)}-${size.toString(16)}"`],
        ['Accept-Ranges', 'bytes'],
      ],
      NGINX_WELCOME,
    ),
  );
};

// ---- the Flask frontend of the Flask + PostgreSQL story ------------------------------------

const WERKZEUG = 'Werkzeug/3.1.3 Python/3.12.8';

function werkzeug(
  status: number,
  contentType: string,
  body: string,
  env: AppEnv,
  extra: [string, string][] = [],
): HttpResponse {
  return response(
    status,
    [
      ['Server', WERKZEUG],
      ['Date', httpDate(env.now)],
      ['Content-Type', contentType],
      ['Content-Length', String(byteLength(body))],
      ...extra,
      ['Connection', 'close'],
    ],
    body,
  );
}

export const FLASK_INDEX = `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>Temperature log</title>
</head>
<body>
<h1>Temperature log</h1>
<p>Latest readings stored in PostgreSQL (mydb-service:5432, database mydb):</p>
<table>
<tr><th>taken at</th><th>room</th><th>&deg;C</th></tr>
<tr><td>2026-03-02 08:00</td><td>lab</td><td>19.5</td></tr>
<tr><td>2026-03-02 08:30</td><td>lab</td><td>20.1</td></tr>
<tr><td>2026-03-02 09:00</td><td>lab</td><td>20.8</td></tr>
</table>
<p><a href="/plot/temp">Plot of the temperature</a></p>
</body>
</html>
`;

export const FLASK_PLOT = `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>Temperature plot</title>
</head>
<body>
<h1>Temperature over the last day</h1>
<img alt="temperature plot" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==">
<p><a href="/">Back to the readings</a></p>
</body>
</html>
`;

/** The Prometheus text the Flask app's exporter serves on /metrics. */
export const FLASK_METRICS = `# HELP python_gc_objects_collected_total Objects collected during gc
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{generation="0"} 927.0
python_gc_objects_collected_total{generation="1"} 332.0
python_gc_objects_collected_total{generation="2"} 95.0
# HELP python_gc_objects_uncollectable_total Uncollectable objects found during GC
# TYPE python_gc_objects_uncollectable_total counter
python_gc_objects_uncollectable_total{generation="0"} 0.0
python_gc_objects_uncollectable_total{generation="1"} 0.0
python_gc_objects_uncollectable_total{generation="2"} 0.0
# HELP python_gc_collections_total Number of times this generation was collected
# TYPE python_gc_collections_total counter
python_gc_collections_total{generation="0"} 88.0
python_gc_collections_total{generation="1"} 8.0
python_gc_collections_total{generation="2"} 0.0
# HELP python_info Python platform information
# TYPE python_info gauge
python_info{implementation="CPython",major="3",minor="12",patchlevel="8",version="3.12.8"} 1.0
# HELP process_virtual_memory_bytes Virtual memory size in bytes.
# TYPE process_virtual_memory_bytes gauge
process_virtual_memory_bytes 2.6804224e+08
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 4.4253184e+07
# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
# TYPE process_start_time_seconds gauge
process_start_time_seconds 1.77219e+09
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 41.37
# HELP process_open_fds Number of open file descriptors.
# TYPE process_open_fds gauge
process_open_fds 7.0
# HELP process_max_fds Maximum number of open file descriptors.
# TYPE process_max_fds gauge
process_max_fds 1.048576e+06
# HELP flask_exporter_info Information about the Prometheus Flask exporter
# TYPE flask_exporter_info gauge
flask_exporter_info{version="0.23.1"} 1.0
# HELP flask_http_request_duration_seconds Flask HTTP request duration in seconds
# TYPE flask_http_request_duration_seconds histogram
flask_http_request_duration_seconds_bucket{le="0.005",method="GET",path="/",status="200"} 311.0
flask_http_request_duration_seconds_bucket{le="0.01",method="GET",path="/",status="200"} 402.0
flask_http_request_duration_seconds_bucket{le="0.025",method="GET",path="/",status="200"} 415.0
flask_http_request_duration_seconds_bucket{le="+Inf",method="GET",path="/",status="200"} 417.0
flask_http_request_duration_seconds_count{method="GET",path="/",status="200"} 417.0
flask_http_request_duration_seconds_sum{method="GET",path="/",status="200"} 2.0714
# HELP flask_http_request_total Total number of HTTP requests
# TYPE flask_http_request_total counter
flask_http_request_total{method="GET",status="200"} 431.0
`;

function flaskNotFound(env: AppEnv): HttpResponse {
  return werkzeug(
    404,
    'text/html; charset=utf-8',
    '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
    env,
  );
}

const flask: Handler = (req, env) => {
  const { path } = splitQuery(req.path);
  const routes: Record<string, () => HttpResponse> = {
    '/': () => werkzeug(200, 'text/html; charset=utf-8', FLASK_INDEX, env),
    '/plot/temp': () => werkzeug(200, 'text/html; charset=utf-8', FLASK_PLOT, env),
    '/metrics': () => werkzeug(200, 'text/plain; version=0.0.4; charset=utf-8', FLASK_METRICS, env),
  };
  const route = routes[path];
  if (!route) return headless(req, flaskNotFound(env));
  if (req.method === 'OPTIONS')
    return werkzeug(200, 'text/html; charset=utf-8', '', env, [['Allow', 'GET, HEAD, OPTIONS']]);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return werkzeug(
      405,
      'text/html; charset=utf-8',
      '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n',
      env,
      [['Allow', 'GET, HEAD, OPTIONS']],
    );
  }
  return headless(req, route());
};

// ---- the Node.js discount service --------------------------------------------------------

export const DISCOUNT_BODY = '{"code":"SPRING15","discount":"15%","validUntil":"2026-03-31"}';

/** An Express weak ETag: length and a digest, both derived from the body. */
function expressEtag(body: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let digest = '';
  for (let i = 0; digest.length < 27; i++) {
    let h = fnv1a(`${i}:${body}`);
    for (let k = 0; k < 5 && digest.length < 27; k++) {
      digest += alphabet[h % 64];
      h = Math.floor(h / 64);
    }
  }
  return `W/"${byteLength(body).toString(16)}-${digest}"`;
}

function express(
  status: number,
  contentType: string,
  body: string,
  env: AppEnv,
  error = false,
): HttpResponse {
  const headers: [string, string][] = [['X-Powered-By', 'Express']];
  if (error) {
    headers.push(['Content-Security-Policy', "default-src 'none'"]);
    headers.push(['X-Content-Type-Options', 'nosniff']);
  }
  headers.push(['Content-Type', contentType]);
  headers.push(['Content-Length', String(byteLength(body))]);
  if (!error) headers.push(['ETag', expressEtag(body)]);
  headers.push(['Date', httpDate(env.now)]);
  headers.push(['Connection', 'keep-alive']);
  headers.push(['Keep-Alive', 'timeout=5']);
  return response(status, headers, body);
}

const discount: Handler = (req, env) => {
  const { path } = splitQuery(req.path);
  if (path === '/discount' && (req.method === 'GET' || req.method === 'HEAD')) {
    return headless(req, express(200, 'application/json; charset=utf-8', DISCOUNT_BODY, env));
  }
  const body = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${req.method} ${path}</pre>\n</body>\n</html>\n`;
  return headless(req, express(404, 'text/html; charset=utf-8', body, env, true));
};

// ---- emojivoto -----------------------------------------------------------------------------

/** The emoji the emoji service knows, in its order. */
export const EMOJI: readonly (readonly [string, string])[] = [
  ['poop', '💩'],
  ['joy', '😂'],
  ['sunglasses', '😎'],
  ['relaxed', '☺️'],
  ['stuck_out_tongue_winking_eye', '😜'],
  ['money_mouth_face', '🤑'],
  ['flushed', '😳'],
  ['mask', '😷'],
  ['nerd_face', '🤓'],
  ['ghost', '👻'],
  ['skull_and_crossbones', '☠️'],
  ['heart_eyes_cat', '😻'],
  ['hear_no_evil', '🙉'],
  ['see_no_evil', '🙈'],
  ['speak_no_evil', '🙊'],
  ['boy', '👦'],
  ['girl', '👧'],
  ['man', '👨'],
  ['woman', '👩'],
  ['older_man', '👴'],
  ['policeman', '👮'],
  ['guardsman', '💂'],
  ['construction_worker_man', '👷'],
  ['prince', '🤴'],
  ['princess', '👸'],
  ['man_in_tuxedo', '🤵'],
  ['bride_with_veil', '👰'],
  ['mrs_claus', '🤶'],
  ['santa', '🎅'],
  ['turkey', '🦃'],
  ['rabbit', '🐇'],
  ['no_good_woman', '🙅'],
  ['ok_woman', '🙆'],
  ['raising_hand_woman', '🙋'],
  ['bowing_man', '🙇'],
  ['man_facepalming', '🤦'],
  ['woman_shrugging', '🤷'],
  ['massage_woman', '💆'],
  ['walking_man', '🚶'],
  ['running_man', '🏃'],
  ['dancer', '💃'],
  ['man_dancing', '🕺'],
  ['dancing_women', '👯'],
  ['rainbow', '🌈'],
  ['skier', '⛷'],
  ['golfing_man', '🏌'],
  ['surfing_man', '🏄'],
  ['basketball_man', '⛹'],
  ['biking_man', '🚴'],
  ['point_up_2', '👆'],
  ['vulcan_salute', '🖖'],
  ['metal', '🤘'],
  ['call_me_hand', '🤙'],
  ['thumbsup', '👍'],
  ['wave', '👋'],
  ['clap', '👏'],
  ['raised_hands', '🙌'],
  ['pray', '🙏'],
  ['dog', '🐶'],
  ['cat2', '🐈'],
  ['pig', '🐷'],
  ['hatching_chick', '🐣'],
  ['snail', '🐌'],
  ['bacon', '🥓'],
  ['pizza', '🍕'],
  ['taco', '🌮'],
  ['burrito', '🌯'],
  ['ramen', '🍜'],
  ['doughnut', '🍩'],
  ['champagne', '🍾'],
  ['tropical_drink', '🍹'],
  ['beer', '🍺'],
  ['tumbler_glass', '🥃'],
  ['world_map', '🗺'],
  ['beach_umbrella', '⛱'],
  ['mountain_snow', '🏔'],
  ['camping', '🏕'],
  ['steam_locomotive', '🚂'],
  ['flight_departure', '🛫'],
  ['rocket', '🚀'],
  ['star2', '🌟'],
  ['sun_behind_small_cloud', '🌤'],
  ['cloud_with_rain', '🌧'],
  ['fire', '🔥'],
  ['jack_o_lantern', '🎃'],
  ['balloon', '🎈'],
  ['tada', '🎉'],
  ['trophy', '🏆'],
  ['iphone', '📱'],
  ['pager', '📟'],
  ['fax', '📠'],
  ['bulb', '💡'],
  ['money_with_wings', '💸'],
  ['crystal_ball', '🔮'],
  ['underage', '🔞'],
  ['interrobang', '⁉️'],
  ['100', '💯'],
  ['checkered_flag', '🏁'],
  ['crossed_swords', '⚔️'],
  ['floppy_disk', '💾'],
];

export const EMOJIVOTO_INDEX = `
\t<!DOCTYPE html>
\t<html>
\t\t<head>
\t\t\t<meta charset="UTF-8">
\t\t\t<title>Emoji Vote</title>
\t\t\t<link rel="icon" href="/img/favicon.ico">
\t\t\t<!-- Global site tag (gtag.js) - Google Analytics -->
\t\t\t<script async src="https://www.googletagmanager.com/gtag/js?id=UA-60040560-4"></script>
\t\t\t<script>
\t\t\t  window.dataLayer = window.dataLayer || [];
\t\t\t  function gtag(){dataLayer.push(arguments);}
\t\t\t  gtag('js', new Date());
\t\t\t  gtag('config', 'UA-60040560-4');
\t\t\t</script>
\t\t</head>
\t\t<body>
\t\t\t<div id="motd" class="motd"></div>
\t\t\t<div id="main" class="main"></div>
\t\t</body>
\t\t
\t\t\t<script type="text/javascript" src="/js" async></script>
\t\t
\t</html>`;

/** Votes per emoji for the leaderboard, most first (a fixed snapshot). */
const LEADERBOARD: readonly (readonly [string, number])[] = [
  ['joy', 431],
  ['sunglasses', 398],
  ['rocket', 377],
  ['tada', 351],
  ['pizza', 330],
  ['100', 302],
  ['heart_eyes_cat', 288],
  ['thumbsup', 265],
  ['ghost', 241],
  ['beer', 219],
];

function emojiJson(): string {
  return `${JSON.stringify(EMOJI.map(([s, u]) => ({ shortcode: `:${s}:`, unicode: u })))}\n`;
}

const emojivotoWeb: Handler = (req, env) => {
  const { path, query } = splitQuery(req.path);
  const json = 'application/json; charset=UTF-8';
  const fail = (status: number, message: string) =>
    goResponse(status, json, `${JSON.stringify({ error: message })}\n`, env);
  switch (path) {
    case '/api/list':
      return headless(req, goResponse(200, json, emojiJson(), env));
    case '/api/leaderboard': {
      const unicode = new Map(EMOJI);
      const rows = LEADERBOARD.map(([s, v]) => ({
        shortcode: `:${s}:`,
        unicode: unicode.get(s) ?? '',
        votes: String(v),
      }));
      return headless(req, goResponse(200, json, `${JSON.stringify(rows)}\n`, env));
    }
    case '/api/vote': {
      const choice = query.get('choice') ?? '';
      if (choice === '') return fail(400, `Emoji choice [${choice}] is mandatory`);
      const known = EMOJI.some(([s]) => `:${s}:` === choice);
      if (!known) return fail(400, `Choosen emoji shortcode [${choice}] doesnt exist`);
      // The voting service fails every doughnut vote on purpose: the demo's built-in error.
      if (choice === ':doughnut:') return fail(500, 'rpc error: code = Unknown desc = ERROR');
      // A successful vote writes nothing: Go sends an empty 200.
      return response(
        200,
        [
          ['Date', httpDate(env.now)],
          ['Content-Length', '0'],
        ],
        '',
      );
    }
    case '/js':
      return headless(
        req,
        goResponse(
          200,
          'text/javascript',
          '!function(e){var t={};function n(r){/* bundled web app */}}([]);\n',
          env,
        ),
      );
    default:
      // The index handler is mounted on "/", which in Go catches every other path.
      return headless(req, goResponse(200, 'text/html', EMOJIVOTO_INDEX, env));
  }
};

/** The metrics a Go service exposes through the Prometheus client (a short excerpt). */
function goMetrics(extra: string): string {
  return `# HELP go_gc_duration_seconds A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 3.1e-05
go_gc_duration_seconds{quantile="0.5"} 5.4e-05
go_gc_duration_seconds{quantile="1"} 0.000412
go_gc_duration_seconds_sum 0.021
go_gc_duration_seconds_count 317
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 14
# HELP process_open_fds Number of open file descriptors.
# TYPE process_open_fds gauge
process_open_fds 11
${extra}`;
}

const goMetricsHandler =
  (extra: string): Handler =>
  (req, env) => {
    const { path } = splitQuery(req.path);
    if (path !== '/metrics') return headless(req, goNotFound(env));
    return headless(
      req,
      goResponse(
        200,
        'text/plain; version=0.0.4; charset=utf-8; escaping=underscores',
        goMetrics(extra),
        env,
      ),
    );
  };

function goNotFound(env: AppEnv): HttpResponse {
  return goResponse(404, 'text/plain; charset=utf-8', '404 page not found\n', env, [
    ['X-Content-Type-Options', 'nosniff'],
  ]);
}

// ---- Prometheus, CoreDNS, the API server --------------------------------------------------

const prometheus: Handler = (req, env) => {
  const { path } = splitQuery(req.path);
  switch (path) {
    case '/':
      return goResponse(302, 'text/html; charset=utf-8', '<a href="/query">Found</a>.\n\n', env, [
        ['Location', '/query'],
      ]);
    case '/-/healthy':
      return headless(
        req,
        goResponse(200, 'text/plain; charset=utf-8', 'Prometheus Server is Healthy.\n', env),
      );
    case '/-/ready':
      return headless(
        req,
        goResponse(200, 'text/plain; charset=utf-8', 'Prometheus Server is Ready.\n', env),
      );
    case '/metrics':
      return goMetricsHandler(
        '# HELP prometheus_build_info A metric with a constant \'1\' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.\n# TYPE prometheus_build_info gauge\nprometheus_build_info{branch="HEAD",goarch="amd64",goos="linux",goversion="go1.24.4",revision="",tags="netgo,builtinassets",version="3.5.0"} 1\n',
      )(req, env);
    default:
      return headless(req, goNotFound(env));
  }
};

const coredns: Handler = (req, env) => {
  const { path } = splitQuery(req.path);
  if (path === '/metrics')
    return goMetricsHandler(
      '# HELP coredns_build_info A metric with a constant \'1\' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{goversion="go1.23.3",revision="51e11f1",version="1.12.0"} 1\n# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.\n# TYPE coredns_dns_requests_total counter\ncoredns_dns_requests_total{family="1",proto="udp",server="dns://:53",type="A",view="",zone="."} 2291\n',
    )(req, env);
  return headless(req, goNotFound(env));
};

const corednsHealth: Handler = (req, env) =>
  headless(req, goResponse(200, 'text/plain; charset=utf-8', 'OK', env));

const kubeApiserver: Handler = (req, env) => {
  const { path } = splitQuery(req.path);
  const body = `{
  "kind": "Status",
  "apiVersion": "v1",
  "metadata": {},
  "status": "Failure",
  "message": "forbidden: User \\"system:anonymous\\" cannot ${req.method.toLowerCase()} path \\"${path}\\"",
  "reason": "Forbidden",
  "details": {},
  "code": 403
}`;
  return headless(req, {
    ...goResponse(403, 'application/json', body, env, [
      ['Audit-Id', uuidLike(`${env.now.getTime()}${path}`)],
      ['Cache-Control', 'no-cache, private'],
      ['X-Content-Type-Options', 'nosniff'],
    ]),
    protocol: 'HTTP/2',
  });
};

function uuidLike(seed: string): string {
  const h = (n: number) => fnv1a(`${n}:${seed}`).toString(16).padStart(8, '0');
  const s = h(0) + h(1) + h(2) + h(3);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

// ---- httpbin and the generic echo server --------------------------------------------------

const httpbin: Handler = (req, env) => {
  const { path, query } = splitQuery(req.path);
  const json = (status: number, value: unknown) =>
    goResponse(
      status,
      'application/json; encoding=utf-8',
      `${JSON.stringify(value, null, 2)}\n`,
      env,
      [
        ['Access-Control-Allow-Credentials', 'true'],
        ['Access-Control-Allow-Origin', '*'],
      ],
    );
  const headers: Record<string, string[]> = { Host: [req.host] };
  for (const [k, v] of Object.entries(req.headers)) headers[canonicalHeader(k)] = [v];
  const args: Record<string, string[]> = {};
  for (const [k, v] of query) args[k] = [v];
  const url = `http://${req.host}${req.path}`;
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) {
    const code = Number(status[1]);
    return goResponse(code, 'text/plain; charset=utf-8', '', env, [
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Allow-Origin', '*'],
    ]);
  }
  const methodRoute = /^\/(get|post|put|patch|delete)$/.exec(path);
  if (methodRoute) {
    if (
      methodRoute[1]!.toUpperCase() !== req.method &&
      !(req.method === 'HEAD' && methodRoute[1] === 'get')
    )
      return goResponse(405, 'text/plain; charset=utf-8', 'Method Not Allowed\n', env);
    return headless(req, json(200, { args, headers, method: req.method, origin: '', url }));
  }
  if (path === '/headers') return headless(req, json(200, { headers }));
  if (path === '/ip') return headless(req, json(200, { origin: '' }));
  if (path === '/anything' || path.startsWith('/anything/'))
    return headless(
      req,
      json(200, { args, data: req.body ?? '', headers, method: req.method, url }),
    );
  if (path === '/')
    return headless(
      req,
      goResponse(
        200,
        'text/html; charset=utf-8',
        '<!DOCTYPE html>\n<html><head><title>go-httpbin</title></head><body><h1>go-httpbin</h1><p>HTTP request and response service.</p></body></html>\n',
        env,
      ),
    );
  return headless(req, goNotFound(env));
};

function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join('-');
}

/** The answer of an application the simulator does not know: an echo of the request. */
const echo: Handler = (req, env) => {
  const pod = env.pod;
  const lines = [
    `pod: ${pod ? pod.name : 'unknown'}`,
    `namespace: ${pod ? pod.namespace : 'unknown'}`,
    `request: ${req.method} ${req.path} HTTP/1.1`,
    `host: ${req.host}`,
  ];
  return headless(req, goResponse(200, 'text/plain; charset=utf-8', `${lines.join('\n')}\n`, env));
};

const helloApp: Handler = (req, env) =>
  headless(
    req,
    goResponse(
      200,
      'text/plain; charset=utf-8',
      `Hello, world!\nVersion: 1.0.0\nHostname: ${env.pod?.name ?? 'localhost'}\n`,
      env,
    ),
  );

// ---- which pod runs what -----------------------------------------------------------------

type PortTable = readonly (readonly [number, 'TCP' | 'UDP', Listener])[];

interface AppProfile {
  id: string;
  /** Whether one of the pod's images or its labels say it runs this application. */
  matches(repos: string[], pod: Pod): boolean;
  ports: PortTable;
}

const http = (app: string, serve: Handler): Listener => ({ app, speaks: 'http', serve });

const repoIs =
  (...names: string[]) =>
  (repos: string[]): boolean =>
    repos.some((r) => names.includes(r) || names.includes(r.split('/').pop() ?? ''));

const repoHas =
  (...parts: string[]) =>
  (repos: string[]): boolean =>
    repos.some((r) => parts.some((p) => r.includes(p)));

const PROFILES: readonly AppProfile[] = [
  {
    id: 'coredns',
    matches: (repos, pod) => repoHas('coredns')(repos) || pod.labels['k8s-app'] === 'kube-dns',
    ports: [
      [53, 'UDP', { app: 'coredns', speaks: 'dns' }],
      [53, 'TCP', { app: 'coredns', speaks: 'close' }],
      [9153, 'TCP', http('coredns', coredns)],
      [8080, 'TCP', http('coredns', corednsHealth)],
      [8181, 'TCP', http('coredns', corednsHealth)],
    ],
  },
  {
    // The vote bot runs the web image as a client only: it listens on nothing.
    id: 'emojivoto-vote-bot',
    matches: (repos, pod) =>
      pod.labels.app === 'vote-bot' || repos.some((r) => r.endsWith('vote-bot')),
    ports: [],
  },
  {
    id: 'emojivoto-web',
    matches: (repos, pod) => repoHas('emojivoto-web')(repos) || pod.labels.app === 'web-svc',
    ports: [[8080, 'TCP', http('emojivoto-web', emojivotoWeb)]],
  },
  {
    id: 'emojivoto-emoji',
    matches: (repos, pod) =>
      repoHas('emojivoto-emoji-svc')(repos) || pod.labels.app === 'emoji-svc',
    ports: [
      [8080, 'TCP', { app: 'emojivoto-emoji', speaks: 'grpc' }],
      [8801, 'TCP', http('emojivoto-emoji', goMetricsHandler(''))],
    ],
  },
  {
    id: 'emojivoto-voting',
    matches: (repos, pod) =>
      repoHas('emojivoto-voting-svc')(repos) || pod.labels.app === 'voting-svc',
    ports: [
      [8080, 'TCP', { app: 'emojivoto-voting', speaks: 'grpc' }],
      [8801, 'TCP', http('emojivoto-voting', goMetricsHandler(''))],
    ],
  },
  {
    id: 'flask',
    matches: (repos, pod) => repoHas('flask')(repos) || pod.labels.app === 'flask-app',
    ports: [[5000, 'TCP', http('flask', flask)]],
  },
  {
    id: 'discount',
    matches: (repos, pod) =>
      repoHas('discount', 'l7-test')(repos) ||
      pod.labels.type === 'l7-test' ||
      pod.labels.app === 'discount',
    ports: [[80, 'TCP', http('discount', discount)]],
  },
  {
    id: 'nginx-unprivileged',
    matches: repoHas('nginx-unprivileged'),
    ports: [[8080, 'TCP', http('nginx', nginx)]],
  },
  {
    id: 'nginx',
    matches: repoHas('nginx'),
    ports: [[80, 'TCP', http('nginx', nginx)]],
  },
  {
    id: 'postgres',
    matches: repoHas('postgres', 'postgis'),
    ports: [[5432, 'TCP', { app: 'postgres', speaks: 'close' }]],
  },
  {
    id: 'mysql',
    matches: repoHas('mysql', 'mariadb'),
    ports: [[3306, 'TCP', { app: 'mysql', speaks: 'binary' }]],
  },
  {
    id: 'redis',
    matches: repoHas('redis', 'valkey'),
    ports: [[6379, 'TCP', { app: 'redis', speaks: 'binary' }]],
  },
  {
    id: 'kafka',
    matches: (repos) => repoIs('kafka', 'cp-kafka', 'cp-server')(repos),
    ports: [[9092, 'TCP', { app: 'kafka', speaks: 'close' }]],
  },
  {
    id: 'prometheus',
    matches: (repos) => repoIs('prometheus', 'prom')(repos),
    ports: [[9090, 'TCP', http('prometheus', prometheus)]],
  },
  {
    id: 'netperf',
    matches: repoHas('netperf'),
    ports: [[12865, 'TCP', { app: 'netperf', speaks: 'close' }]],
  },
  {
    id: 'httpbin',
    matches: repoHas('httpbin'),
    ports: [
      [80, 'TCP', http('httpbin', httpbin)],
      [8080, 'TCP', http('httpbin', httpbin)],
    ],
  },
  {
    id: 'hello-app',
    matches: repoHas('hello-app'),
    ports: [[8080, 'TCP', http('hello-app', helloApp)]],
  },
  {
    // Client images: nothing listens in them.
    id: 'client',
    matches: (repos) =>
      repos.length > 0 &&
      repos.every((r) =>
        [
          'curlimages/curl',
          'curl',
          'busybox',
          'alpine',
          'nicolaka/netshoot',
          'netshoot',
          'kafka-client',
        ].includes(r),
      ),
    ports: [],
  },
];

/** The application profiles a pod runs: the first matching profile per container image. */
function profilesOf(pod: Pod): AppProfile[] {
  const repos = pod.images.map(imageRepository);
  const out: AppProfile[] = [];
  for (const repo of repos) {
    const p = PROFILES.find((prof) => prof.matches([repo], pod));
    if (p && !out.includes(p)) out.push(p);
  }
  // Labels can name the application when the image does not.
  if (out.length === 0) {
    const p = PROFILES.find((prof) => prof.matches([], pod));
    if (p) out.push(p);
  }
  return out;
}

/** What listens on `port` in `pod`; undefined when nothing does (the kernel answers RST). */
export function listenerAt(
  pod: Pod,
  port: number,
  protocol: 'TCP' | 'UDP' | 'SCTP',
): Listener | undefined {
  const profiles = profilesOf(pod);
  for (const prof of profiles)
    for (const [p, proto, l] of prof.ports) if (p === port && proto === protocol) return l;
  if (profiles.length > 0) return undefined;
  // An unknown application listens on what it declares and speaks HTTP there.
  if (protocol === 'TCP' && pod.ports.some((c) => c.port === port && c.protocol === 'TCP'))
    return http('echo', echo);
  return undefined;
}

/** The name a test or message can use for the application a pod runs. */
export function appOf(pod: Pod): string {
  return profilesOf(pod)[0]?.id ?? (pod.ports.length > 0 ? 'echo' : 'none');
}

/** What listens on a node's address: the API server on control planes, the kubelet, SSH. */
export function nodeListener(
  node: ClusterNode,
  port: number,
  protocol: 'TCP' | 'UDP' | 'SCTP',
): Listener | undefined {
  if (protocol !== 'TCP') return undefined;
  if (port === 6443 && node.controlPlane)
    return { app: 'kube-apiserver', speaks: 'https', serve: kubeApiserver };
  if (port === 10250) return { app: 'kubelet', speaks: 'https', serve: kubeletUnauthorized };
  return undefined;
}

const kubeletUnauthorized: Handler = (req, env) =>
  headless(req, goResponse(401, 'text/plain; charset=utf-8', 'Unauthorized', env));

// ---- public web sites ------------------------------------------------------------------

/** The answer of a public site: a plain page naming it, or JSON for API hosts. */
export function publicSite(host: string): Listener {
  const name = host.replace(/\.$/, '');
  const serve: Handler = (req, env) => {
    const { path } = splitQuery(req.path);
    if (name.startsWith('api.')) {
      const body =
        path === '/'
          ? `{\n  "current_user_url": "https://${name}/user",\n  "emojis_url": "https://${name}/emojis",\n  "events_url": "https://${name}/events",\n  "rate_limit_url": "https://${name}/rate_limit"\n}\n`
          : `{\n  "message": "Not Found",\n  "status": "404"\n}\n`;
      return headless(
        req,
        response(
          path === '/' ? 200 : 404,
          [
            ['date', httpDate(env.now)],
            ['content-type', 'application/json; charset=utf-8'],
            ['content-length', String(byteLength(body))],
            ['cache-control', 'public, max-age=60, s-maxage=60'],
            ['vary', 'Accept,Accept-Encoding'],
          ],
          body,
        ),
      );
    }
    const body = `<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>${name}</title>\n</head>\n<body>\n<h1>${name}</h1>\n<p>A public web site outside the cluster.</p>\n</body>\n</html>\n`;
    return headless(
      req,
      response(
        200,
        [
          ['date', httpDate(env.now)],
          ['content-type', 'text/html; charset=utf-8'],
          ['content-length', String(byteLength(body))],
          ['cache-control', 'max-age=600'],
        ],
        body,
      ),
    );
  };
  return { app: `site:${name}`, speaks: 'http', serve };
}

/** Ports a public address answers on; other ports are filtered (the SYN gets no answer). */
export function publicListener(
  host: string,
  port: number,
  protocol: 'TCP' | 'UDP' | 'SCTP',
): Listener | undefined {
  if (protocol !== 'TCP') return undefined;
  if (port === 80) return publicSite(host);
  if (port === 443) return { ...publicSite(host), speaks: 'https' };
  return undefined;
}

// ---- answers of the Cilium proxy itself --------------------------------------------------

/** Envoy's answer to a request an L7 rule refused: 403 with a 15-byte body. */
export function accessDenied(now: Date): HttpResponse {
  return response(
    403,
    [
      ['content-length', '15'],
      ['content-type', 'text/plain'],
      ['date', httpDate(now)],
      ['server', 'envoy'],
    ],
    'Access denied\r\n',
  );
}

/** Envoy's answer when the request was allowed but nothing listens behind the proxy. */
export function upstreamRefused(now: Date): HttpResponse {
  const body =
    'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111';
  return response(
    503,
    [
      ['content-length', String(byteLength(body))],
      ['content-type', 'text/plain'],
      ['date', httpDate(now)],
      ['server', 'envoy'],
    ],
    body,
  );
}

/** The answer a plain HTTP request gets from a TLS port (Go's TLS server says this). */
export function plainHttpToTls(): HttpResponse {
  return response(
    400,
    [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Connection', 'close'],
    ],
    'Client sent an HTTP request to an HTTPS server.\n',
  );
}
