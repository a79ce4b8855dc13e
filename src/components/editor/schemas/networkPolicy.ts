/**
 * networking.k8s.io/v1 NetworkPolicy as Cilium enforces it, mirroring `networkPolicyObject` in
 * src/engine/validate/schema.ts.
 */
import {
  anything,
  choice,
  doc,
  int,
  labelSelector,
  list,
  obj,
  objectMeta,
  str,
  typeMeta,
  type JsonSchema,
} from './common.ts';

const peer = obj(
  'One peer. `podSelector` and `namespaceSelector` in the same item must both match (AND); put them in separate list items to allow either (OR). An item must use `ipBlock` alone.',
  {
    podSelector: labelSelector(
      "Pods with these labels. Alone, it means pods in the policy's own namespace; next to `namespaceSelector` it narrows the pods of the namespaces that one selects. `{}` means every pod in that scope.",
    ),
    namespaceSelector: labelSelector(
      'Namespaces with these labels (Cilium matches them as `io.cilium.k8s.namespace.labels.<key>` on the pods). `{}` means every namespace, but only pods: never the world, nodes or other reserved identities. Every namespace has the label `kubernetes.io/metadata.name: <name>`.',
    ),
    ipBlock: obj(
      'An IP range. In Cilium it only ever matches addresses outside the cluster: `0.0.0.0/0` includes neither pods (kube-dns among them) nor nodes, even when you address a pod by its IP.',
      {
        cidr: str('The range in CIDR notation, e.g. `192.0.2.0/24`.'),
        except: list(
          'Sub-ranges of `cidr` to leave out of this peer. It only narrows this item: another rule that covers those addresses still allows them.',
          str('A CIDR inside `cidr`.'),
        ),
      },
      ['cidr'],
    ),
  },
);

const port = obj(
  'One port (or port range) and protocol. Policy sees the backend pod after Service translation, so give the `targetPort`, not the Service port.',
  {
    protocol: choice('The L4 protocol; TCP when omitted.', {
      TCP: 'TCP (the default).',
      UDP: 'UDP, e.g. DNS on port 53.',
      SCTP: 'SCTP. Cilium lists it as unsupported for NetworkPolicy, so do not rely on it.',
    }),
    port: doc(
      "A port number, or the name of a container port (resolved against the destination pod's ports). Omitted means every port of the protocol.",
      { type: ['integer', 'string'] },
    ),
    endPort: int(
      'The last port of an inclusive range starting at `port`. Needs a numeric `port`; Cilium enforces it since 1.16 even though its docs still call it missing.',
    ),
  },
);

const spec = obj(
  'What the policy selects and which traffic it allows. NetworkPolicies only allow: every policy that selects a pod adds to what that pod may do.',
  {
    podSelector: labelSelector(
      "The pods this policy applies to, in the policy's namespace. `{}` selects every pod of the namespace. Labels that Cilium drops from identities (such as `statefulset.kubernetes.io/pod-name` or `pod-template-hash`) never match.",
    ),
    policyTypes: list(
      'Which directions the policy isolates. When omitted, ingress is always isolated, and egress only if the policy has an `egress` section: so a policy with only `egress:` rules isolates ingress too, and blocks all incoming traffic.',
      choice('A direction.', {
        Ingress:
          'Selected pods accept only the traffic that some `ingress` rule (of any policy) allows.',
        Egress: 'Selected pods may send only the traffic that some `egress` rule allows.',
      }),
    ),
    ingress: list(
      'Rules for incoming traffic; a connection is allowed if any rule matches it. `ingress: [{}]` (one empty rule) allows everything, unlike in a CiliumNetworkPolicy. An empty list with `policyTypes: [Ingress]` denies all ingress.',
      obj('One ingress rule: traffic from any of `from` to any of `ports`.', {
        from: list(
          'Allowed sources, ORed. Omitted or empty (`from: []`) means every source, including the world outside the cluster.',
          peer,
        ),
        ports: list(
          'Allowed destination ports on the selected pods, ORed. Omitted or empty means all ports and protocols.',
          port,
        ),
      }),
    ),
    egress: list(
      'Rules for outgoing traffic; a connection is allowed if any rule matches it. Remember DNS: once egress is isolated, pods need a rule allowing UDP and TCP 53 to kube-dns in `kube-system`.',
      obj('One egress rule: traffic to any of `to` on any of `ports`.', {
        to: list(
          'Allowed destinations, ORed. Omitted or empty (`to: []`) means every destination, including the world.',
          peer,
        ),
        ports: list(
          'Allowed destination ports, ORed. Omitted or empty means all ports and protocols.',
          port,
        ),
      }),
    ),
  },
  ['podSelector'],
);

export const NETWORK_POLICY_KIND = 'NetworkPolicy';
export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';

/** One NetworkPolicy document. */
export const networkPolicySchema: JsonSchema = obj(
  'A Kubernetes NetworkPolicy. Cilium translates it into its own rules: allow-only, selected by pod labels within one namespace.',
  {
    ...typeMeta(
      NETWORK_POLICY_KIND,
      NETWORK_POLICY_API_VERSION,
      'NetworkPolicy: the portable Kubernetes policy. Cilium deny rules (CiliumNetworkPolicy `ingressDeny`/`egressDeny`) still override what it allows.',
    ),
    metadata: objectMeta(
      'The namespace the policy lives in and applies to: `podSelector` and peers given only by `podSelector` refer to this namespace. Defaults to the current namespace (`default`).',
    ),
    spec,
    status: anything('Written by the cluster; ignored here.'),
  },
);
