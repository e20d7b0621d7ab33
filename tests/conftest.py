# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make the collection importable as ``ansible_collections.servicemesh.federation``.

Under ``ansible-test units`` the tree already sits at ``.../ansible_collections/servicemesh/federation``.
From a plain clone, every pytest run (unit and integration tests) links the repository into
``.build/collections/ansible_collections/servicemesh/federation`` (as ``make collection`` does), puts
that tree on ``sys.path`` and lets the Ansible commands that tests start find it there.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _collections_root() -> Path:
    if REPO.parent.name == "servicemesh" and REPO.parent.parent.name == "ansible_collections":
        return REPO.parent.parent.parent
    root = REPO / ".build" / "collections"
    link = root / "ansible_collections" / "servicemesh" / "federation"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.symlink(REPO, link, target_is_directory=True)
        except FileExistsError:
            pass
    return root


_ROOT = str(_collections_root())
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
os.environ.setdefault("ANSIBLE_COLLECTIONS_PATH", _ROOT)
