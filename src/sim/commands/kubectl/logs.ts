/**
 * `kubectl logs`: a few plausible start-up lines for each kind of image the lessons run (Flask,
 * PostgreSQL, nginx, CoreDNS, Kafka, the Cilium agent), dated from the pod's start. Pods that
 * only sleep print nothing, as they would.
 */
import { imageRepository } from '../../shell/state.ts';
import type { CommandResult } from '../../shell/types.ts';
import type { ApiObject, Container } from './catalog.ts';
import { Kctx } from './context.ts';
import { iso } from './duration.ts';
import { findPod, pickContainer } from './exec.ts';
import { flagBool, flagValue, type FlagSpec } from './flags.ts';
import { typeForKind } from './resources.ts';
import { matchesSelector, parseSelector } from './selector.ts';

export const LOGS_FLAGS: FlagSpec[] = [
  { name: 'container', short: 'c', type: 'string' },
  { name: 'follow', short: 'f', type: 'bool' },
  { name: 'tail', type: 'string' },
  { name: 'since', type: 'string' },
  { name: 'timestamps', type: 'bool' },
  { name: 'previous', short: 'p', type: 'bool' },
  { name: 'selector', short: 'l', type: 'string' },
  { name: 'all-containers', type: 'bool' },
  { name: 'prefix', type: 'bool' },
];

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** The lines a container has logged since it started at `start` (simulated ms). */
export function logLines(pod: ApiObject, c: Container, start: number): string[] {
  const repo = imageRepository(c.image);
  const d = new Date(start);
  const ymd = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const hms = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ip = pod.pod?.ip ?? '0.0.0.0';
  const port = c.ports[0]?.containerPort;
  const args = [...(c.command ?? []), ...(c.args ?? [])];
  if (
    args[0] === 'sleep' ||
    args.includes('infinity') ||
    (args[0] === 'tail' && args.includes('-f'))
  )
    return [];
  if (/flask|python|gunicorn/.test(repo) || /flask/.test(c.image)) {
    const p = port ?? 5000;
    return [
      " * Serving Flask app 'app'",
      ' * Debug mode: off',
      'WARNING: This is a development server. Do not use it in a production deployment. Use a production WSGI server instead.',
      ` * Running on all addresses (0.0.0.0)`,
      ` * Running on http://127.0.0.1:${p}`,
      ` * Running on http://${ip}:${p}`,
      'Press CTRL+C to quit',
    ];
  }
  if (repo === 'postgres' || repo.endsWith('/postgres') || repo.includes('postgresql')) {
    const t = `${ymd} ${hms}.118 UTC`;
    return [
      '',
      'PostgreSQL Database directory appears to contain a database; Skipping initialization',
      '',
      `${t} [1] LOG:  starting PostgreSQL 16.6 (Debian 16.6-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit`,
      `${t} [1] LOG:  listening on IPv4 address "0.0.0.0", port 5432`,
      `${t} [1] LOG:  listening on IPv6 address "::", port 5432`,
      `${t} [1] LOG:  listening on Unix socket "/var/run/postgresql/.s.PGSQL.5432"`,
      `${ymd} ${hms}.127 UTC [29] LOG:  database system was shut down at ${ymd} ${hms} UTC`,
      `${ymd} ${hms}.133 UTC [1] LOG:  database system is ready to accept connections`,
    ];
  }
  if (repo === 'nginx' || repo.endsWith('/nginx')) {
    const t = `${ymd.replace(/-/g, '/')} ${hms}`;
    return [
      '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
      '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
      '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
      '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
      '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
      '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
      '/docker-entrypoint.sh: Configuration complete; ready for start up',
      `${t} [notice] 1#1: using the "epoll" event method`,
      `${t} [notice] 1#1: nginx/1.27.4`,
      `${t} [notice] 1#1: start worker processes`,
    ];
  }
  if (repo.includes('coredns')) {
    return [
      '.:53',
      '[INFO] plugin/reload: Running configuration SHA512 = 591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b953814040d180f52594972691cd6ff41be96639138a43908',
      'CoreDNS-1.12.0',
      'linux/amd64, go1.23.3, 51e11f1',
    ];
  }
  if (repo.includes('kafka')) {
    const t = `[${ymd} ${hms},412]`;
    return [
      `${t} INFO Registered kafka:type=kafka.Log4jController MBean (kafka.utils.Log4jControllerRegistration$)`,
      `${t} INFO Starting controller (kafka.server.ControllerServer)`,
      `${t} INFO [KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)`,
    ];
  }
  if (repo === 'cilium/cilium' || repo.endsWith('/cilium')) {
    const t = iso(start);
    const version = c.image.split(':').pop()?.replace(/^v/, '') ?? '';
    return [
      `time=${t} level=info msg="Cilium ${version} running" module=agent`,
      `time=${t} level=info msg="Memory available for map entries" module=agent.datapath.maps`,
      `time=${t} level=info msg="Restored endpoints" module=agent.controlplane.endpoint-restorer`,
      `time=${t} level=info msg="Daemon initialization completed" module=agent`,
    ];
  }
  if (repo === 'curlimages/curl' && args.length === 0) {
    return ["curl: try 'curl --help' or 'curl --manual' for more information"];
  }
  return [];
}

export function runLogs(k: Kctx): CommandResult {
  const target = k.flags.args[0];
  const selector = flagValue(k.flags, 'selector');
  const podType = typeForKind('Pod')!;
  let pods: ApiObject[];
  if (target === undefined && selector === undefined) {
    return k.usage(
      "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command",
    );
  }
  if (target !== undefined && selector !== undefined)
    return k.usage('only a selector (-l) or a POD name is allowed');
  if (selector !== undefined) {
    const parsed = parseSelector(selector);
    if (!parsed.ok) return k.fail(parsed.error);
    pods = k.catalog
      .list(podType, k.namespace)
      .filter((p) => matchesSelector(parsed.requirements, p.labels));
    if (pods.length === 0) {
      k.err(`No resources found in ${k.namespace} namespace.`);
      return k.done(0);
    }
  } else {
    const found = findPod(k, target!);
    if ('error' in found) {
      const e = found.error;
      if (e.startsWith('Error from server (NotFound)'))
        return k.fail(
          `error: error from server (NotFound): ${e.slice('Error from server (NotFound): '.length)} in namespace "${k.namespace}"`,
        );
      return k.fail(e);
    }
    pods = [found.pod];
  }
  const tail = flagValue(k.flags, 'tail');
  const stamps = flagBool(k.flags, 'timestamps');
  for (const pod of pods) {
    const containers = flagBool(k.flags, 'all-containers')
      ? (pod.pod?.containers ?? [])
      : (() => {
          const c = pickContainer(k, pod, flagValue(k.flags, 'container'), false);
          return 'error' in c ? c : [c];
        })();
    if (!Array.isArray(containers)) return k.fail(containers.error);
    for (const c of containers) {
      let lines = logLines(pod, c, pod.createdAt + 3000);
      const n = tail === undefined ? (selector !== undefined ? 10 : -1) : Number(tail);
      if (Number.isInteger(n) && n >= 0) lines = lines.slice(Math.max(0, lines.length - n));
      for (const line of lines) {
        const at = stamps
          ? `${new Date(pod.createdAt + 3000).toISOString().replace('Z', '000000Z')} `
          : '';
        const prefix = flagBool(k.flags, 'prefix') ? `[pod/${pod.name}/${c.name}] ` : '';
        k.out(`${prefix}${at}${line}\n`);
      }
    }
  }
  return k.done(0);
}
