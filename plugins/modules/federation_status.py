#!/usr/bin/python
# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: federation_status
short_description: Wait until a mesh's federation peers are connected both ways and its services are exported and imported
version_added: 0.1.0
author:
  - servicemesh.federation contributors (@servicemesh-federation)
description:
  - Reads the ServiceMeshPeers, ExportedServiceSets and ImportedServiceSets of one mesh's control plane namespace and
    waits, within O(wait_timeout), until for every peer in O(peers) the connection is up in both directions and the
    expected services are listed.
  - Outbound (this mesh watches the peer) is C(status.discoveryStatus.active[].watch.connected); inbound (the peer
    watches this mesh) is C(status.discoveryStatus.active[].remotes[].connected). A C(lastDisconnectStatus) next to
    C(connected=true) is a normal transient, not a failure.
  - On timeout it fails with the last status and a message naming the peer, the direction, and the logs to read
    (C(istiod-<mesh>) and C(egress-<peer>) in this mesh, C(ingress-<mesh>) in the peer for the outbound direction).
  - Read-only. Polls with a monotonic clock, three list requests per poll whatever the number of peers.
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
  mesh:
    description: Name of this mesh (names its istiod, C(istiod-<mesh>), and its gateways in the peers).
    type: str
    required: true
  namespace:
    description: This mesh's control plane namespace. Default C(<mesh>-system).
    type: str
  smcp_name:
    description: Name of this mesh's ServiceMeshControlPlane, which names its istiod (C(istiod-<smcp_name>)). Default O(mesh).
    type: str
  peers:
    description: The peers to check.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The peer mesh (name of its ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet here).
        type: str
        required: true
      namespace:
        description: The peer's control plane namespace, for the message. Default C(<name>-system).
        type: str
      exports:
        description:
          - Exported names (C(<name>.<namespace>.svc.<peer>-exports.local), after aliasing) that must be listed in the
            ExportedServiceSet's C(status.exportedServices).
        type: list
        elements: str
        default: []
      imports:
        description:
          - Local host names (for example C(ratings.bookinfo.svc.green-mesh-imports.local), or C(ratings.bookinfo.svc.cluster.local)
            with O(peers[].imports) as local) that must be listed in the ImportedServiceSet's C(status.importedServices) with
            a local service.
        type: list
        elements: str
        default: []
  wait_timeout:
    description: Seconds to wait; V(0) checks once.
    type: int
    default: 300
  poll_interval:
    description: Longest pause between two polls, in seconds (the first polls come sooner).
    type: float
    default: 1.0
requirements:
  - kubernetes >= 24.2.0
  - PyYAML >= 3.11
seealso:
  - module: servicemesh.federation.mesh_info
"""

EXAMPLES = r"""
- name: Wait until red-mesh is connected with green-mesh and the ratings service is imported
  servicemesh.federation.federation_status:
    kubeconfig: "{{ federation_kubeconfig }}"
    mesh: red-mesh
    namespace: red-mesh-system
    peers:
      - name: green-mesh
        namespace: green-mesh-system
        exports: [red-ratings.bookinfo.svc.green-mesh-exports.local]
        imports: [ratings.bookinfo.svc.green-mesh-imports.local]
    wait_timeout: 180
  register: federation
"""

RETURN = r"""
ready:
  description: Whether every peer is connected both ways with all expected services.
  returned: always
  type: bool
polls:
  description: How many times the status was read.
  returned: always
  type: int
elapsed:
  description: Seconds spent waiting.
  returned: always
  type: float
peers:
  description: The status of each peer (the last one read, also on failure).
  returned: always
  type: list
  elements: dict
  contains:
    peer:
      description: "The peer mesh."
      type: str
    exists:
      description: "Whether the ServiceMeshPeer exists."
      type: bool
    outbound_connected:
      description: "This mesh's istiod watches the peer."
      type: bool
    inbound_connected:
      description: "The peer's istiod watches this mesh."
      type: bool
    outbound_reason:
      description: "Why outbound is not connected (null when it is)."
      type: str
    inbound_reason:
      description: "Why inbound is not connected (null when it is)."
      type: str
    exported:
      description: "C(status.exportedServices) (exported_name, local_hostname, local_name, local_namespace)."
      type: list
      elements: dict
    imported:
      description: "C(status.importedServices) (same fields)."
      type: list
      elements: dict
    missing_exports:
      description: "Expected exports not listed yet."
      type: list
      elements: str
    missing_imports:
      description: "Expected imports not listed yet."
      type: list
      elements: str
    discovery_status:
      description: "C(status.discoveryStatus) as written by istiod."
      type: dict
    ready:
      description: "Whether this peer is fully up."
      type: bool
"""

from ansible_collections.servicemesh.federation.plugins.module_utils._federation.kube import (
    Kube,
    KubeError,
    WaitTimeout,
    auth_argument_spec,
    federation_status,
    make_module,
)


def argspec() -> dict:
    spec = auth_argument_spec()
    spec.update(
        mesh=dict(type="str", required=True),
        namespace=dict(type="str"),
        smcp_name=dict(type="str"),
        peers=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                name=dict(type="str", required=True),
                namespace=dict(type="str"),
                exports=dict(type="list", elements="str", default=[]),
                imports=dict(type="list", elements="str", default=[]),
            ),
        ),
        wait_timeout=dict(type="int", default=300),
        poll_interval=dict(type="float", default=1.0),
    )
    return spec


def main() -> None:
    module = make_module(argument_spec=argspec(), supports_check_mode=True)
    params = module.params
    if params["wait_timeout"] < 0 or params["poll_interval"] <= 0:
        module.fail_json(msg="wait_timeout must be 0 or more and poll_interval more than 0")
    kube = Kube.from_module(module)
    try:
        status = federation_status(
            kube,
            params["mesh"],
            params["namespace"],
            params["peers"],
            wait_timeout=params["wait_timeout"],
            poll_interval=params["poll_interval"],
            smcp_name=params["smcp_name"],
        )
    except WaitTimeout as exc:
        module.fail_json(msg=str(exc), changed=False, **exc.partial)
    except KubeError as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(changed=False, **status)


if __name__ == "__main__":
    main()
