# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Attributes of the collection's read-only modules (with ansible.builtin.action_common_attributes)."""

    READ_ONLY = r"""
attributes:
  check_mode:
    support: full
    details: Read-only; works the same in check mode.
  diff_mode:
    support: N/A
    details: Read-only.
"""
