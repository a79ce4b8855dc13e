/**
 * The version table (versions.ts) and what each row changes.
 *
 * 1. Every row holds for every release from its `since` on and for none before.
 * 2. Every row says where the fact comes from.
 * 3. Every behaviour is observable through the engine: a small manifest is loaded under each
 *    release and the outcome must follow `hasBehaviour`. The map `OBSERVE` is keyed by every
 *    behaviour id, so a new row does not compile without its observation.
 *
 * | behaviour                        | manifest                                    | observed as                          |
 * | -------------------------------- | ------------------------------------------- | ------------------------------------ |
 * | toservices-selector              | egress toServices → a service with selector | the client reaches the backend pod   |
 * | toservices-with-toports          | toServices + toPorts in one egress rule     | no `invalid-policy`, policy applies  |
 * | empty-rule-rejected              | CNP with `ingress: []` and `egress: []`     | `invalid-policy`, policy ignored     |
 * | l7-wildcard-when-default-allow   | (the L7 stage's tests)                      | table row only                       |
 * | kafka-rules-removed              | ingress with `rules.kafka`                  | `invalid-policy`, policy ignored     |
 */
import { describe, expect, test } from 'vitest';
import { Engine } from './engine.ts';
import { referenceVerdict } from './testing/reference.ts';
import type { CiliumVersion } from './types.ts';
import {
  CILIUM_VERSIONS,
  hasBehaviour,
  VERSION_DIFFERENCES,
  type VersionBehaviour,
} from './versions.ts';

const CLIENT_AND_WEB = `apiVersion: v1
kind: Pod
metadata:
  name: client
  labels:
    app: client
spec:
  containers:
    - name: c
      image: curl
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
    - name: c
      image: nginx
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
`;

/** One CiliumNetworkPolicy named `name` with the given spec (YAML, indented by two). */
function cnp(name: string, spec: string): string {
  return `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata:
  name: ${name}
spec:
${spec}`;
}

const TOSERVICES = cnp(
  'to-web',
  `  endpointSelector:
    matchLabels:
      app: client
  egress:
    - toServices:
        - k8sService:
            serviceName: web
            namespace: default
`,
);

const TOSERVICES_TOPORTS = cnp(
  'to-web-8080',
  `  endpointSelector:
    matchLabels:
      app: client
  egress:
    - toServices:
        - k8sService:
            serviceName: web
            namespace: default
      toPorts:
        - ports:
            - port: "8080"
              protocol: TCP
`,
);

const EMPTY_SECTIONS = cnp(
  'empty-sections',
  `  endpointSelector: {}
  ingress: []
  egress: []
`,
);

const KAFKA = cnp(
  'kafka-produce',
  `  endpointSelector:
    matchLabels:
      app: web
  ingress:
    - fromEndpoints:
        - matchLabels:
            app: client
      toPorts:
        - ports:
            - port: "9092"
              protocol: TCP
          rules:
            kafka:
              - role: produce
                topic: orders
`,
);

function load(version: CiliumVersion, ...docs: string[]): Engine {
  const engine = new Engine({ ciliumVersion: version });
  engine.load([{ name: 'manifests.yaml', text: docs.join('---\n') }]);
  return engine;
}

/** The `invalid-policy` errors reported for the policy `name`. */
function invalidPolicy(engine: Engine, name: string): string[] {
  return engine.diagnostics
    .filter((d) => d.name === name && d.code === 'invalid-policy' && d.severity === 'error')
    .map((d) => d.message);
}

/** Whether the policy `name` is in force. */
function applied(engine: Engine, name: string): boolean {
  return engine.policies.some((p) => p.ref.name === name);
}

/** Whether the policy was rejected, checking that the two views of it agree. */
function rejected(engine: Engine, name: string): boolean {
  const errors = invalidPolicy(engine, name);
  expect(applied(engine, name), errors.join('; ')).toBe(errors.length === 0);
  return errors.length > 0;
}

/**
 * How each behaviour shows under one release: `true` when the release behaves as the row's
 * `behaviour`, `false` when it behaves as `before`; `null` when it is tested elsewhere.
 */
