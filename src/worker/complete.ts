/**
 * Tab completion for the simulated terminal. It reads the line up to the cursor the way the shell
 * would split it (quotes, pipes, `;`, `&&`, `$(`) and offers, for the word under the cursor:
 *   - command names where a command is expected;
 *   - kubectl subcommands, resource kinds, and the names of pods, services, namespaces, nodes
 *     and policies of the simulated cluster;
 *   - flags of the tools learners use most, and values for flags such as `-n` and `-o`;
 *   - service host names for curl, nc, dig and friends.
 * It knows nothing about how the tools are implemented; unknown commands get no suggestions.
 */
import type { Cluster } from '../engine/cluster/model.ts';
import type { PolicyRef } from '../engine/policy/model.ts';
import type { Completion } from './api.ts';

export interface CompletionContext {
  /** Command names that exist where the shell is, sorted. */
  commands: readonly string[];
  cluster: Cluster;
  policies: readonly PolicyRef[];
  /** File names `kubectl apply -f` can read. */
  files: readonly string[];
  /** The pod's namespace when the shell is inside a container. */
  podNamespace?: string;
}

interface Word {
  text: string;
  start: number;
}

interface Scan {
  /** Words of the command the cursor is in, before the current word. */
  words: Word[];
  /** The word under the cursor (possibly empty). */
  current: Word;
  /** The current word has an opening quote or an escape: it is not completed. */
  quoted: boolean;
}

const SEPARATORS = new Set(['|', ';', '&', '(', ')', '`', '\n']);
const REDIRECTS = new Set(['<', '>']);

/** Splits the text before the cursor into the words of the command being typed. */
function scan(before: string): Scan {
  let words: Word[] = [];
  let current: Word = { text: '', start: 0 };
  let inWord = false;
  let quote: '' | "'" | '"' = '';
  let quoted = false;
  const endWord = () => {
    if (inWord) words.push(current);
    inWord = false;
    quoted = false;
  };
  for (let i = 0; i < before.length; i++) {
    const ch = before[i]!;
    if (quote) {
      if (ch === quote) quote = '';
      current.text += ch;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '\\') {
      if (!inWord) current = { text: '', start: i };
      inWord = true;
      quoted = true;
      if (ch === '\\') {
        current.text += ch + (before[i + 1] ?? '');
        i++;
      } else {
        quote = ch;
        current.text += ch;
      }
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord();
      continue;
    }
    if (SEPARATORS.has(ch)) {
      endWord();
      words = [];
      continue;
    }
    if (REDIRECTS.has(ch)) {
      endWord();
      // The word after a redirection is a file name: keep it out of the argument list.
      words.push({ text: ch, start: i });
      continue;
    }
    if (!inWord) current = { text: '', start: i };
    inWord = true;
    current.text += ch;
  }
  if (!inWord) current = { text: '', start: before.length };
  return { words, current, quoted: quoted || quote !== '' };
}

