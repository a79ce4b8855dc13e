import { expect, test } from 'vitest';
import { SimWorld } from '../../world.ts';
import { repositoryRules } from './dbg-policy.ts';

const CLUSTER = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
`;

test('a policy written with an empty namespace is in force in default, and the agent lists it', () => {
  const policy = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web-in, namespace: ""}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{}]
`;
  const world = new SimWorld({
    files: [
      { name: 'cluster.yaml', text: CLUSTER },
      { name: 'policy.yaml', text: policy },
    ],
  });
  expect(world.engine.policies.map((p) => p.key)).toEqual(['CiliumNetworkPolicy/default/web-in']);
  const rules = repositoryRules(world);
  expect(rules).toHaveLength(1);
  expect(rules[0]!['labels']).toContainEqual(
    expect.objectContaining({ key: 'io.cilium.k8s.policy.namespace', value: 'default' }),
  );
});
