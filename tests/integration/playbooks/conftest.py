# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Playbook tests get a fresh three-mesh lab of their own: federation changes every mesh."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from labkit import MESHES, Lab, run_labctl  # noqa: E402


@pytest.fixture(scope="module")
def fresh_lab():
    state_dir = Path(tempfile.mkdtemp(prefix="smf-lab-")) / "lab"
    args = ["up"]
    for mesh in MESHES:
        args += ["--mesh", mesh]
    try:
        run_labctl(state_dir, *args, timeout=900)
        yield Lab(state_dir, owned=True)
    finally:
        run_labctl(state_dir, "down", check=False)
        if not state_dir.exists():
            state_dir.parent.rmdir()