/** Words after the cursor up to the end of the command (rough: quotes are not honoured). */
function wordsAfter(line: string, cursor: number): string[] {
  let rest = line.slice(cursor);
  const space = rest.search(/[\s|;&()`]/);
  // The rest of the word under the cursor is not a word of its own.
  rest = space < 0 ? '' : rest.slice(space);
  const stop = rest.search(/[|;&()`]/);
  if (stop >= 0) rest = rest.slice(0, stop);
  return rest.split(/\s+/).filter((w) => w !== '');
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** Commands whose first argument is itself a command. */
const PREFIX_COMMANDS = new Set(['watch', 'time', 'help', 'which', 'type', 'command']);

const KUBECTL_SUBCOMMANDS = [
  'api-resources',
  'apply',
  'create',
  'delete',
  'describe',
  'exec',
  'explain',
  'get',
  'label',
  'logs',
  'run',
  'version',
];

const KUBECTL_FLAGS = [
  '--all-namespaces',
  '--container',
  '--filename',
  '--image',
  '--labels',
  '--namespace',
  '--output',
  '--restart',
  '--rm',
  '--selector',
  '--show-labels',
  '--stdin',
  '--tty',
  '-A',
  '-c',
  '-f',
  '-i',
  '-it',
  '-l',
  '-n',
  '-o',
  '-t',
];

/** kubectl flags that take the next word as their value. */
const KUBECTL_VALUE_FLAGS = new Set([
  '-n',
  '--namespace',
  '-o',
  '--output',
  '-l',
  '--selector',
  '-f',
  '--filename',
  '-c',
  '--container',
  '--image',
  '--labels',
  '--restart',
  '--field-selector',
  '--sort-by',
  '--context',
  '--timeout',
]);

const OUTPUT_FORMATS = ['json', 'jsonpath=', 'name', 'wide', 'yaml'];

/** Resource kinds offered after `kubectl get`; every alias kubectl accepts maps to one of them. */
const KINDS: Record<string, string> = {
  pods: 'pods',
  pod: 'pods',
  po: 'pods',
  services: 'services',
  service: 'services',
  svc: 'services',
  namespaces: 'namespaces',
  namespace: 'namespaces',
  ns: 'namespaces',
  nodes: 'nodes',
  node: 'nodes',
  no: 'nodes',
  serviceaccounts: 'serviceaccounts',
  serviceaccount: 'serviceaccounts',
  sa: 'serviceaccounts',
  deployments: 'deployments',
  deployment: 'deployments',
  deploy: 'deployments',
  statefulsets: 'statefulsets',
  statefulset: 'statefulsets',
  sts: 'statefulsets',
  daemonsets: 'daemonsets',
  daemonset: 'daemonsets',
  ds: 'daemonsets',
  endpoints: 'endpoints',
  ep: 'endpoints',
  networkpolicies: 'networkpolicies',
  networkpolicy: 'networkpolicies',
  netpol: 'networkpolicies',
  ciliumnetworkpolicies: 'ciliumnetworkpolicies',
  ciliumnetworkpolicy: 'ciliumnetworkpolicies',
  cnp: 'ciliumnetworkpolicies',
  ciliumclusterwidenetworkpolicies: 'ciliumclusterwidenetworkpolicies',
  ciliumclusterwidenetworkpolicy: 'ciliumclusterwidenetworkpolicies',
  ccnp: 'ciliumclusterwidenetworkpolicies',
};

const KIND_NAMES = [...new Set(Object.values(KINDS)), 'all'].sort();

/** Subcommands whose first argument is a resource kind and the rest are names. */
const KIND_SUBCOMMANDS = new Set(['get', 'describe', 'delete', 'label', 'annotate', 'edit']);
/** Subcommands whose first argument is a pod. */
const POD_SUBCOMMANDS = new Set(['exec', 'logs', 'attach', 'port-forward']);

const NETWORK_TOOLS = new Set([
  'curl',
  'wget',
  'nc',
  'ncat',
  'dig',
  'nslookup',
  'host',
  'ping',
  'telnet',
]);

const NETWORK_FLAGS: Record<string, string[]> = {
  curl: [
    '--connect-timeout',
    '--head',
    '--header',
    '--include',
    '--max-time',
    '--request',
    '--silent',
    '--verbose',
    '-H',
    '-I',
    '-X',
    '-i',
    '-m',
    '-s',
    '-v',
  ],
  wget: ['--timeout', '-O', '-T', '-q'],
  nc: ['-u', '-v', '-w', '-z'],
  ncat: ['-u', '-v', '-w', '-z'],
  dig: ['+short'],
  ping: ['-c', '-W'],
};

const HUBBLE_SUBCOMMANDS = ['observe', 'status'];
const HUBBLE_FLAGS = [
  '--follow',
  '--from-namespace',
  '--from-pod',
  '--http-method',
  '--http-path',
  '--last',
  '--namespace',
  '--output',
  '--pod',
  '--port',
  '--protocol',
  '--since',
  '--to-namespace',
  '--to-pod',
  '--type',
  '--verdict',
  '-f',
  '-n',
  '-o',
];
const HUBBLE_VALUES: Record<string, (ctx: CompletionContext) => string[]> = {
  '--verdict': () => ['AUDIT', 'DROPPED', 'ERROR', 'FORWARDED', 'REDIRECTED'],
  '--protocol': () => ['dns', 'http', 'icmp', 'kafka', 'tcp', 'udp'],
  '--type': () => ['drop', 'l7', 'policy-verdict', 'trace'],
  '--output': () => ['compact', 'dict', 'json', 'jsonpb'],
  '-o': () => ['compact', 'dict', 'json', 'jsonpb'],
  '--http-method': () => ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'],
  '--namespace': namespaceNames,
  '-n': namespaceNames,
  '--from-namespace': namespaceNames,
  '--to-namespace': namespaceNames,
  '--pod': qualifiedPods,
  '--from-pod': qualifiedPods,
  '--to-pod': qualifiedPods,
};

function namespaceNames(ctx: CompletionContext): string[] {
  return ctx.cluster.namespaces.map((n) => n.name);
}

function qualifiedPods(ctx: CompletionContext): string[] {
  return ctx.cluster.pods.map((p) => `${p.namespace}/${p.name}`);
}

function workloadNames(ctx: CompletionContext, kind: string, namespace: string | null): string[] {
  const names: string[] = [];
  for (const p of ctx.cluster.pods) {
    if (namespace !== null && p.namespace !== namespace) continue;
    const owner = p.owner;
    if (!owner) continue;
    if (kind === 'deployments' && owner.kind === 'ReplicaSet') {
      // A Deployment's ReplicaSet is named DEPLOYMENT-HASH.
      const dash = owner.name.lastIndexOf('-');
      if (dash > 0) names.push(owner.name.slice(0, dash));
    } else if (kind === 'statefulsets' && owner.kind === 'StatefulSet') {
      names.push(owner.name);
    } else if (kind === 'daemonsets' && owner.kind === 'DaemonSet') {
      names.push(owner.name);
    }
  }
  return names;
}

const POLICY_KINDS: Record<string, PolicyRef['kind']> = {
  networkpolicies: 'NetworkPolicy',
  ciliumnetworkpolicies: 'CiliumNetworkPolicy',
  ciliumclusterwidenetworkpolicies: 'CiliumClusterwideNetworkPolicy',
};

/** Names of objects of `kind` (a canonical kind name); `namespace` null means every namespace. */
function objectNames(ctx: CompletionContext, kind: string, namespace: string | null): string[] {
  const inNs = (ns: string | undefined) => namespace === null || ns === namespace;
  switch (kind) {
    case 'pods':
      return ctx.cluster.pods.filter((p) => inNs(p.namespace)).map((p) => p.name);
    case 'services':
    case 'endpoints':
      return ctx.cluster.services.filter((s) => inNs(s.namespace)).map((s) => s.name);
    case 'namespaces':
      return namespaceNames(ctx);
    case 'nodes':
      return ctx.cluster.nodes.map((n) => n.name);
    case 'serviceaccounts':
      return ctx.cluster.serviceAccounts.filter((s) => inNs(s.namespace)).map((s) => s.name);
    case 'deployments':
    case 'statefulsets':
    case 'daemonsets':
      return workloadNames(ctx, kind, namespace);
    default: {
      const policyKind = POLICY_KINDS[kind];
      if (!policyKind) return [];
      return ctx.policies
        .filter(
          (p) =>
            p.kind === policyKind &&
            (policyKind.startsWith('CiliumClusterwide') || inNs(p.namespace)),
        )
        .map((p) => p.name);
    }
  }
}

/** Host names a network tool can reach: `service.namespace`, and bare names in a pod's namespace. */
function hostNames(ctx: CompletionContext): string[] {
  const names: string[] = [];
  for (const s of ctx.cluster.services) {
    names.push(`${s.name}.${s.namespace}`);
    if (ctx.podNamespace === s.namespace) names.push(s.name);
  }
  return names;
}

function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function matching(candidates: Iterable<string>, prefix: string, replaceFrom: number): Completion {
  return {
    candidates: uniqueSorted([...candidates].filter((c) => c.startsWith(prefix))),
    replaceFrom,
  };
}

const NONE = (replaceFrom: number): Completion => ({ candidates: [], replaceFrom });

/** Completes a flag value written inline (`--namespace=db`) or after the flag (`-n db`). */
function flagValue(
  current: Word,
  previous: string | undefined,
  values: (flag: string) => string[] | undefined,
): Completion | undefined {
  const eq = current.text.indexOf('=');
  if (current.text.startsWith('--') && eq > 0) {
    const found = values(current.text.slice(0, eq));
    if (found) return matching(found, current.text.slice(eq + 1), current.start + eq + 1);
  }
  if (previous !== undefined) {
    const found = values(previous);
    if (found) return matching(found, current.text, current.start);
  }
  return undefined;
}

/** Where kubectl looks: `-n`, `--namespace` or `-A` anywhere in the command, else `default`. */
function kubectlNamespace(words: readonly string[]): string | null {
  let namespace: string | null = 'default';
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!;
    if (a === '--') break;
    if (a === '-A' || a === '--all-namespaces') namespace = null;
    else if ((a === '-n' || a === '--namespace') && i + 1 < words.length) namespace = words[++i]!;
    else if (a.startsWith('--namespace=')) namespace = a.slice('--namespace='.length);
    else if (a.startsWith('-n') && a.length > 2 && !a.startsWith('--')) namespace = a.slice(2);
  }
  return namespace;
}

