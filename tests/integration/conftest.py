# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One lab for the whole integration test session.

The session fixture `lab` starts red-mesh (aws), green-mesh (baremetal, no load balancer) and
blue-mesh (gcp) in a temporary state directory and stops it at the end. If SMF_LAB_DIR points at a
running lab, that lab is used and left running.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "lab"))

from labkit import MESHES, Lab, Pair, lab_running, run_labctl  # noqa: E402


@pytest.fixture(scope="session")
def lab():
    env_dir = os.environ.get("SMF_LAB_DIR")
    if env_dir and lab_running(Path(env_dir)):
        yield Lab(Path(env_dir), owned=False)
        return
    state_dir = Path(tempfile.mkdtemp(prefix="smf-lab-")) / "lab"
    args = ["up"]
    for mesh in MESHES:
        args += ["--mesh", mesh]
    started = time.monotonic()
    try:
        run_labctl(state_dir, *args, timeout=900)
        instance = Lab(state_dir, owned=True)
        instance.up_seconds = time.monotonic() - started
        yield instance
    finally:
        run_labctl(state_dir, "down", check=False)
        if not state_dir.exists():
            state_dir.parent.rmdir()


@pytest.fixture
def pair_factory(lab):
    made: list[Pair] = []

    def make(a: str, b: str) -> Pair:
        pair = Pair(lab, a, b)
        made.append(pair)
        return pair

    yield make
    for pair in made:
        pair.teardown()
