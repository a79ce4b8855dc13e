/**
 * The resource types the simulated API server serves, as `kubectl api-resources` lists them:
 * how each is spelled on the command line (plural, singular, short names, `plural.group`), its
 * group and version, and whether it lives in a namespace.
 */

export interface ResourceType {
  kind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  /** API group; empty for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
}

const t = (
  kind: string,
  plural: string,
  shortNames: string[],
  group: string,
  version: string,
  namespaced = true,
): ResourceType => ({
  kind,
  plural,
  singular: kind.toLowerCase(),
  shortNames,
  group,
  version,
  namespaced,
});

/** Every served type, in `kubectl api-resources` order (core first, then by group). */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  t('ConfigMap', 'configmaps', ['cm'], '', 'v1'),
  t('Endpoints', 'endpoints', ['ep'], '', 'v1'),
  t('Event', 'events', ['ev'], '', 'v1'),
  t('Namespace', 'namespaces', ['ns'], '', 'v1', false),
  t('Node', 'nodes', ['no'], '', 'v1', false),
  t('Pod', 'pods', ['po'], '', 'v1'),
  t('Secret', 'secrets', [], '', 'v1'),
  t('ServiceAccount', 'serviceaccounts', ['sa'], '', 'v1'),
  t('Service', 'services', ['svc'], '', 'v1'),
  t('LimitRange', 'limitranges', ['limits'], '', 'v1'),
  t('PersistentVolumeClaim', 'persistentvolumeclaims', ['pvc'], '', 'v1'),
  t('PersistentVolume', 'persistentvolumes', ['pv'], '', 'v1', false),
  t('ResourceQuota', 'resourcequotas', ['quota'], '', 'v1'),
  t(
    'CustomResourceDefinition',
    'customresourcedefinitions',
    ['crd', 'crds'],
    'apiextensions.k8s.io',
    'v1',
    false,
  ),
  t('DaemonSet', 'daemonsets', ['ds'], 'apps', 'v1'),
  t('Deployment', 'deployments', ['deploy'], 'apps', 'v1'),
  t('ReplicaSet', 'replicasets', ['rs'], 'apps', 'v1'),
  t('StatefulSet', 'statefulsets', ['sts'], 'apps', 'v1'),
  t('HorizontalPodAutoscaler', 'horizontalpodautoscalers', ['hpa'], 'autoscaling', 'v2'),
  t('CronJob', 'cronjobs', ['cj'], 'batch', 'v1'),
  t('Job', 'jobs', [], 'batch', 'v1'),
  t(
    'CiliumClusterwideNetworkPolicy',
    'ciliumclusterwidenetworkpolicies',
    ['ccnp'],
    'cilium.io',
    'v2',
    false,
  ),
  t('CiliumEndpoint', 'ciliumendpoints', ['cep', 'ciliumep'], 'cilium.io', 'v2'),
  t('CiliumIdentity', 'ciliumidentities', ['ciliumid'], 'cilium.io', 'v2', false),
  t('CiliumNetworkPolicy', 'ciliumnetworkpolicies', ['cnp', 'ciliumnp'], 'cilium.io', 'v2'),
  t('CiliumNode', 'ciliumnodes', ['cn', 'ciliumn'], 'cilium.io', 'v2', false),
  t('EndpointSlice', 'endpointslices', [], 'discovery.k8s.io', 'v1'),
  t('Ingress', 'ingresses', ['ing'], 'networking.k8s.io', 'v1'),
  t('NetworkPolicy', 'networkpolicies', ['netpol'], 'networking.k8s.io', 'v1'),
  t('PodDisruptionBudget', 'poddisruptionbudgets', ['pdb'], 'policy', 'v1'),
  t('ClusterRoleBinding', 'clusterrolebindings', [], 'rbac.authorization.k8s.io', 'v1', false),
  t('ClusterRole', 'clusterroles', [], 'rbac.authorization.k8s.io', 'v1', false),
  t('RoleBinding', 'rolebindings', [], 'rbac.authorization.k8s.io', 'v1'),
  t('Role', 'roles', [], 'rbac.authorization.k8s.io', 'v1'),
  t('StorageClass', 'storageclasses', ['sc'], 'storage.k8s.io', 'v1', false),
];

/** What `kubectl get all` lists, in its order. */
export const ALL_CATEGORY = [
  'pods',
  'services',
  'daemonsets',
  'deployments',
  'replicasets',
  'statefulsets',
  'jobs',
  'cronjobs',
];

/** Finds a type from what was typed: `po`, `pod`, `Pods`, `deployments.apps`, `cnp`... */
export function findType(typed: string): ResourceType | undefined {
  const s = typed.toLowerCase();
  const dot = s.indexOf('.');
  const name = dot >= 0 ? s.slice(0, dot) : s;
  const group = dot >= 0 ? s.slice(dot + 1) : undefined;
  return RESOURCE_TYPES.find(
    (r) =>
      (group === undefined || r.group === group || `${r.version}.${r.group}` === group) &&
      (r.plural === name || r.singular === name || r.shortNames.includes(name)),
  );
}

/** The type of an object from its kind (and apiVersion, when the group matters). */
export function typeForKind(kind: string, apiVersion?: string): ResourceType | undefined {
  const r = RESOURCE_TYPES.find((x) => x.kind === kind);
  if (!r || apiVersion === undefined) return r;
  return apiVersion === apiVersionOf(r) ? r : undefined;
}

/** `v1`, `apps/v1`, `cilium.io/v2`. */
export function apiVersionOf(r: ResourceType): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** How the name printer spells an object's type: `pod`, `deployment.apps`, `ciliumnetworkpolicy.cilium.io`. */
export function kindRef(r: ResourceType): string {
  return r.group === '' ? r.singular : `${r.singular}.${r.group}`;
}

/** How API errors spell a type: `pods`, `deployments.apps`, `ciliumnetworkpolicies.cilium.io`. */
export function resourceRef(r: ResourceType): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}