function completeKubectl(
  ctx: CompletionContext,
  args: Word[],
  current: Word,
  after: readonly string[],
): Completion {
  const namespace = kubectlNamespace([...args.map((a) => a.text), current.text, ...after]);
  const positional: string[] = [];
  let afterDashes = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.text;
    if (afterDashes) continue;
    if (a === '--') {
      afterDashes = true;
      continue;
    }
    if (KUBECTL_VALUE_FLAGS.has(a)) i++;
    else if (!a.startsWith('-')) positional.push(a);
  }
  // `kubectl exec POD -- COMMAND`: what follows `--` is a command in the container.
  if (afterDashes) {
    const dashes = args.findIndex((a) => a.text === '--');
    if (dashes === args.length - 1) return matching(ctx.commands, current.text, current.start);
    return NONE(current.start);
  }
  const previous = args[args.length - 1]?.text;
  const value = flagValue(current, previous, (flag) => {
    if (flag === '-n' || flag === '--namespace') return namespaceNames(ctx);
    if (flag === '-o' || flag === '--output') return OUTPUT_FORMATS;
    if (flag === '-f' || flag === '--filename') return [...ctx.files];
    if (KUBECTL_VALUE_FLAGS.has(flag)) return [];
    return undefined;
  });
  if (value) return value;
  if (current.text.startsWith('-')) return matching(KUBECTL_FLAGS, current.text, current.start);

  const sub = positional[0];
  if (sub === undefined) return matching(KUBECTL_SUBCOMMANDS, current.text, current.start);
  const rest = positional.slice(1);
  if (KIND_SUBCOMMANDS.has(sub) || sub === 'explain') {
    const slash = current.text.indexOf('/');
    if (slash >= 0) {
      // TYPE/NAME
      const typed = current.text.slice(0, slash);
      const kind = KINDS[typed.toLowerCase()];
      if (!kind) return NONE(current.start);
      const names = objectNames(ctx, kind, namespace).map((n) => `${typed}/${n}`);
      return matching(names, current.text, current.start);
    }
    if (rest.length === 0) return matching(KIND_NAMES, current.text, current.start);
    if (sub === 'explain') return NONE(current.start);
    const first = rest[0]!;
    if (first.includes('/')) return NONE(current.start);
    const kinds = first.split(',').map((k) => KINDS[k.toLowerCase()]);
    if (kinds.length !== 1 || !kinds[0]) return NONE(current.start);
    return matching(objectNames(ctx, kinds[0], namespace), current.text, current.start);
  }
  if (POD_SUBCOMMANDS.has(sub) && rest.length === 0) {
    return matching(objectNames(ctx, 'pods', namespace), current.text, current.start);
  }
  return NONE(current.start);
}

