# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Options of the filters that read the whole federation from the inventory."""

    DOCUMENTATION = r"""
options:
  _input:
    description: Host variables by mesh, normally C(hostvars).
    type: dict
    required: true
  meshes:
    description: The meshes of the federation, for example C(groups['federation']). Default is every key of the input.
    type: list
    elements: str
  topology:
    description: C(full) or a list of C([mesh_a, mesh_b]) pairs. Default is C(federation_topology) found in the host variables, else C(full).
    type: raw
"""

    MESH = r"""
options:
  mesh:
    description: The mesh, for example C(inventory_hostname).
    type: str
    required: true
"""
