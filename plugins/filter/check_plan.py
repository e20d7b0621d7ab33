# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: check_plan
short_description: The peers of one mesh as M(servicemesh.federation.federation_check) reads them
version_added: 0.2.0
author: servicemesh.federation contributors
description:
  - Build the C(peers) option of M(servicemesh.federation.federation_check) for one mesh from the model, that is for each
    peer what C(servicemesh.federation.verify_plan) gives (name, namespace, expected exports and imports), the peer's
    ServiceMeshControlPlane name, how many export and import rules the mesh has for the peer, and the peer's connection
    options (C(servicemesh.federation.mesh_connection) of the peer's host variables).
  - The result may hold a peer's token; do not print it.
positional: _input, mesh, meshes, topology
extends_documentation_fragment:
  - servicemesh.federation.federation_input
  - servicemesh.federation.federation_input.mesh
"""

EXAMPLES = r"""
- name: Check this mesh and its peers
  servicemesh.federation.federation_check:
    mesh: "{{ inventory_hostname }}"
    peers: "{{ hostvars | servicemesh.federation.check_plan(inventory_hostname, groups['federation']) }}"
"""

RETURN = r"""
_value:
  description: One entry per peer, with the keys of the O(servicemesh.federation.federation_check#module:peers) option.
  type: list
  elements: dict
"""

from typing import Any

from ansible_collections.servicemesh.federation.plugins.filter.mesh_connection import mesh_connection
from ansible_collections.servicemesh.federation.plugins.filter.verify_plan import verify_plan
from ansible_collections.servicemesh.federation.plugins.module_utils._federation import model
from ansible_collections.servicemesh.federation.plugins.plugin_utils._filter_errors import filter_errors


@filter_errors("servicemesh.federation.check_plan")
def check_plan(hostvars: Any, mesh: Any, meshes: Any = None, topology: Any = None) -> list[dict[str, Any]]:
    plan = verify_plan.__wrapped__(hostvars, mesh, meshes, topology=topology)
    federation = model.parse_federation(hostvars, list(meshes) if meshes is not None else None, topology)
    this = federation.mesh(mesh)
    return [
        dict(
            entry,
            smcp_name=federation.mesh(entry["name"]).smcp_name,
            export_rules=len(this.exports_to(entry["name"])),
            import_rules=len(this.imports_from(entry["name"])),
            **mesh_connection(hostvars[entry["name"]]),
        )
        for entry in plan
    ]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"check_plan": check_plan}
