# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The security tests share one fresh lab: the `fresh_lab` fixture of the playbook tests."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "playbooks"))
sys.path.insert(0, str(HERE.parent / "faults"))

from reliability_kit import fresh_lab  # noqa: E402,F401  pylint: disable=unused-import
