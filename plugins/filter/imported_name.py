# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: imported_name
short_description: Local host name of a service imported from another mesh
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Return C(<name>.<namespace>.svc.<exporting mesh>-imports.local) by default,
    C(<name>.<namespace>.svc.cluster.local) with I(import_as_local),
    or C(<name>.<namespace>.<domain_suffix>) with a rule's own domain suffix.
  - This is C(status.importedServices[].localService.hostname) of an ImportedServiceSet.
    I(name) and I(namespace) are those after the import rule's alias.
positional: _input, namespace, exporting_mesh
options:
  _input:
    description: Service name (after the import alias).
    type: str
    required: true
  namespace:
    description: Service namespace (after the import alias).
    type: str
    required: true
  exporting_mesh:
    description: Mesh that exports the service (the name of its ServiceMeshPeer in the importing mesh).
    type: str
    required: true
  import_as_local:
    description: Whether the import rule sets C(importAsLocal).
    type: bool
    default: false
  domain_suffix:
    description: The import rule's C(domainSuffix), used when I(import_as_local) is false.
    type: str
"""

EXAMPLES = r"""
- name: Name of red-mesh's ratings service in green-mesh
  ansible.builtin.debug:
    msg: "{{ 'ratings' | servicemesh.federation.imported_name('bookinfo', 'red-mesh') }}"
  # ratings.bookinfo.svc.red-mesh-imports.local

- name: Imported as local (failover)
  ansible.builtin.debug:
    msg: "{{ 'ratings' | servicemesh.federation.imported_name('bookinfo', 'red-mesh', import_as_local=true) }}"
  # ratings.bookinfo.svc.cluster.local
"""

RETURN = r"""
_value:
  description: The local host name.
  type: str
  sample: ratings.bookinfo.svc.red-mesh-imports.local
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, names


def imported_name(name: Any, namespace: Any, exporting_mesh: Any, import_as_local: Any = False, domain_suffix: Any = None) -> str:
    try:
        checks.require_str(name, "the input (the service name)")
        checks.require_str(namespace, "namespace")
        checks.require_str(exporting_mesh, "exporting_mesh")
        checks.require_bool(import_as_local, "import_as_local")
        suffix = checks.require_optional_str(domain_suffix, "domain_suffix")
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.imported_name: {error}") from None
    return names.imported_name(name, namespace, exporting_mesh, import_as_local, suffix)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"imported_name": imported_name}