const OBSERVE: Record<VersionBehaviour, (version: CiliumVersion) => boolean | null> = {
  'toservices-selector': (version) => {
    // Through the reference evaluator, which reads the table for it; the engine's own path is
    // checked below as well.
    const engine = load(version, CLIENT_AND_WEB, TOSERVICES);
    expect(invalidPolicy(engine, 'to-web')).toEqual([]);
    const pod = (name: string) => engine.cluster.pods.find((p) => p.name === name)!;
    const input = { cluster: engine.cluster, policies: engine.policies, options: engine.options };
    return referenceVerdict(input, pod('client'), pod('web'), 8080, 'TCP').allowed;
  },
  'toservices-with-toports': (version) =>
    !rejected(load(version, CLIENT_AND_WEB, TOSERVICES_TOPORTS), 'to-web-8080'),
  'empty-rule-rejected': (version) => rejected(load(version, EMPTY_SECTIONS), 'empty-sections'),
  'l7-wildcard-when-default-allow': () => null,
  'kafka-rules-removed': (version) =>
    rejected(load(version, CLIENT_AND_WEB, KAFKA), 'kafka-produce'),
};

const CASES = VERSION_DIFFERENCES.flatMap((row) =>
  CILIUM_VERSIONS.map((version) => ({
    id: row.id,
    since: row.since,
    version,
    expected: CILIUM_VERSIONS.indexOf(version) >= CILIUM_VERSIONS.indexOf(row.since),
  })),
);

describe('the table', () => {
  test.each(CASES)('$id (since $since) under $version: $expected', (c) => {
    expect(hasBehaviour(c.version, c.id)).toBe(c.expected);
  });

  test.each(VERSION_DIFFERENCES.map((row) => ({ ...row })))(
    '$id says what changes and where that comes from',
    (row) => {
      expect(row.source.trim()).not.toBe('');
      expect(row.behaviour.trim()).not.toBe('');
      expect(row.before.trim()).not.toBe('');
      expect(CILIUM_VERSIONS).toContain(row.since);
    },
  );

  test('ids are unique', () => {
    const ids = VERSION_DIFFERENCES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('an unknown id is an error, not a silent false', () => {
    expect(() => hasBehaviour('1.18', 'no-such-behaviour' as VersionBehaviour)).toThrow(
      /unknown version behaviour/,
    );
  });

  test('every behaviour in the table has an observation', () => {
    expect(Object.keys(OBSERVE).sort()).toEqual(VERSION_DIFFERENCES.map((r) => r.id).sort());
  });

  test('L7 rules of a default-allow rule get a wildcard from 1.18 (evaluated by the L7 stage)', () => {
    const row = VERSION_DIFFERENCES.find((r) => r.id === 'l7-wildcard-when-default-allow')!;
    expect(row.since).toBe('1.18');
    expect(row.source).toMatch(/ensureWildcard/);
  });
});

describe('what each behaviour changes', () => {
  test.each(CASES.filter((c) => c.id !== 'l7-wildcard-when-default-allow'))(
    '$id under $version: $expected',
    (c) => {
      expect(OBSERVE[c.id](c.version)).toBe(c.expected);
    },
  );

  // The engine's own toServices path (evaluate/policy-index.ts) gives the same answers.
  test.each(CILIUM_VERSIONS)(
    'toServices with a selector through the engine under %s',
    (version) => {
      const engine = load(version, CLIENT_AND_WEB, TOSERVICES);
      const r = engine.probe({ id: 'p', from: 'default/client', to: 'default/web', port: 8080 });
      expect(r.error).toBeUndefined();
      expect(r.verdict, r.reason).toBe(
        hasBehaviour(version, 'toservices-selector') ? 'allowed' : 'denied',
      );
    },
  );

  test('the rejections name the reason', () => {
    expect(invalidPolicy(load('1.18', EMPTY_SECTIONS), 'empty-sections')).toEqual([
      'rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny',
    ]);
    expect(
      invalidPolicy(load('1.16', CLIENT_AND_WEB, TOSERVICES_TOPORTS), 'to-web-8080').join(),
    ).toMatch(/toServices cannot be combined with toPorts/);
    expect(invalidPolicy(load('1.20', CLIENT_AND_WEB, KAFKA), 'kafka-produce')).toEqual([
      'Kafka rules are not supported in Cilium 1.20 and later (Kafka-aware policy was removed)',
    ]);
  });
});
