# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: peer_data
short_description: What one mesh needs to know about its peers, from their mesh_info results
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Turn the results of a loop of M(servicemesh.federation.mesh_info) over a mesh's peers (each read
    from the peer's own cluster) into the peer data that P(servicemesh.federation.mesh_resources#filter)
    takes, that is the peer's root certificate, trust domain, namespace, and the addresses and ports of the
    peer's C(ingress-<mesh>) gateway.
  - A peer without a root certificate or without an address for that gateway is returned with what
    is known; P(servicemesh.federation.mesh_resources#filter) lists it in C(pending_peers).
positional: _input, mesh
options:
  _input:
    description:
      - The C(results) list of a registered loop of M(servicemesh.federation.mesh_info); each item's
        C(item) is the peer's mesh name.
    type: list
    elements: dict
    required: true
  mesh:
    description: The mesh whose peers were read, for example C(inventory_hostname).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Read each peer's root certificate and its ingress gateway for this mesh
  servicemesh.federation.mesh_info:
    kubeconfig: "{{ hostvars[item]['federation_kubeconfig'] }}"
    namespace: "{{ item }}-system"
    gateways: ["ingress-{{ inventory_hostname }}"]
    wait: true
  loop: "{{ inventory_hostname | servicemesh.federation.mesh_peers(groups['federation']) }}"
  register: __discovered

- name: Peer data by peer name
  ansible.builtin.set_fact:
    __peer_data: "{{ __discovered.results | servicemesh.federation.peer_data(inventory_hostname) }}"
"""

RETURN = r"""
_value:
  description: Peer data by peer mesh name.
  type: dict
  contains:
    root_cert:
      description: PEM of the peer's root certificate (with its intermediate when the peer publishes a chain).
      type: str
    addresses:
      description: Addresses of the peer's C(ingress-<mesh>) gateway.
      type: list
      elements: str
    discovery_port:
      description: Port for discovery (8188 behind a load balancer, the node port for NodePort).
      type: int
    service_port:
      description: Port for service traffic (15443 behind a load balancer, the node port for NodePort).
      type: int
    trust_domain:
      description: The peer's trust domain as its control plane has it.
      type: str
    namespace:
      description: The peer's control plane namespace.
      type: str
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import names


def _peer_entry(result: Any, mesh: str) -> tuple[str, dict[str, Any]]:
    if not isinstance(result, dict) or not isinstance(result.get("item"), str):
        raise AnsibleFilterError("servicemesh.federation.peer_data: each result must be a dict whose 'item' is the peer's mesh name "
                                 "(the results of a registered loop of servicemesh.federation.mesh_info)")
    peer = result["item"]
    gateway_name = names.ingress_gateway(mesh)
    gateway = next((g for g in result.get("gateways") or [] if g.get("name") == gateway_name), None) or {}
    root = result.get("root_certificate") or {}
    smcp = result.get("smcp") or {}
    entry = {
        "root_cert": root.get("pem") or "",
        "addresses": list(gateway.get("addresses") or []),
        "discovery_port": gateway.get("discovery_port"),
        "service_port": gateway.get("service_port"),
        "trust_domain": smcp.get("trust_domain"),
        "namespace": result.get("namespace") or smcp.get("namespace"),
    }
    return peer, entry


def peer_data(results: Any, mesh: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(results, list):
        raise AnsibleFilterError(f"servicemesh.federation.peer_data: expects the 'results' list of a registered loop, got {type(results).__name__}")
    if not isinstance(mesh, str) or not mesh:
        raise AnsibleFilterError("servicemesh.federation.peer_data: 'mesh' must be the name of the mesh whose peers were read")
    return dict(_peer_entry(result, mesh) for result in results)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"peer_data": peer_data}
