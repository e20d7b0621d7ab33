# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Input checks shared by the filters: they raise ``TypeError``/``ValueError`` with a message a user can
act on; the filters turn them into ``AnsibleFilterError``."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from .validate import kind_of


def require_str(value: Any, what: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, got {kind_of(value)}")
    if not value and not allow_empty:
        raise ValueError(f"{what} must not be empty")
    return value


def require_optional_str(value: Any, what: str) -> str | None:
    if value is None or value == "":
        return None
    return require_str(value, what)


def require_bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be true or false, got {kind_of(value)}")
    return value


def require_mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a dict, got {kind_of(value)}")
    return value


def require_str_list(value: Any, what: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError(f"{what} must be a list of strings, got {kind_of(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise TypeError(f"{what}[{index}] must be a string, got {kind_of(item)}")
    return list(value)


def require_topology(value: Any) -> Any:
    """``'full'`` or a list of two-item lists of strings."""
    if value is None or value == "full":
        return "full"
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TypeError(f"topology must be 'full' or a list of [mesh, mesh] pairs, got {kind_of(value)}" + (f" '{value}'" if isinstance(value, str) else ""))
    for index, pair in enumerate(value):
        if isinstance(pair, str) or not isinstance(pair, (list, tuple)) or len(pair) != 2 or not all(isinstance(item, str) for item in pair):
            raise TypeError(f"topology[{index}] must be a pair [mesh_a, mesh_b] of mesh names, got {pair!r}")
    return [list(pair) for pair in value]


def require_meshes(value: Any, what: str = "meshes") -> Sequence[str]:
    meshes = require_str_list(value, what)
    if not meshes:
        raise ValueError(f"{what} must list at least one mesh (for example groups['federation'])")
    return meshes
