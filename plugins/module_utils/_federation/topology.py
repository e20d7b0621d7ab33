# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Who federates with whom: ordered peer pairs.

A topology is ``"full"`` (every pair of meshes) or a list of pairs ``[a, b]``; a pair federates both
ways, so each pair gives two ServiceMeshPeers: ``b`` in ``a``'s namespace and ``a`` in ``b``'s.
"""

from __future__ import annotations

from typing import Any, Sequence

FULL = "full"


def peer_pairs(meshes: Sequence[str], topology: Any = FULL) -> list[tuple[str, str]]:
    """Ordered pairs ``(mesh, peer)``: one ServiceMeshPeer named ``peer`` in ``mesh``.

    Meshes keep the order given; a full topology of N meshes gives N*(N-1) pairs. Pairs naming unknown
    meshes or a mesh with itself are skipped here; the validator reports them.
    """
    order = {mesh: index for index, mesh in enumerate(dict.fromkeys(meshes))}
    if topology is None or topology == FULL:
        return [(mesh, peer) for mesh in order for peer in order if peer != mesh]
    linked: set[tuple[str, str]] = set()
    for pair in topology:
        if isinstance(pair, str) or len(pair) != 2:
            continue
        first, second = pair
        if first in order and second in order and first != second:
            linked.add((first, second))
            linked.add((second, first))
    return sorted(linked, key=lambda pair: (order[pair[0]], order[pair[1]]))


def peers_of(mesh: str, meshes: Sequence[str], topology: Any = FULL) -> list[str]:
    """Peers of ``mesh``, in the order of ``meshes``."""
    return [peer for owner, peer in peer_pairs(meshes, topology) if owner == mesh]
