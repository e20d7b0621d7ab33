# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared fixtures data for the unit tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pem(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="ascii")


def load(text: str) -> Any:
    return yaml.safe_load(text)


def without_ours(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource without the label and annotation this collection adds to everything it creates."""
    result = copy.deepcopy(resource)
    metadata = result.get("metadata", {})
    labels = metadata.get("labels", {})
    assert labels.pop("app.kubernetes.io/managed-by", None) in (None, "servicemesh.federation")
    if not labels:
        metadata.pop("labels", None)
    annotations = metadata.get("annotations", {})
    annotations.pop("federation.servicemesh.io/root-cert-sha256", None)
    if not annotations:
        metadata.pop("annotations", None)
    return result


def reference_hostvars(**overrides: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """red-mesh, green-mesh and blue-mesh of the reference procedure, each in its own cluster."""
    hostvars: dict[str, dict[str, Any]] = {
        "red-mesh": {"federation_platform": "gcp", "federation_kubeconfig": "red.kubeconfig"},
        "green-mesh": {"federation_platform": "gcp", "federation_kubeconfig": "green.kubeconfig"},
        "blue-mesh": {"federation_platform": "gcp", "federation_kubeconfig": "blue.kubeconfig"},
    }
    for mesh, variables in overrides.items():
        hostvars[mesh.replace("_", "-")].update(variables)
    return hostvars
