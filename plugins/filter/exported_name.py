# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: exported_name
short_description: Host name under which a mesh exports a service to a peer
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Return C(<name>.<namespace>.svc.<peer>-exports.local), the name shown in
    C(status.exportedServices[].exportedName) of an ExportedServiceSet.
  - I(name) and I(namespace) are those after the export rule's alias.
positional: _input, namespace, peer
options:
  _input:
    description: Service name (after the alias).
    type: str
    required: true
  namespace:
    description: Service namespace (after the alias).
    type: str
    required: true
  peer:
    description: Mesh the service is exported to.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Name of red-mesh's ratings service exported to green-mesh as bookinfo/red-ratings
  ansible.builtin.debug:
    msg: "{{ 'red-ratings' | servicemesh.federation.exported_name('bookinfo', 'green-mesh') }}"
  # red-ratings.bookinfo.svc.green-mesh-exports.local
"""

RETURN = r"""
_value:
  description: The exported host name.
  type: str
  sample: red-ratings.bookinfo.svc.green-mesh-exports.local
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, names


def exported_name(name: Any, namespace: Any, peer: Any) -> str:
    try:
        checks.require_str(name, "the input (the service name)")
        checks.require_str(namespace, "namespace")
        checks.require_str(peer, "peer")
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.exported_name: {error}") from None
    return names.exported_name(name, namespace, peer)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"exported_name": exported_name}
