# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: live_problems
short_description: Why a mesh's cluster cannot be federated as it is now
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Check what M(servicemesh.federation.mesh_info) read from a mesh's cluster. It checks that the Maistra CRDs are
    served, the ServiceMeshControlPlane exists, and its C(spec.version) is 2.1 to 2.6 (federation does
    not exist in other versions).
  - Returns an empty list when the mesh can be federated, else one message per problem naming the mesh
    and the variable to look at.
positional: _input, mesh, smcp_name, namespace
options:
  _input:
    description: The result of M(servicemesh.federation.mesh_info) for the mesh.
    type: dict
    required: true
  smcp_name:
    description: The expected control plane name.
    type: str
    required: true
  namespace:
    description: The control plane namespace.
    type: str
    required: true
extends_documentation_fragment:
  - servicemesh.federation.federation_input.mesh
"""

EXAMPLES = r"""
- name: Stop when this mesh cannot be federated
  ansible.builtin.assert:
    that: __problems | length == 0
    fail_msg: "{{ __problems }}"
  vars:
    __problems: "{{ __info | servicemesh.federation.live_problems(inventory_hostname, 'red-mesh', 'red-mesh-system') }}"
"""

RETURN = r"""
_value:
  description: One message per problem; empty when the mesh can be federated.
  type: list
  elements: str
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import live


def live_problems(info: Any, mesh: Any, smcp_name: Any, namespace: Any) -> list[str]:
    if not isinstance(info, dict):
        raise AnsibleFilterError(f"servicemesh.federation.live_problems: expects the result of servicemesh.federation.mesh_info, got {type(info).__name__}")
    for label, value in (("mesh", mesh), ("smcp_name", smcp_name), ("namespace", namespace)):
        if not isinstance(value, str) or not value:
            raise AnsibleFilterError(f"servicemesh.federation.live_problems: '{label}' must be a non-empty string")
    return live.live_problems(mesh, info, smcp_name, namespace)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"live_problems": live_problems}
