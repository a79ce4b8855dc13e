/**
 * The rule of a cilium.io/v2 CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, mirroring
 * `ciliumRule` in src/engine/validate/schema.ts. The two kinds share the fields; what differs is
 * the namespace scope of selectors, so the descriptions are written per kind.
 */
import {
  anything,
  bool,
  choice,
  doc,
  int,
  labelSelector,
  list,
  obj,
  str,
  type JsonSchema,
} from './common.ts';

/** Which kind the rule belongs to. */
export type RuleScope = 'namespaced' | 'clusterwide';

/** Mirrors the engine's CRD pattern for `toPorts[].ports[].port`. */
export const PORT_PATTERN =
  '^((6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})|([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*)$';

const ENTITY_DOCS: Record<string, string> = {
  all: 'Everything, inside and outside the cluster.',
  world:
    'Everything outside the cluster (the same as `0.0.0.0/0` and `::/0`). Never pods, nodes or kube-dns.',
  cluster:
    'Every endpoint of this cluster: pods in all namespaces, the local host, remote nodes and the other reserved identities. Never the world.',
  host: 'The local node, including pods that use host networking. Traffic from it to local pods (such as kubelet probes) is allowed anyway.',
  init: 'Endpoints whose identity is not resolved yet.',
  ingress: "Cilium's Envoy ingress/Gateway proxy.",
  unmanaged: 'Endpoints that Cilium does not manage.',
  'remote-node':
    'Other nodes of the cluster and their host-network pods. Unlike `host`, not allowed automatically.',
  health: 'Cilium health-check endpoints.',
  none: 'Nothing at all.',
  'kube-apiserver':
    'The Kubernetes API server, in or out of the cluster. Reliable for egress; for ingress it does not work on some managed clusters.',
};

function selectorDocs(scope: RuleScope): {
  endpoint: string;
  peer: (dir: 'from' | 'to') => string;
} {
  if (scope === 'namespaced')
    return {
      endpoint:
        "The pods this rule applies to. Cilium always adds the policy's namespace, so it can only select pods there: `endpointSelector: {}` means every pod of the namespace. Labels that Cilium drops from identities (such as `pod-template-hash`) never match.",
      peer: (dir) =>
        `Pods ${dir === 'from' ? 'that may connect' : 'that may be reached'}, ORed. Each selector is limited to the policy's own namespace unless it mentions \`io.kubernetes.pod.namespace\` (e.g. \`io.kubernetes.pod.namespace: kube-system\`, or the operator \`Exists\` for all namespaces) or a namespace label key \`io.cilium.k8s.namespace.labels.<key>\`. So \`[{}]\` means every pod of this namespace, and never the world or the host. An explicitly empty list (\`[]\`) selects nothing, even with \`toPorts\`.`,
    };
  return {
    endpoint:
      'The pods this rule applies to, in every namespace. `endpointSelector: {}` selects every pod of the cluster, kube-system included: an ingress section there can cut off CoreDNS for everyone. Use `io.kubernetes.pod.namespace: <ns>` to stay inside one namespace.',
    peer: (dir) =>
      `Pods ${dir === 'from' ? 'that may connect' : 'that may be reached'}, in any namespace unless the selector names one with \`io.kubernetes.pod.namespace\`, ORed. Only pods: \`[{}]\` means every pod of the cluster, never the world or the host. An explicitly empty list (\`[]\`) selects nothing, even with \`toPorts\`.`,
  };
}

const portProtocol = obj('One port (or range) and protocol.', {
  port: str(
    'A port number from 0 to 65535 (quote it: `"80"`), or the name of a container port. On ingress a name is looked up in the selected pods, on egress in the destination pods. `0` or no port means every port.',
    { pattern: PORT_PATTERN },
  ),
  endPort: int(
    'The last port of an inclusive range starting at `port`. Ignored for named ports; not supported with DNS rules.',
    { minimum: 0, maximum: 65535 },
  ),
  protocol: choice('The protocol; empty or `ANY` means any protocol that has ports.', {
    TCP: 'TCP.',
    UDP: 'UDP.',
    SCTP: 'SCTP; needs the agent option `enable-sctp` (beta).',
    ICMP: 'ICMP. Not simulated here: the entry matches no TCP, UDP or SCTP traffic.',
    ICMPV6: 'ICMPv6. Not simulated here.',
    VRRP: 'VRRP. Not simulated here.',
    IGMP: 'IGMP. Not simulated here.',
    ANY: 'TCP, UDP and SCTP alike.',
  }),
});

