# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""servicemesh.federation.federation_status against the lab: bounded waits and what the failure says."""

from __future__ import annotations

import time
from typing import Any


def test_missing_peer_times_out_naming_it(lab: Any, run: Any, kubeconfig: Any) -> None:
    started = time.monotonic()
    result = run("federation_status", {"kubeconfig": kubeconfig("red-mesh"), "mesh": "red-mesh",
                                       "peers": [{"name": "modtest-nowhere"}], "wait_timeout": 2})
    assert result["failed"] is True and result["ready"] is False
    assert "ServiceMeshPeer modtest-nowhere does not exist in red-mesh-system" in result["msg"]
    assert result["polls"] >= 2 and 2 <= result["elapsed"] < 5
    assert time.monotonic() - started < 20


def test_unreachable_peer_names_direction_and_logs(lab: Any, run: Any, admin_kubeconfig: Any, scratch: Any) -> None:
    red = lab["red-mesh"]
    namespace = scratch("red-mesh")
    red.create("maistra.io", "v2", "servicemeshcontrolplanes", {
        "apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane", "metadata": {"name": "modtest", "namespace": namespace},
        "spec": {"version": "v2.6", "security": {"trust": {"domain": "modtest.local"}}},
    }, namespace)
    red.create("federation.maistra.io", "v1", "servicemeshpeers", {
        "apiVersion": "federation.maistra.io/v1", "kind": "ServiceMeshPeer", "metadata": {"name": "green-mesh", "namespace": namespace},
        "spec": {
            # nothing listens there: the emulated istiod cannot connect
            "remote": {"addresses": ["127.0.0.1"], "discoveryPort": 9, "servicePort": 9},
            "gateways": {"ingress": {"name": "ingress-green-mesh"}, "egress": {"name": "egress-green-mesh"}},
            "security": {"trustDomain": "green-mesh.local", "clientID": "green-mesh.local/ns/green-mesh-system/sa/egress-modtest-service-account",
                         "certificateChain": {"kind": "ConfigMap", "name": "green-mesh-ca-root-cert"}},
        },
    }, namespace)
    result = run("federation_status", {"kubeconfig": admin_kubeconfig("red-mesh"), "mesh": "modtest", "namespace": namespace,
                                       "peers": [{"name": "green-mesh", "namespace": "green-mesh-system"}], "wait_timeout": 4})
    assert result["failed"] is True, result
    message = result["msg"]
    assert "Federation of mesh modtest not ready after 4s" in message
    assert "peer green-mesh: outbound modtest -> green-mesh not connected" in message
    for log in (f"istiod-modtest in {namespace}", f"egress-green-mesh in {namespace}", "ingress-modtest in green-mesh-system"):
        assert log in message, log
    assert "peer green-mesh: inbound green-mesh -> modtest not connected" in message
    [peer] = result["peers"]
    assert peer["exists"] and not peer["outbound_connected"] and not peer["ready"]
