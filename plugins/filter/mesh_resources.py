# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mesh_resources
short_description: Desired federation resources of one mesh
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Validate the whole federation and build every resource one mesh needs, from the model and what was
    discovered about its peers.
  - The SMCP fragment holds only the fields federation owns (gateways per peer and the trust domain),
    ready for server-side apply. ConfigMaps C(<peer>-ca-root-cert) and ServiceMeshPeers are built for
    peers with a root certificate and addresses; the others are listed in C(pending_peers).
  - Everything but the SMCP fragment carries the label C(app.kubernetes.io/managed-by=servicemesh.federation).
positional: _input, mesh, peers, meshes, topology
options:
  peers:
    description:
      - Discovered data by peer mesh name. Each value may hold C(root_cert) (PEM of the peer's root
        certificate), C(addresses) (of the peer's C(ingress-<mesh>) gateway), C(discovery_port) and
        C(service_port) (node ports of a NodePort gateway), C(trust_domain) and C(namespace) (default
        from the model).
    type: dict
    default: {}
extends_documentation_fragment:
  - servicemesh.federation.federation_input
  - servicemesh.federation.federation_input.mesh
"""

EXAMPLES = r"""
- name: Desired resources of this mesh
  ansible.builtin.set_fact:
    __federation_resources: >-
      {{ hostvars | servicemesh.federation.mesh_resources(inventory_hostname, __federation_peer_data, groups['federation']) }}

- name: Apply the root certificates and peers
  kubernetes.core.k8s:
    state: present
    apply: true
    server_side_apply:
      field_manager: servicemesh.federation
    definition: "{{ __federation_resources.configmaps + __federation_resources.servicemeshpeers }}"
"""

RETURN = r"""
_value:
  description: The desired resources, by kind.
  type: dict
  contains:
    smcp: {description: SMCP fragment (apiVersion, kind, name, namespace, federation fields only)., type: dict}
    configmaps: {description: Root certificate ConfigMaps of the peers., type: list, elements: dict}
    servicemeshpeers: {description: ServiceMeshPeers., type: list, elements: dict}
    exportedservicesets: {description: ExportedServiceSets, one per peer., type: list, elements: dict}
    importedservicesets: {description: ImportedServiceSets, one per peer., type: list, elements: dict}
    destinationrules: {description: Failover DestinationRules., type: list, elements: dict}
    pending_peers: {description: Peers without complete discovered data., type: list, elements: str}
"""

from typing import Any

from ansible_collections.servicemesh.federation.plugins.plugin_utils._filter_errors import filter_errors

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, model, resources


@filter_errors("servicemesh.federation.mesh_resources")
def mesh_resources(hostvars: Any, mesh: Any, peers: Any = None, meshes: Any = None, topology: Any = None) -> dict[str, Any]:
    checks.require_mapping(hostvars, "the input (hostvars)")
    checks.require_str(mesh, "mesh")
    peer_data = checks.require_mapping(peers, "peers") if peers is not None else {}
    for peer, data in peer_data.items():
        checks.require_mapping(data, f"peers.{peer}")
        if data.get("root_cert") is not None:
            checks.require_str(data["root_cert"], f"peers.{peer}.root_cert", allow_empty=True)
        addresses = data.get("addresses")
        if addresses is not None and not isinstance(addresses, str):
            checks.require_str_list(addresses, f"peers.{peer}.addresses")
    mesh_names = checks.require_meshes(meshes) if meshes is not None else None
    federation = model.parse_federation(hostvars, mesh_names, topology)
    return resources.mesh_resources(federation, mesh, peer_data)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"mesh_resources": mesh_resources}
