# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mesh_model
short_description: One mesh of the federation with every default filled in
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Validate the whole federation and return the model of one mesh, with its defaults (namespace,
    SMCP name, trust domain, ingress service type), its peers, its allocated node ports and the
    egress network views.
  - Fails with every error of the federation when the model is invalid.
positional: _input, mesh, meshes, topology
extends_documentation_fragment:
  - servicemesh.federation.federation_input
  - servicemesh.federation.federation_input.mesh
"""

EXAMPLES = r"""
- name: Model of this mesh
  ansible.builtin.set_fact:
    __federation_mesh: "{{ hostvars | servicemesh.federation.mesh_model(inventory_hostname, groups['federation']) }}"

- name: Its control plane namespace and peers
  ansible.builtin.debug:
    msg: "{{ __federation_mesh.namespace }} peers with {{ __federation_mesh.peers | join(', ') }}"
"""

RETURN = r"""
_value:
  description: The mesh model.
  type: dict
  contains:
    name:
      description: Mesh name.
      type: str
      sample: red-mesh
    namespace:
      description: Control plane namespace.
      type: str
      sample: red-mesh-system
    smcp_name:
      description: ServiceMeshControlPlane name.
      type: str
      sample: red-mesh
    trust_domain:
      description: Trust domain.
      type: str
      sample: red-mesh.local
    platform:
      description: Platform.
      type: str
      sample: aws
    ingress_service_type:
      description: C(LoadBalancer) or C(NodePort).
      type: str
      sample: LoadBalancer
    peers:
      description: Peer meshes.
      type: list
      elements: str
      sample: [green-mesh, blue-mesh]
    node_ports:
      description: Per peer C({discovery, service}) node ports (NodePort only).
      type: dict
      sample: {}
    network_views:
      description: Per peer C(requestedNetworkView) of the egress gateway.
      type: dict
      sample: {green-mesh: [network-green-mesh]}
    locality:
      description: Locality of the mesh.
      type: dict
      sample: {region: us-west}
    exports:
      description: Export rules per peer.
      type: dict
    imports:
      description: Import rules per peer.
      type: dict
    imports_locality:
      description: Locality per peer ImportedServiceSet.
      type: dict
    failover:
      description: Failover rules.
      type: list
      elements: dict
    requested_network_view:
      description: Per peer network view overrides.
      type: dict
    node_port_base:
      description: First node port allocated.
      type: int
      sample: 32100
    network:
      description: C(spec.cluster.network) of the mesh.
      type: str
    kubeconfig:
      description: Kubeconfig path.
      type: str
    context:
      description: Kubeconfig context.
      type: str
    host:
      description: API server URL.
      type: str
"""

from typing import Any

from ansible_collections.servicemesh.federation.plugins.plugin_utils._filter_errors import filter_errors

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, model


@filter_errors("servicemesh.federation.mesh_model")
def mesh_model(hostvars: Any, mesh: Any, meshes: Any = None, topology: Any = None) -> dict[str, Any]:
    checks.require_mapping(hostvars, "the input (hostvars)")
    checks.require_str(mesh, "mesh")
    mesh_names = checks.require_meshes(meshes) if meshes is not None else None
    federation = model.parse_federation(hostvars, mesh_names, topology)
    return model.mesh_to_dict(federation.mesh(mesh))


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"mesh_model": mesh_model}
