# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Preflight checks of one mesh's live state, from what ``mesh_info`` read (pure: no cluster access)."""

from __future__ import annotations

import re
from typing import Any, Mapping

from ansible_collections.servicemesh.federation.plugins.module_utils._federation.certs import certificate_problem

SUPPORTED_MIN = (2, 1)
SUPPORTED_MAX = (2, 6)


def parse_version(value: Any) -> tuple[int, int] | None:
    """``v2.6`` or ``2.6.1`` as ``(2, 6)``; None when it is not a version."""
    match = re.match(r"^v?(\d+)\.(\d+)", str(value or ""))
    return (int(match.group(1)), int(match.group(2))) if match else None


def live_problems(mesh: str, info: Mapping[str, Any], smcp_name: str, namespace: str,
                  minimum: tuple[int, int] = SUPPORTED_MIN, maximum: tuple[int, int] = SUPPORTED_MAX) -> list[str]:
    """Every reason why federation cannot be set up on this mesh as it is now."""
    if not info.get("crds_present"):
        return [f"{mesh}: the cluster of federation_kubeconfig/federation_context does not serve the Maistra CRDs "
                "(maistra.io/v2 ServiceMeshControlPlane, federation.maistra.io/v1 ServiceMeshPeer); "
                "install OpenShift Service Mesh 2.1 to 2.6 there first"]
    smcp = info.get("smcp")
    if not smcp:
        return [f"{mesh}: federation_smcp_name: no ServiceMeshControlPlane {namespace}/{smcp_name}; "
                "create the control plane first or set federation_namespace and federation_smcp_name to the existing one"]
    version = parse_version(smcp.get("version"))
    if version is None or not minimum <= version <= maximum:
        shown = smcp.get("version") or "unset"
        return [f"{mesh}: federation_smcp_name: ServiceMeshControlPlane {namespace}/{smcp_name} has spec.version {shown}; federation needs "
                f"v{minimum[0]}.{minimum[1]} to v{maximum[0]}.{maximum[1]} (OpenShift Service Mesh 3 has no federation)"]
    return root_certificate_problems(mesh, info.get("root_certificate"), namespace)


def root_certificate_problems(mesh: str, root: Any, namespace: str) -> list[str]:
    """A published root certificate that peers cannot trust (not PEM, not a CA, a private key in it).

    A missing ``istio-ca-root-cert`` is not refused here: the control plane publishes it once it runs.
    """
    if not root:
        return []
    pem = root.get("pem") if isinstance(root, Mapping) else None
    problem = certificate_problem(pem)
    if problem is None:
        return []
    return [f"{mesh}: federation_namespace {namespace}: ConfigMap istio-ca-root-cert (key root-cert.pem) {problem}; peers would copy it "
            f"into {mesh}-ca-root-cert and could never connect. Fix the mesh's certificate authority before federating"]
