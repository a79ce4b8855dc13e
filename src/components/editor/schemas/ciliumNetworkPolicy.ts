/**
 * cilium.io/v2 CiliumNetworkPolicy, mirroring `ciliumPolicyObject` in
 * src/engine/validate/schema.ts.
 */
import { anything, list, obj, objectMeta, typeMeta, type JsonSchema } from './common.ts';
import { ciliumRuleSchema } from './ciliumRule.ts';

export const CILIUM_NETWORK_POLICY_KIND = 'CiliumNetworkPolicy';
export const CILIUM_API_VERSION = 'cilium.io/v2';

const RULE_DOC =
  "One rule: which pods of the policy's namespace it selects, and what they may send and receive. It needs at least one non-empty ingress, ingressDeny, egress or egressDeny list (Cilium 1.18 rejects a rule without one). Rules are combined with every other policy selecting the same pods: allows add up, denies win.";

/** One CiliumNetworkPolicy document. */
export const ciliumNetworkPolicySchema: JsonSchema = obj(
  "A CiliumNetworkPolicy: Cilium's own policy for the pods of one namespace, with deny rules, entities, DNS names and L7 (HTTP, DNS) rules. A policy that fails validation is ignored entirely.",
  {
    ...typeMeta(
      CILIUM_NETWORK_POLICY_KIND,
      CILIUM_API_VERSION,
      'CiliumNetworkPolicy: a namespaced Cilium policy.',
    ),
    metadata: objectMeta(
      'The namespace the policy lives in. Its endpointSelector only selects pods of this namespace, and peer selectors default to it too. Defaults to `default`.',
    ),
    spec: ciliumRuleSchema('namespaced', RULE_DOC),
    specs: list(
      'Several rules in one object, as if each were its own policy. Use it instead of, or next to, `spec`.',
      ciliumRuleSchema('namespaced', RULE_DOC),
    ),
    status: anything('Written by the Cilium agents; ignored here.'),
  },
);