const ports = list('Ports and protocols, ORed. At most 40 entries.', portProtocol, {
  maxItems: 40,
});

const httpRule = obj(
  'One HTTP rule. A request is allowed when all the fields given here match; it is enough that one rule of the list matches. `{}` matches every request.',
  {
    path: str(
      'A regular expression (RE2) that must match the whole request path, query string included. It is already a regex: `/api` matches only `/api`, `/api/.*` matches below it, `^`/`$` are unnecessary, and `.` matches any character (write `\\.` for a dot). Case-sensitive.',
    ),
    method: str(
      'A regular expression that must match the whole method, e.g. `GET` or `GET|HEAD`. Case-sensitive: `get` matches nothing.',
    ),
    host: str(
      'A regular expression that must match the whole Host (authority). An unescaped `.` matches any character, so `foo.bar.com` also matches `fooXbar.com`.',
    ),
    headers: list(
      'Headers the request must carry. `"Name: value"` requires that exact value (an exact, case-sensitive comparison, not a regex); `"Name"` alone only requires the header. Header names are case-insensitive.',
      str('A header name, optionally followed by `: ` and the exact value.'),
    ),
    headerMatches: list(
      'Header checks with more control than `headers`.',
      obj(
        'One header check.',
        {
          name: str('The header name (case-insensitive).'),
          value: str(
            'The exact value required. With neither value nor secret, the header only has to be present.',
          ),
          secret: obj(
            'Take the required value from a Kubernetes Secret instead of writing it here. A missing secret with no `value` makes the check fail.',
            {
              name: str('The Secret name.'),
              namespace: str('The Secret namespace.'),
            },
            ['name'],
          ),
          mismatch: choice(
            'What to do when the value differs. Without it, a mismatch fails the rule; with any of these, the rule still matches.',
            {
              LOG: 'Keep matching and log the mismatch.',
              ADD: 'Keep matching and add the header with the expected value.',
              DELETE: 'Keep matching and remove the header.',
              REPLACE: 'Keep matching and replace the value with the expected one.',
            },
          ),
        },
        ['name'],
      ),
    ),
  },
);

const kafkaRule = obj(
  'One Kafka rule; empty fields match anything. Kafka rules were deprecated in Cilium 1.18 and removed in 1.20, where a policy with `rules.kafka` is rejected.',
  {
    role: choice('A shorthand for a set of API keys; cannot be combined with `apiKey`.', {
      produce: 'Produce, metadata and apiversions requests.',
      consume:
        'Fetch, offsets, metadata, offsetcommit, offsetfetch, findcoordinator, joingroup, heartbeat, leavegroup, syncgroup and apiversions requests.',
    }),
    apiKey: str('One Kafka API key by name (e.g. `produce`, `fetch`); case-insensitive.'),
    apiVersion: str('The exact API version the request must use.'),
    clientID: str('The exact client ID the request must carry.'),
    topic: str(
      'Every topic named in the request must be this one. Requests without topics (such as apiversions) are not checked against it.',
    ),
  },
);

const fqdnFields = {
  matchName: str(
    'An exact DNS name, compared case-insensitively; the trailing dot is optional. Use either matchName or matchPattern.',
  ),
  matchPattern: str(
    'A DNS name where `*` stands for letters, digits, `-` and `_` but never a dot: `*.example.com` matches `a.example.com` but neither `example.com` nor `a.b.example.com`. `*` alone matches every name.',
  ),
};

const dnsRule = obj(
  'One allowed query name. Queries are checked by name only, not by type.',
  fqdnFields,
);

