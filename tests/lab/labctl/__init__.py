# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The servicemesh.federation test lab: real kube-apiservers on loopback and an emulated Maistra.

Independent of the collection: nothing here imports it."""
