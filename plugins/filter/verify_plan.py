# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: verify_plan
short_description: The peers of one mesh with the services each must export and import
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Build the C(peers) option of M(servicemesh.federation.federation_status) for one mesh from the
    model, that is each peer's name and namespace, the exported names the mesh's name rules must produce
    for that peer, and the local names its import rules must produce.
  - Rules with wildcards or label selectors are not listed, because what they match depends on the
    services present.
positional: _input, mesh, meshes, only, topology
options:
  only:
    description: Keep only these peers (for example the meshes of the current play); default all peers.
    type: list
    elements: str
extends_documentation_fragment:
  - servicemesh.federation.federation_input
  - servicemesh.federation.federation_input.mesh
"""

EXAMPLES = r"""
- name: Wait until every peer of this mesh is connected both ways
  servicemesh.federation.federation_status:
    mesh: "{{ inventory_hostname }}"
    namespace: "{{ inventory_hostname }}-system"
    peers: "{{ hostvars | servicemesh.federation.verify_plan(inventory_hostname, groups['federation']) }}"
"""

RETURN = r"""
_value:
  description: One entry per peer.
  type: list
  elements: dict
  contains:
    name:
      description: The peer mesh.
      type: str
    namespace:
      description: The peer's control plane namespace.
      type: str
    exports:
      description: Exported names this mesh must offer the peer.
      type: list
      elements: str
    imports:
      description: Local names this mesh must import from the peer.
      type: list
      elements: str
"""

from typing import Any

from ansible_collections.servicemesh.federation.plugins.plugin_utils._filter_errors import filter_errors

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, model, resources


@filter_errors("servicemesh.federation.verify_plan")
def verify_plan(hostvars: Any, mesh: Any, meshes: Any = None, only: Any = None, topology: Any = None) -> list[dict[str, Any]]:
    checks.require_mapping(hostvars, "the input (hostvars)")
    checks.require_str(mesh, "mesh")
    mesh_names = checks.require_meshes(meshes) if meshes is not None else None
    wanted = set(checks.require_str_list(only, "only")) if only is not None else None
    federation = model.parse_federation(hostvars, mesh_names, topology)
    this = federation.mesh(mesh)
    return [
        {
            "name": peer,
            "namespace": federation.mesh(peer).namespace,
            "exports": resources.expected_exports(this, peer),
            "imports": resources.expected_imports(this, peer),
        }
        for peer in this.peers
        if wanted is None or peer in wanted
    ]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"verify_plan": verify_plan}