const l7Rules = obj(
  'Layer 7 rules for the ports of this entry. Traffic on these ports goes through the proxy; requests that no rule allows are answered by the proxy (HTTP 403, DNS REFUSED) instead of being dropped. Use only one kind of rule per block.',
  {
    http: list(
      'HTTP rules, ORed. Rules for the same peer and port from several policies are merged; if any allowing rule for that peer and port has no L7 rules, every request is allowed.',
      httpRule,
    ),
    kafka: list(
      'Kafka rules, ORed. Deprecated in 1.18 and removed in Cilium 1.20: there the whole policy is rejected.',
      kafkaRule,
    ),
    dns: list(
      'DNS rules (egress only, usually on port 53 towards kube-dns): lookups go through the DNS proxy, which refuses names that no rule allows. Only names allowed and answered here teach `toFQDNs` their IPs.',
      dnsRule,
    ),
    l7proto: str('The name of a custom L7 protocol parser in the proxy.'),
    l7: list(
      'Generic key/value rules for the `l7proto` parser.',
      doc('One generic rule as key/value pairs.', {
        type: 'object',
        additionalProperties: str('A value.'),
      }),
    ),
  },
);

const tlsContext = (what: string): JsonSchema =>
  obj(`TLS material used to ${what}; needs the L7 proxy.`, {
    secret: obj('The Kubernetes Secret that holds the certificates.', {
      name: str('The Secret name.'),
      namespace: str('The Secret namespace.'),
    }),
    trustedCA: str('The key in the Secret holding the trusted CA bundle.'),
    certificate: str('The key in the Secret holding the certificate.'),
    privateKey: str('The key in the Secret holding the private key.'),
  });

const portRule = obj('Ports (and optionally L7 rules) that apply to every peer of this rule.', {
  ports,
  rules: l7Rules,
  terminatingTLS: tlsContext('terminate TLS towards the client, so the proxy can read requests'),
  originatingTLS: tlsContext('originate TLS towards the server'),
  serverNames: list(
    'TLS server names (SNI) the connection must present; others are rejected. Needs the L7 proxy.',
    str('A server name.'),
  ),
  listener: anything('A reference to a CiliumEnvoyConfig listener to send the traffic through.'),
});

const portDenyRule = obj('Ports to deny for every peer of this rule.', { ports });

const cidrRule = obj(
  'An IP range. Like `toCIDR`, it never matches addresses of pods that Cilium manages, and by default not node addresses either.',
  {
    cidr: str('The range in CIDR notation, e.g. `10.0.0.0/8`.'),
    cidrGroupRef: str('The name of a CiliumCIDRGroup whose ranges to use instead of `cidr`.'),
    cidrGroupSelector: labelSelector('Select CiliumCIDRGroups by label instead of naming one.'),
    except: list(
      'Sub-ranges of `cidr` left out of this item. This is not a deny: another rule covering those addresses still allows them (and in a deny rule they stay undenied).',
      str('A CIDR inside `cidr`.'),
    ),
  },
);

const icmps = list(
  'ICMP types to allow. Needs the agent option `enable-icmp-rules`; not simulated here.',
  obj('A group of ICMP matches.', {
    fields: list(
      'ICMP types, ORed.',
      obj('One ICMP type.', {
        type: doc('The ICMP type, as a number or a name such as `EchoRequest`.', {
          type: ['integer', 'string'],
        }),
        family: choice('The IP family; IPv4 when omitted.', {
          IPv4: 'ICMP for IPv4.',
          IPv6: 'ICMPv6.',
        }),
      }),
    ),
  }),
);

const entities = (dir: 'from' | 'to'): JsonSchema =>
  list(
    `Reserved identities ${dir === 'from' ? 'that may connect' : 'that may be reached'}, ORed, such as \`world\` for everything outside the cluster or \`cluster\` for everything inside.`,
    choice('An entity.', ENTITY_DOCS),
  );

const cidrs = (dir: 'from' | 'to'): JsonSchema =>
  list(
    `IP ranges ${dir === 'from' ? 'that may connect' : 'that may be reached'}, in CIDR notation. They match addresses outside the cluster only: a range that covers a pod IP does not allow that pod, even addressed by IP, and node IPs are not matched by default.`,
    str('A CIDR such as `192.0.2.0/24`, or a single address.'),
  );