function completeHubble(ctx: CompletionContext, args: Word[], current: Word): Completion {
  const previous = args[args.length - 1]?.text;
  const value = flagValue(current, previous, (flag) => HUBBLE_VALUES[flag]?.(ctx));
  if (value) return value;
  if (current.text.startsWith('-')) return matching(HUBBLE_FLAGS, current.text, current.start);
  if (!args.some((a) => !a.text.startsWith('-')))
    return matching(HUBBLE_SUBCOMMANDS, current.text, current.start);
  return NONE(current.start);
}

function completeNetworkTool(ctx: CompletionContext, name: string, current: Word): Completion {
  if (current.text.startsWith('-') || current.text.startsWith('+'))
    return matching(NETWORK_FLAGS[name] ?? [], current.text, current.start);
  const scheme = /^(https?:\/\/)/.exec(current.text)?.[1] ?? '';
  if (name === 'curl' || name === 'wget') {
    const hosts = hostNames(ctx).map((h) => `${scheme}${h}`);
    return matching(hosts, current.text, current.start);
  }
  return matching(hostNames(ctx), current.text, current.start);
}

/** Completion for `line` with the cursor at `cursor`. */
export function completeLine(ctx: CompletionContext, line: string, cursor: number): Completion {
  const at = Math.max(0, Math.min(cursor, line.length));
  const { words, current, quoted } = scan(line.slice(0, at));
  if (quoted || current.text.includes('$')) return NONE(current.start);
  const last = words.at(-1)?.text;
  if (last !== undefined && REDIRECTS.has(last)) return NONE(current.start);

  // Skip leading variable assignments and commands that take a command (watch, time, help).
  let i = 0;
  while (i < words.length) {
    const text = words[i]!.text;
    if (ASSIGNMENT.test(text) || PREFIX_COMMANDS.has(text)) {
      i++;
      continue;
    }
    break;
  }
  if (i >= words.length) {
    if (ASSIGNMENT.test(current.text)) return NONE(current.start);
    return matching(ctx.commands, current.text, current.start);
  }
  const command = words[i]!.text;
  const args = words.slice(i + 1);
  if (command === 'kubectl') return completeKubectl(ctx, args, current, wordsAfter(line, at));
  if (command === 'hubble') return completeHubble(ctx, args, current);
  if (NETWORK_TOOLS.has(command)) return completeNetworkTool(ctx, command, current);
  return NONE(current.start);
}
