# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: client_id
short_description: Client ID a peer's egress gateway presents to a mesh
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Return C(<peer trust domain>/ns/<peer namespace>/sa/egress-<mesh>-service-account), the value of
    C(spec.security.clientID) in the ServiceMeshPeer that mesh M creates for peer P.
  - A wrong client ID is turned into a deny rule on discovery, so the peer never connects.
positional: _input, peer_namespace, mesh
options:
  _input:
    description: Trust domain of the peer mesh.
    type: str
    required: true
  peer_namespace:
    description: Control plane namespace of the peer mesh.
    type: str
    required: true
  mesh:
    description: Name of the mesh that creates the ServiceMeshPeer (the peer's egress gateway is named after it).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Client ID of green-mesh's egress gateway towards red-mesh
  ansible.builtin.debug:
    msg: "{{ 'green-mesh.local' | servicemesh.federation.client_id('green-mesh-system', 'red-mesh') }}"
  # green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account
"""

RETURN = r"""
_value:
  description: The client ID.
  type: str
  sample: green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, names


def client_id(peer_trust_domain: Any, peer_namespace: Any, mesh: Any) -> str:
    try:
        checks.require_str(peer_trust_domain, "the input (the peer's trust domain)")
        checks.require_str(peer_namespace, "peer_namespace")
        checks.require_str(mesh, "mesh")
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.client_id: {error}") from None
    return names.client_id(peer_trust_domain, peer_namespace, mesh)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"client_id": client_id}
