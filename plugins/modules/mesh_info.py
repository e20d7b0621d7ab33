#!/usr/bin/python
# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mesh_info
short_description: Read what a federation needs to know about one service mesh
version_added: 0.1.0
author:
  - servicemesh.federation contributors (@servicemesh-federation)
description:
  - Reads one mesh from its own cluster, through the Kubernetes API only; never reads Secrets.
  - The ServiceMeshControlPlane's version, readiness and trust domain.
  - The root certificate published in the ConfigMap C(istio-ca-root-cert) (key C(root-cert.pem)) of the control plane
    namespace, with its SHA-256 fingerprint and expiry; a bundle (root plus intermediate) is returned whole.
  - Each federation ingress gateway's address as a peer must use it, a LoadBalancer's IP or host name, or for a
    NodePort Service the nodes' addresses (ExternalIP, else InternalIP) with the node ports of C(https-discovery)
    (8188) and C(tls) (15443), and a platform hint while a load balancer is pending. With O(wait), waits for the
    addresses.
  - The existing ServiceMeshPeers and their connection state, and whether the Maistra APIs (C(maistra.io/v2),
    C(federation.maistra.io/v1)) are served.
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
  - servicemesh.federation.attributes.read_only
attributes:
  platform:
    support: full
    platforms: kubernetes
  action_group:
    support: full
    membership:
      - servicemesh.federation.federation
options:
  namespace:
    description: The mesh's control plane namespace.
    type: str
    required: true
  smcp_name:
    description:
      - Name of the ServiceMeshControlPlane. Default the only one in O(namespace).
    type: str
  gateways:
    description:
      - Names of the federation ingress gateway Services to resolve (C(ingress-<peer>)).
      - Default every Service in O(namespace) labelled C(federation.maistra.io/ingress-for). An empty list resolves none.
    type: list
    elements: str
  platform:
    description:
      - The cluster's platform; only shapes the hint given while a load balancer is pending.
    type: str
    choices: [aws, azure, gcp, baremetal, ibmz, ibmpower]
  wait:
    description:
      - Wait until every gateway in O(gateways) has an address; fail with the hint after O(wait_timeout).
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait for gateway addresses.
    type: int
    default: 300
requirements:
  - kubernetes >= 24.2.0
  - PyYAML >= 3.11
  - cryptography (for the certificate's expiry; without it C(not_after) is null)
seealso:
  - module: servicemesh.federation.federation_status
"""

EXAMPLES = r"""
- name: Read red-mesh and wait for its federation ingress addresses
  servicemesh.federation.mesh_info:
    kubeconfig: "{{ federation_kubeconfig }}"
    namespace: red-mesh-system
    smcp_name: red-mesh
    gateways: [ingress-green-mesh, ingress-blue-mesh]
    platform: aws
    wait: true
    wait_timeout: 600
  register: red

- name: Show the address green-mesh must use to reach red-mesh
  ansible.builtin.debug:
    msg: "{{ (red.gateways | selectattr('peer', 'equalto', 'green-mesh') | first).addresses }}"
"""

RETURN = r"""
crds_present:
  description: Whether the API server serves ServiceMeshControlPlane (maistra.io/v2) and ServiceMeshPeer (federation.maistra.io/v1).
  returned: always
  type: bool
crds:
  description: Kinds served per API group version (empty when the group version is not served).
  returned: always
  type: dict
  sample: {"maistra.io/v2": ["ServiceMeshControlPlane"], "federation.maistra.io/v1": ["ExportedServiceSet", "ImportedServiceSet", "ServiceMeshPeer"]}
smcp:
  description: The control plane, or null when it does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: "Name."
      type: str
    namespace:
      description: "Namespace."
      type: str
    version:
      description: C(spec.version).
      type: str
      sample: v2.6
    ready:
      description: "Whether the condition C(Ready) is C(True)."
      type: bool
    trust_domain:
      description: "C(spec.security.trust.domain)."
      type: str
    network:
      description: "C(spec.cluster.network)."
      type: str
    conditions:
      description: "The status conditions (type, status, reason, message)."
      type: list
      elements: dict
root_certificate:
  description: The mesh's root certificate, or null when the ConfigMap or its key is missing.
  returned: always
  type: dict
  contains:
    pem:
      description: "The PEM text as published (root and intermediate together when it holds a chain)."
      type: str
    certificates:
      description: "Number of certificates in the PEM."
      type: int
    fingerprint_sha256:
      description: "SHA-256 of the first certificate's DER (lower-case hex)."
      type: str
    bundle_sha256:
      description: "SHA-256 over every certificate's DER in order (lower-case hex)."
      type: str
    not_after:
      description: "Expiry of the first certificate (ISO 8601, UTC)."
      type: str
gateways:
  description: The federation ingress gateways and how a peer reaches them.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: "Service name (C(ingress-<peer>))."
      type: str
    namespace:
      description: "Namespace."
      type: str
    peer:
      description: "The peer this gateway serves."
      type: str
    type:
      description: "Service type (null when the Service does not exist)."
      type: str
    addresses:
      description: "Load balancer host names or IPs, or the node addresses for NodePort."
      type: list
      elements: str
    discovery_port:
      description: "Port for C(remote.discoveryPort) (8188, or the node port)."
      type: int
    service_port:
      description: "Port for C(remote.servicePort) (15443, or the node port)."
      type: int
    ready:
      description: "Whether a peer can use the address now."
      type: bool
    hint:
      description: "Why there is no address and what to do (null when ready)."
      type: str
peers:
  description: The ServiceMeshPeers of the namespace.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: "Name (the peer mesh)."
      type: str
    addresses:
      description: "C(spec.remote.addresses)."
      type: list
      elements: str
    discovery_port:
      description: "C(spec.remote.discoveryPort)."
      type: int
    service_port:
      description: "C(spec.remote.servicePort)."
      type: int
    trust_domain:
      description: "C(spec.security.trustDomain)."
      type: str
    client_id:
      description: "C(spec.security.clientID)."
      type: str
    outbound_connected:
      description: "This mesh's istiod watches the peer."
      type: bool
    inbound_connected:
      description: "The peer's istiod watches this mesh."
      type: bool
    discovery_status:
      description: "C(status.discoveryStatus) as written by istiod."
      type: dict
"""

from ansible_collections.servicemesh.federation.plugins.module_utils._federation.kube import (
    Kube,
    KubeError,
    WaitTimeout,
    auth_argument_spec,
    make_module,
    read_mesh,
)


def argspec() -> dict:
    spec = auth_argument_spec()
    spec.update(
        namespace=dict(type="str", required=True),
        smcp_name=dict(type="str"),
        gateways=dict(type="list", elements="str"),
        platform=dict(type="str", choices=["aws", "azure", "gcp", "baremetal", "ibmz", "ibmpower"]),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=300),
    )
    return spec


def main() -> None:
    module = make_module(argument_spec=argspec(), supports_check_mode=True)
    kube = Kube.from_module(module)
    params = module.params
    try:
        info = read_mesh(
            kube,
            params["namespace"],
            smcp_name=params["smcp_name"],
            gateways=params["gateways"],
            platform=params["platform"],
            wait=params["wait"],
            wait_timeout=params["wait_timeout"],
        )
    except WaitTimeout as exc:
        module.fail_json(msg=str(exc), changed=False, **exc.partial)
    except KubeError as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(changed=False, **info)


if __name__ == "__main__":
    main()
