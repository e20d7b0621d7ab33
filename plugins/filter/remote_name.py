# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: remote_name
short_description: Hidden name of an imported service in the importing mesh
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Return C(<exported name>.<exported namespace>.svc.<peer>.remote), the hidden service istiod creates
    for an imported service, visible only in the egress gateway's namespace.
positional: _input, namespace, peer
options:
  _input:
    description: Exported service name (after the export alias).
    type: str
    required: true
  namespace:
    description: Exported service namespace (after the export alias).
    type: str
    required: true
  peer:
    description: Name of the ServiceMeshPeer of the exporting mesh in the importing mesh.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Hidden name of red-mesh's red-ratings.bookinfo in green-mesh
  ansible.builtin.debug:
    msg: "{{ 'red-ratings' | servicemesh.federation.remote_name('bookinfo', 'red-mesh') }}"
  # red-ratings.bookinfo.svc.red-mesh.remote
"""

RETURN = r"""
_value:
  description: The hidden remote host name.
  type: str
  sample: red-ratings.bookinfo.svc.red-mesh.remote
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, names


def remote_name(name: Any, namespace: Any, peer: Any) -> str:
    try:
        checks.require_str(name, "the input (the exported service name)")
        checks.require_str(namespace, "namespace")
        checks.require_str(peer, "peer")
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.remote_name: {error}") from None
    return names.remote_name(name, namespace, peer)


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"remote_name": remote_name}
