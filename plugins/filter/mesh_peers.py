# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mesh_peers
short_description: Peers of one mesh in a federation
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Return the meshes that a mesh federates with, in the order of the mesh list.
positional: _input, meshes, topology
options:
  _input:
    description: The mesh, for example C(inventory_hostname).
    type: str
    required: true
  meshes:
    description: Mesh names of the federation, for example C(groups['federation']).
    type: list
    elements: str
    required: true
  topology:
    description: C(full) or a list of C([mesh_a, mesh_b]) pairs.
    type: raw
    default: full
"""

EXAMPLES = r"""
- name: Peers of this mesh
  ansible.builtin.debug:
    msg: "{{ inventory_hostname | servicemesh.federation.mesh_peers(groups['federation'], federation_topology | default('full')) }}"
"""

RETURN = r"""
_value:
  description: Peer mesh names.
  type: list
  elements: str
  sample: ["green-mesh", "blue-mesh"]
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, topology as topology_lib


def mesh_peers(mesh: Any, meshes: Any, topology: Any = "full") -> list[str]:
    try:
        checks.require_str(mesh, "the input (the mesh name)")
        mesh_names = checks.require_str_list(meshes, "meshes")
        chosen = checks.require_topology(topology)
        if mesh not in mesh_names:
            raise ValueError(f"{mesh} is not one of the meshes ({', '.join(mesh_names) or 'none'})")
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.mesh_peers: {error}") from None
    return topology_lib.peers_of(mesh, mesh_names, chosen)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"mesh_peers": mesh_peers}
