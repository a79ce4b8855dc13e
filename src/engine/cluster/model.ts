/** The simulated cluster: plain data built from ordinary manifests. */
import type { Protocol, SourceRange } from '../types.ts';

export interface ClusterNode {
  name: string;
  /** InternalIP. */
  ip: string;
  podCIDR: string;
  labels: Record<string, string>;
  controlPlane: boolean;
  /** Whether ordinary pods are scheduled here (the control plane is tainted). */
  schedulable: boolean;
  declared: boolean;
}

export interface Namespace {
  name: string;
  /** Labels including the automatic `kubernetes.io/metadata.name`. */
  labels: Record<string, string>;
  /** False when the namespace exists only because something referred to it. */
  declared: boolean;
  source?: SourceRange;
}

export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface Pod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** Empty when the pod could not get an address. */
  ip: string;
  nodeName: string;
  serviceAccount: string;
  hostNetwork: boolean;
  ports: ContainerPort[];
  images: string[];
  /** The workload that made it, if any. */
  owner?: { kind: string; name: string };
  source?: SourceRange;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol: Protocol;
  nodePort?: number;
}

export interface Service {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** `None` for a headless service. */
  clusterIP: string;
  /** Absent for a selector-less service. */
  selector?: Record<string, string>;
  ports: ServicePort[];
  labels: Record<string, string>;
  /** Addresses given by Endpoints/EndpointSlice objects for selector-less services. */
  manualEndpoints: string[];
  source?: SourceRange;
}

/** An object the cluster accepted but does not simulate. */
export interface IgnoredObject {
  kind: string;
  namespace?: string;
  name: string;
  file: string;
}

export interface Cluster {
  nodes: ClusterNode[];
  namespaces: Namespace[];
  pods: Pod[];
  services: Service[];
  serviceAccounts: { namespace: string; name: string }[];
  ignored: IgnoredObject[];
}

/** Fixed addresses of the simulated cluster. */
export const POD_CIDR = '10.244.0.0/16';
export const SERVICE_CIDR = '10.96.0.0/12';
export const KUBE_DNS_IP = '10.96.0.10';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
