# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: validate_federation
short_description: Every problem of a federation's inventory, at once
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Check the C(federation_*) variables of every mesh and the topology, and return every problem found,
    errors and warnings, each naming the mesh, the variable and what is expected.
  - Checks DNS-1123 names, unique trust domains, namespaces and node ports, known peers, no
    self-peering, the topology, the platform (OpenShift Dedicated and Azure Red Hat OpenShift are
    refused), export and import rule shapes, and the settings istiod silently ignores.
  - An empty list means the model is valid.
positional: _input, meshes, topology
extends_documentation_fragment:
  - servicemesh.federation.federation_input
"""

EXAMPLES = r"""
- name: Check the whole federation before any change
  ansible.builtin.set_fact:
    __federation_problems: "{{ hostvars | servicemesh.federation.validate_federation(groups['federation']) }}"

- name: Stop on errors, with every message
  ansible.builtin.fail:
    msg: "{{ __federation_problems | selectattr('severity', 'eq', 'error') | map(attribute='text') | list }}"
  when: __federation_problems | selectattr('severity', 'eq', 'error') | list | length > 0
"""

RETURN = r"""
_value:
  description: The problems, errors and warnings, in a stable order.
  type: list
  elements: dict
  contains:
    mesh:
      description: Mesh concerned, or null for federation-wide variables.
      type: str
      sample: red-mesh
    variable:
      description: Variable concerned.
      type: str
      sample: federation_trust_domain
    message:
      description: What is wrong and what is expected.
      type: str
      sample: federation_trust_domain 'x.local' is also used by green-mesh; trust domains must be unique in the federation
    severity:
      description: C(error) or C(warning).
      type: str
      sample: error
    text:
      description: The message prefixed with the mesh (and C(warning:) for warnings).
      type: str
      sample: "red-mesh: federation_trust_domain 'x.local' is also used by green-mesh; trust domains must be unique in the federation"
"""

from typing import Any

from ansible_collections.servicemesh.federation.plugins.plugin_utils._filter_errors import filter_errors

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, validate


@filter_errors("servicemesh.federation.validate_federation")
def validate_federation(hostvars: Any, meshes: Any = None, topology: Any = None) -> list[dict[str, Any]]:
    checks.require_mapping(hostvars, "the input (hostvars)")
    mesh_names = checks.require_meshes(meshes) if meshes is not None else None
    return [problem.to_dict() for problem in validate.validate_federation(hostvars, mesh_names, topology)]


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"validate_federation": validate_federation}
