# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: peer_pairs
short_description: Ordered (mesh, peer) pairs of a federation
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Return one C([mesh, peer]) pair per ServiceMeshPeer to create (C(peer) in C(mesh)'s namespace).
  - A C(full) topology of N meshes gives N*(N-1) pairs; an explicit topology lists C([mesh_a, mesh_b])
    pairs, each federating both ways. Pairs naming unknown meshes are skipped (the preflight check
    C(servicemesh.federation.validate_federation) reports them).
positional: _input, topology
options:
  _input:
    description: Mesh names, for example C(groups['federation']).
    type: list
    elements: str
    required: true
  topology:
    description: C(full) or a list of C([mesh_a, mesh_b]) pairs.
    type: raw
    default: full
"""

EXAMPLES = r"""
- name: Every ServiceMeshPeer of a three-mesh federation (six pairs)
  ansible.builtin.debug:
    msg: "{{ ['red-mesh', 'green-mesh', 'blue-mesh'] | servicemesh.federation.peer_pairs }}"

- name: Only red-mesh and green-mesh, and red-mesh and blue-mesh
  ansible.builtin.debug:
    msg: "{{ groups['federation'] | servicemesh.federation.peer_pairs([['red-mesh', 'green-mesh'], ['red-mesh', 'blue-mesh']]) }}"
"""

RETURN = r"""
_value:
  description: Pairs C([mesh, peer]) in the order of the input meshes.
  type: list
  elements: list
  sample: [["red-mesh", "green-mesh"], ["green-mesh", "red-mesh"]]
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, topology as topology_lib


def peer_pairs(meshes: Any, topology: Any = "full") -> list[list[str]]:
    try:
        mesh_names = checks.require_str_list(meshes, "the input (the mesh names)")
        chosen = checks.require_topology(topology)
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.peer_pairs: {error}") from None
    return [list(pair) for pair in topology_lib.peer_pairs(mesh_names, chosen)]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"peer_pairs": peer_pairs}
