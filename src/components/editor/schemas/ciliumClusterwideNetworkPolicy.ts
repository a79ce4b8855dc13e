/**
 * cilium.io/v2 CiliumClusterwideNetworkPolicy, mirroring `ciliumPolicyObject` in
 * src/engine/validate/schema.ts.
 */
import { anything, list, obj, objectMeta, typeMeta, type JsonSchema } from './common.ts';
import { ciliumRuleSchema } from './ciliumRule.ts';
import { CILIUM_API_VERSION } from './ciliumNetworkPolicy.ts';

export const CILIUM_CLUSTERWIDE_NETWORK_POLICY_KIND = 'CiliumClusterwideNetworkPolicy';

const RULE_DOC =
  'One rule: which pods (in any namespace) or nodes it selects, and what they may send and receive. It needs at least one non-empty ingress, ingressDeny, egress or egressDeny list (Cilium 1.18 rejects a rule without one). Rules are combined with every other policy selecting the same pods: allows add up, denies win.';

/** One CiliumClusterwideNetworkPolicy document. */
export const ciliumClusterwideNetworkPolicySchema: JsonSchema = obj(
  'A CiliumClusterwideNetworkPolicy: the same rules as a CiliumNetworkPolicy, but not tied to a namespace. Its selectors span the whole cluster, kube-system included.',
  {
    ...typeMeta(
      CILIUM_CLUSTERWIDE_NETWORK_POLICY_KIND,
      CILIUM_API_VERSION,
      'CiliumClusterwideNetworkPolicy: a cluster-scoped Cilium policy.',
    ),
    metadata: objectMeta(
      'Not used: the policy is cluster-scoped, so a namespace here changes nothing. To limit it to one namespace, put `io.kubernetes.pod.namespace: <ns>` in the selector.',
    ),
    spec: ciliumRuleSchema('clusterwide', RULE_DOC),
    specs: list(
      'Several rules in one object, as if each were its own policy. Use it instead of, or next to, `spec`.',
      ciliumRuleSchema('clusterwide', RULE_DOC),
    ),
    status: anything('Written by the Cilium agents; ignored here.'),
  },
);