const authentication = obj(
  'Mutual authentication between the peers (for example with SPIRE) before traffic flows.',
  {
    mode: choice('Whether authentication is needed.', {
      disabled: 'No authentication (the default).',
      required: 'Traffic is dropped until the peers have authenticated each other.',
      'test-always-fail': 'For testing: authentication always fails.',
    }),
  },
  ['mode'],
);

const service = obj('A Kubernetes Service, named or selected by labels.', {
  k8sService: obj('A Service by name.', {
    serviceName: str('The Service name.'),
    namespace: str("The Service namespace; defaults to the policy's namespace."),
  }),
  k8sServiceSelector: obj(
    'Services selected by label.',
    {
      selector: labelSelector('Labels of the Services.'),
      namespace: str('Only Services in this namespace.'),
    },
    ['selector'],
  ),
});

const ONE_PEER_KIND =
  'A rule may use only one kind of peer (one of the `from…`/`to…` lists): combining two makes the whole policy invalid, and Cilium then ignores it. Put different kinds in separate rules.';

function ingressRule(scope: RuleScope, deny: boolean): JsonSchema {
  const s = selectorDocs(scope);
  const portsDoc = deny
    ? 'Ports to deny. Without a peer list, the ports are denied from every source.'
    : 'Ports the peers may use, ORed; they apply to every peer of the rule. With no peer list, the ports are open to every source, the world included. Without toPorts, all ports and protocols are allowed (ICMP too).';
  return obj(
    `${deny ? 'One ingress deny rule: traffic from its peers to its ports is dropped, whatever any policy allows.' : 'One ingress rule: traffic from any of its peers to any of its ports is allowed.'} ${ONE_PEER_KIND}`,
    {
      fromEndpoints: list(s.peer('from'), labelSelector('Labels of the source pods.')),
      fromRequires: list(
        'Deprecated in 1.17 and removed in 1.19: labels every source must also have, added to all rules selecting the same pods. It never allows anything by itself.',
        labelSelector('Labels every source must have.'),
      ),
      fromCIDR: cidrs('from'),
      fromCIDRSet: list('IP ranges with exceptions or CIDR group references, ORed.', cidrRule),
      fromEntities: entities('from'),
      fromGroups: list(
        'Cloud provider groups (such as AWS security groups). The simulated cluster has none, so they select nothing here.',
        anything('A cloud provider group reference.'),
      ),
      fromNodes: list(
        'Nodes by label. Needs the agent option `enable-node-selector-labels` (off by default), so it selects nothing here.',
        labelSelector('Labels of the source nodes.'),
      ),
      toPorts: list(portsDoc, deny ? portDenyRule : portRule),
      icmps,
      ...(deny ? {} : { authentication }),
    },
  );
}

function egressRule(scope: RuleScope, deny: boolean): JsonSchema {
  const s = selectorDocs(scope);
  const portsDoc = deny
    ? 'Ports to deny. Without a peer list, the ports are denied to every destination.'
    : 'Ports that may be used towards the peers, ORed. With no peer list, the ports are open to every destination, the world included. Without toPorts, all ports and protocols are allowed (ICMP too). For DNS, add `rules: {dns: [...]}` here so that `toFQDNs` can learn addresses.';
  return obj(
    `${deny ? 'One egress deny rule: traffic to its peers on its ports is dropped, whatever any policy allows.' : 'One egress rule: traffic to any of its peers on any of its ports is allowed.'} ${ONE_PEER_KIND}`,
    {
      toEndpoints: list(s.peer('to'), labelSelector('Labels of the destination pods.')),
      toRequires: list(
        'Deprecated in 1.17 and removed in 1.19: labels every destination must also have, added to all rules selecting the same pods. It never allows anything by itself.',
        labelSelector('Labels every destination must have.'),
      ),
      toCIDR: cidrs('to'),
      toCIDRSet: list('IP ranges with exceptions or CIDR group references, ORed.', cidrRule),
      toEntities: entities('to'),
      toServices: list(
        'Kubernetes Services. For a Service without a selector, its endpoint addresses are allowed as CIDRs. For a Service with a selector, its pods are allowed from Cilium 1.17 on (1.16 ignores it). Combining with `toPorts` is rejected in 1.16.',
        service,
      ),
      toGroups: list(
        'Cloud provider groups (such as AWS security groups). The simulated cluster has none, so they select nothing here.',
        anything('A cloud provider group reference.'),
      ),
      toNodes: list(
        'Nodes by label. Needs the agent option `enable-node-selector-labels` (off by default), so it selects nothing here.',
        labelSelector('Labels of the destination nodes.'),
      ),
      toPorts: list(portsDoc, deny ? portDenyRule : portRule),
      icmps,
      ...(deny
        ? {}
        : {
            toFQDNs: list(
              "Destinations by DNS name. They match only IPs that Cilium's DNS proxy saw in answers for matching names, so the pod also needs an egress rule to kube-dns with a `rules.dns` entry allowing those names (plain DNS on port 53 without `rules.dns` is not proxied and teaches nothing: the connection is dropped). Cannot be combined with other peers in one rule.",
              obj('One DNS name or pattern.', fqdnFields),
            ),
            authentication,
          }),
    },
  );
}

