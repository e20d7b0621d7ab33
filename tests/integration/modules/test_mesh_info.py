# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""servicemesh.federation.mesh_info against the lab: what a mesh looks like, gateway addresses by platform."""

from __future__ import annotations

import random
import time
from typing import Any, Optional

NLB = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}


def _ingress(peer: str, service_type: str, annotations: Optional[dict[str, str]] = None,
             node_ports: Optional[tuple[int, int]] = None) -> dict[str, Any]:
    discovery: dict[str, Any] = {"port": 8188, "name": "https-discovery"}
    tls: dict[str, Any] = {"port": 15443, "name": "tls"}
    if node_ports:
        discovery["nodePort"], tls["nodePort"] = node_ports
    metadata: dict[str, Any] = {"labels": {"federation.maistra.io/ingress-for": f"ingress-{peer}"}}
    if annotations:
        metadata["annotations"] = annotations
    return {"enabled": True, "routerMode": "sni-dnat", "service": {"type": service_type, "metadata": metadata, "ports": [tls, discovery]}}


def _smcp_with(cluster: Any, namespace: str, ingress: dict[str, Any]) -> None:
    cluster.create("maistra.io", "v2", "servicemeshcontrolplanes", {
        "apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
        "metadata": {"name": "modtest", "namespace": namespace},
        "spec": {"version": "v2.6", "security": {"trust": {"domain": f"{namespace}.local"}},
                 "gateways": {"additionalIngress": ingress}},
    }, namespace)


def test_reads_a_mesh_with_the_least_privilege_credential(lab: Any, run: Any, kubeconfig: Any) -> None:
    red = lab["red-mesh"]
    info = run("mesh_info", {"kubeconfig": kubeconfig("red-mesh"), "namespace": red.namespace, "smcp_name": "red-mesh", "gateways": []})
    assert info["changed"] is False and "failed" not in info, info
    assert info["crds_present"] is True
    assert "ServiceMeshPeer" in info["crds"]["federation.maistra.io/v1"]
    assert info["smcp"]["name"] == "red-mesh" and info["smcp"]["version"] == red.info["smcp_version"]
    assert info["smcp"]["ready"] is True
    assert info["root_certificate"]["pem"] == red.root_cert()
    assert len(info["root_certificate"]["fingerprint_sha256"]) == 64 and info["root_certificate"]["not_after"]
    assert info["gateways"] == []


def test_aws_load_balancer_address_is_a_host_name_only_with_the_nlb_annotation(lab: Any, run: Any, admin_kubeconfig: Any, scratch: Any) -> None:
    namespace = scratch("red-mesh")
    _smcp_with(lab["red-mesh"], namespace, {"ingress-green-mesh": _ingress("green-mesh", "LoadBalancer", NLB),
                                            "ingress-blue-mesh": _ingress("blue-mesh", "LoadBalancer")})
    args = {"kubeconfig": admin_kubeconfig("red-mesh"), "namespace": namespace, "smcp_name": "modtest", "platform": "aws"}
    started = time.monotonic()
    info = run("mesh_info", dict(args, gateways=["ingress-green-mesh"], wait=True, wait_timeout=60))
    assert "failed" not in info, info
    gateway = info["gateways"][0]
    assert gateway["ready"] and gateway["type"] == "LoadBalancer" and gateway["peer"] == "green-mesh"
    assert gateway["addresses"] and all(not address.replace(".", "").isdigit() for address in gateway["addresses"]), gateway
    assert (gateway["discovery_port"], gateway["service_port"]) == (8188, 15443)
    assert time.monotonic() - started < 30

    pending = run("mesh_info", dict(args, gateways=["ingress-blue-mesh"], wait=True, wait_timeout=3))
    assert pending["failed"] is True
    assert "Timed out after 3s" in pending["msg"] and "service.beta.kubernetes.io/aws-load-balancer-type: nlb" in pending["msg"]
    assert pending["gateways"][0]["ready"] is False


def test_gcp_load_balancer_address_is_an_ip(lab: Any, run: Any, admin_kubeconfig: Any, scratch: Any) -> None:
    namespace = scratch("blue-mesh")
    _smcp_with(lab["blue-mesh"], namespace, {"ingress-red-mesh": _ingress("red-mesh", "LoadBalancer")})
    info = run("mesh_info", {"kubeconfig": admin_kubeconfig("blue-mesh"), "namespace": namespace, "platform": "gcp",
                             "wait": True, "wait_timeout": 60})
    assert "failed" not in info, info
    [gateway] = info["gateways"]
    assert gateway["ready"] and gateway["addresses"] and all(part.isdigit() for part in gateway["addresses"][0].split("."))


def test_baremetal_node_port_uses_node_addresses_and_node_ports(lab: Any, run: Any, admin_kubeconfig: Any, scratch: Any) -> None:
    green = lab["green-mesh"]
    namespace = scratch("green-mesh")
    # node ports are cluster-wide: pick a pair no other test uses
    base = 30000 + 2 * random.randrange(900)
    _smcp_with(green, namespace, {"ingress-red-mesh": _ingress("red-mesh", "NodePort", node_ports=(base, base + 1))})
    info = run("mesh_info", {"kubeconfig": admin_kubeconfig("green-mesh"), "namespace": namespace, "platform": "baremetal",
                             "gateways": ["ingress-red-mesh"], "wait": True, "wait_timeout": 60})
    assert "failed" not in info, info
    [gateway] = info["gateways"]
    assert gateway["type"] == "NodePort" and gateway["ready"]
    assert (gateway["discovery_port"], gateway["service_port"]) == (base, base + 1)
    assert sorted(gateway["addresses"]) == sorted(green.node_addresses("ExternalIP"))


def test_load_balancer_on_a_platform_without_one_suggests_node_port(lab: Any, run: Any, admin_kubeconfig: Any, scratch: Any) -> None:
    namespace = scratch("green-mesh")
    _smcp_with(lab["green-mesh"], namespace, {"ingress-red-mesh": _ingress("red-mesh", "LoadBalancer")})
    result = run("mesh_info", {"kubeconfig": admin_kubeconfig("green-mesh"), "namespace": namespace, "platform": "baremetal",
                               "gateways": ["ingress-red-mesh"], "wait": True, "wait_timeout": 3})
    assert result["failed"] is True and "NodePort" in result["msg"] and "baremetal" in result["msg"]
