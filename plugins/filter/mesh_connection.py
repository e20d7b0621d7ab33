# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: mesh_connection
short_description: The Kubernetes connection options of one mesh, from its host variables
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Map a mesh's C(federation_kubeconfig), C(federation_context), C(federation_host),
    C(federation_api_key), C(federation_ca_cert) and C(federation_validate_certs) to the options
    C(kubeconfig), C(context), C(host), C(api_key), C(ca_cert) and C(validate_certs) of this
    collection's modules. Unset variables are left out, so the modules fall back to C(K8S_AUTH_*)
    environment variables and C(~/.kube/config).
  - Made for C(module_defaults) of the action group C(servicemesh.federation.federation), so that every
    task reaches the cluster of the mesh it works on, also when one play reads several clusters.
  - The result may hold a token; do not print it.
positional: _input
options:
  _input:
    description: The host variables of one mesh, for example C(hostvars[inventory_hostname]).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Read a peer mesh from its own cluster
  module_defaults:
    group/servicemesh.federation.federation: "{{ hostvars[item] | servicemesh.federation.mesh_connection }}"
  servicemesh.federation.mesh_info:
    namespace: "{{ item }}-system"
  loop: "{{ groups['federation'] | difference([inventory_hostname]) }}"
"""

RETURN = r"""
_value:
  description: Connection options of the collection's modules, only those that are set.
  type: dict
"""

from typing import Any, Mapping

from ansible.errors import AnsibleFilterError

CONNECTION_VARIABLES = {
    "federation_kubeconfig": "kubeconfig",
    "federation_context": "context",
    "federation_host": "host",
    "federation_api_key": "api_key",
    "federation_ca_cert": "ca_cert",
    "federation_validate_certs": "validate_certs",
}


def mesh_connection(variables: Any) -> dict[str, Any]:
    if not isinstance(variables, Mapping) and not hasattr(variables, "get"):
        raise AnsibleFilterError(f"servicemesh.federation.mesh_connection: expects a mesh's host variables (hostvars[<mesh>]), got {type(variables).__name__}")
    options: dict[str, Any] = {}
    for variable, option in CONNECTION_VARIABLES.items():
        value = variables.get(variable)
        if value is not None and value != "":
            options[option] = value
    return options


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"mesh_connection": mesh_connection}