const INGRESS_LIST =
  'Ingress allow rules, ORed. A non-empty list puts the selected pods in ingress default-deny: only what some rule allows gets in. `ingress: [{}]` is one rule with no peer, which allows nothing and so denies all ingress; `ingress: []` or no `ingress` key denies nothing.';
const EGRESS_LIST =
  'Egress allow rules, ORed. A non-empty list puts the selected pods in egress default-deny: only what some rule allows goes out (remember DNS to kube-dns). `egress: [{}]` denies all egress; `egress: []` or no `egress` key denies nothing. Replies to accepted connections are never blocked.';

/** One Cilium rule (the `spec` of a CNP or CCNP, or an item of `specs`). */
export function ciliumRuleSchema(scope: RuleScope, text: string): JsonSchema {
  const s = selectorDocs(scope);
  return obj(text, {
    endpointSelector: labelSelector(
      `${s.endpoint} Give exactly one of endpointSelector and nodeSelector.`,
    ),
    nodeSelector:
      scope === 'namespaced'
        ? {
            ...labelSelector(
              'Not allowed in a CiliumNetworkPolicy: node (host) policies exist only as CiliumClusterwideNetworkPolicy. Use `endpointSelector`.',
            ),
            doNotSuggest: true,
          }
        : labelSelector(
            'Selects nodes instead of pods, making this a host policy. Host policies need the host firewall (off by default), so they have no effect here. Give exactly one of endpointSelector and nodeSelector.',
          ),
    ingress: list(INGRESS_LIST, ingressRule(scope, false)),
    ingressDeny: list(
      'Ingress deny rules (L3/L4 only, no L7 rules). Deny beats any allow, from any policy kind. A non-empty list also puts the selected pods in ingress default-deny.',
      ingressRule(scope, true),
    ),
    egress: list(EGRESS_LIST, egressRule(scope, false)),
    egressDeny: list(
      'Egress deny rules (L3/L4 only, no L7 rules, no toFQDNs). Deny beats any allow, from any policy kind. A non-empty list also puts the selected pods in egress default-deny.',
      egressRule(scope, true),
    ),
    labels: list(
      'Labels on the rule itself, for reference and for `cilium policy` tooling; they do not affect verdicts.',
      obj(
        'One label.',
        {
          key: str('The label key.'),
          value: str('The label value.'),
          source: str('The label source, e.g. `k8s` or `unspec`.'),
        },
        ['key'],
      ),
    ),
    enableDefaultDeny: obj(
      'Whether this rule puts the selected pods into default-deny for a direction (default true for a direction that has rules). With `false`, its allows and denies still apply, but on their own they do not close the direction. A pod is in default-deny as soon as any selecting rule asks for it.',
      {
        ingress: bool('Whether the ingress rules make ingress default-deny.'),
        egress: bool('Whether the egress rules make egress default-deny.'),
      },
    ),
    description: str('A human-readable note about the rule; no effect on verdicts.'),
    log: obj('Policy verdict logging for this rule.', {
      value: str('A value attached to the verdict logs of this rule.'),
    }),
  });
}
