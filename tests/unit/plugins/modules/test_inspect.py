# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure readings behind mesh_info and federation_status."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import inspect as live

cryptography = pytest.importorskip("cryptography")
# pylint: disable=wrong-import-position,wrong-import-order
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _cert(common_name: str, issuer: tuple[Any, str] | None = None, days: int = 30) -> tuple[Any, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_key, issuer_name = issuer if issuer else (key, common_name)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )
    return key, cert.public_bytes(serialization.Encoding.PEM).decode()


def _service(name: str, service_type: str, **extra: Any) -> dict[str, Any]:
    service: dict[str, Any] = {
        "metadata": {"name": name, "namespace": "red-mesh-system", "labels": {"federation.maistra.io/ingress-for": name}},
        "spec": {"type": service_type, "ports": [{"name": "tls", "port": 15443}, {"name": "https-discovery", "port": 8188}]},
        "status": {},
    }
    for key, value in extra.items():
        service[key].update(value)
    return service


def _node(name: str, **addresses: str) -> dict[str, Any]:
    return {"metadata": {"name": name}, "status": {"addresses": [{"type": t, "address": a} for t, a in addresses.items()]}}


# --- gateways -----------------------------------------------------------------------------------------


def test_load_balancer_hostname_is_the_address() -> None:
    service = _service("ingress-green-mesh", "LoadBalancer", status={"loadBalancer": {"ingress": [{"hostname": "a1.elb.amazonaws.com"}]}})
    gateway = live.gateway_address(service, platform="aws")
    assert gateway["addresses"] == ["a1.elb.amazonaws.com"]
    assert (gateway["discovery_port"], gateway["service_port"]) == (8188, 15443)
    assert gateway["ready"] and gateway["hint"] is None and gateway["peer"] == "green-mesh"


def test_load_balancer_ip_is_the_address() -> None:
    service = _service("ingress-red-mesh", "LoadBalancer", status={"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}})
    assert live.gateway_address(service, platform="gcp")["addresses"] == ["192.0.2.10"]


def test_pending_load_balancer_on_aws_without_annotation_names_the_annotation() -> None:
    gateway = live.gateway_address(_service("ingress-green-mesh", "LoadBalancer"), platform="aws")
    assert not gateway["ready"]
    assert "service.beta.kubernetes.io/aws-load-balancer-type: nlb" in gateway["hint"]


def test_pending_load_balancer_on_aws_with_annotation_says_wait() -> None:
    service = _service(
        "ingress-green-mesh", "LoadBalancer",
        metadata={"annotations": {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}},
    )
    hint = live.gateway_address(service, platform="aws")["hint"]
    assert "waits for its AWS network load balancer" in hint


@pytest.mark.parametrize("platform", ["baremetal", "ibmz", "ibmpower"])
def test_pending_load_balancer_without_load_balancers_suggests_node_port(platform: str) -> None:
    hint = live.gateway_address(_service("ingress-green-mesh", "LoadBalancer"), platform=platform)["hint"]
    assert "NodePort" in hint and platform in hint


def test_node_port_uses_node_ports_and_prefers_external_ip() -> None:
    service = _service("ingress-blue-mesh", "NodePort")
    service["spec"]["ports"] = [
        {"name": "tls", "port": 15443, "nodePort": 32101},
        {"name": "https-discovery", "port": 8188, "nodePort": 32100},
    ]
    nodes = [_node("n2", InternalIP="10.0.0.2"), _node("n1", InternalIP="10.0.0.1", ExternalIP="198.51.100.1")]
    gateway = live.gateway_address(service, nodes)
    assert gateway["addresses"] == ["198.51.100.1"]
    assert live.gateway_address(service, [_node("n2", InternalIP="10.0.0.2")])["addresses"] == ["10.0.0.2"]
    assert (gateway["discovery_port"], gateway["service_port"]) == (32100, 32101)
    assert gateway["ready"]


def test_node_port_without_node_ports_is_not_ready() -> None:
    gateway = live.gateway_address(_service("ingress-blue-mesh", "NodePort"), [_node("n1", InternalIP="10.0.0.1")])
    assert not gateway["ready"] and "node ports" in gateway["hint"]


def test_cluster_ip_service_cannot_be_reached() -> None:
    gateway = live.gateway_address(_service("ingress-blue-mesh", "ClusterIP"))
    assert not gateway["ready"] and "ClusterIP" in gateway["hint"]


def test_missing_gateway_names_the_smcp() -> None:
    gateway = live.missing_gateway("ingress-green-mesh", "red-mesh-system")
    assert gateway["peer"] == "green-mesh" and "additionalIngress" in gateway["hint"]


# --- control plane and certificate ------------------------------------------------------------------------


def test_smcp_summary_reads_version_readiness_and_trust_domain() -> None:
    smcp = {
        "metadata": {"name": "red-mesh", "namespace": "red-mesh-system"},
        "spec": {"version": "v2.6", "security": {"trust": {"domain": "red-mesh.local"}}},
        "status": {"conditions": [{"type": "Reconciled", "status": "True"}, {"type": "Ready", "status": "True"}]},
    }
    summary = live.smcp_summary(smcp)
    assert summary is not None
    assert (summary["version"], summary["ready"], summary["trust_domain"]) == ("v2.6", True, "red-mesh.local")
    assert live.smcp_summary(None) is None
    smcp["status"]["conditions"][1]["status"] = "False"
    assert live.smcp_summary(smcp)["ready"] is False  # type: ignore[index]


def test_root_certificate_keeps_a_chain_whole() -> None:
    root_key, root_pem = _cert("root")
    _intermediate_key, intermediate_pem = _cert("intermediate", issuer=(root_key, "root"), days=10)
    pem = intermediate_pem + root_pem
    info = live.root_certificate({"data": {"root-cert.pem": pem}})
    assert info is not None
    assert info["pem"] == pem and info["certificates"] == 2
    assert len(info["fingerprint_sha256"]) == 64 and info["fingerprint_sha256"] != info["bundle_sha256"]
    expiry = datetime.datetime.fromisoformat(info["not_after"])
    assert datetime.timedelta(days=9) < expiry - datetime.datetime.now(datetime.timezone.utc) < datetime.timedelta(days=11)


def test_root_certificate_absent_or_garbage() -> None:
    assert live.root_certificate(None) is None
    assert live.root_certificate({"data": {}}) is None
    assert live.root_certificate({"data": {"root-cert.pem": "not a certificate"}})["certificates"] == 0  # type: ignore[index]


# --- federation status ------------------------------------------------------------------------------------


def _peer(watch: bool, remote: bool) -> dict[str, Any]:
    return {
        "kind": "ServiceMeshPeer",
        "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"},
        "status": {"discoveryStatus": {"active": [{
            "pod": "istiod-red-mesh-1",
            "watch": {"connected": watch, "lastDisconnectStatus": "503 Service Unavailable"},
            "remotes": [{"connected": remote, "source": "10.0.0.9"}],
        }]}},
    }


def _set(kind: str, field: str, entries: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "kind": kind,
        "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"},
        "status": {field: [{"exportedName": e, "localService": {"hostname": h, "name": "ratings", "namespace": "bookinfo"}} for e, h in entries]},
    }


def test_connected_both_ways_with_services_is_ready() -> None:
    state = live.peer_status(
        "green-mesh",
        _peer(True, True),
        _set("ExportedServiceSet", "exportedServices", [("ratings.bookinfo.svc.green-mesh-exports.local", "ratings.red.svc.cluster.local")]),
        _set("ImportedServiceSet", "importedServices", [("ratings.bookinfo.svc.red-mesh-exports.local", "ratings.bookinfo.svc.green-mesh-imports.local")]),
        expected_exports=["ratings.bookinfo.svc.green-mesh-exports.local"],
        expected_imports=["ratings.bookinfo.svc.green-mesh-imports.local"],
    )
    assert state["ready"], state
    assert state["exported"][0]["local_hostname"] == "ratings.red.svc.cluster.local"


def test_outbound_failure_names_direction_and_logs() -> None:
    state = live.peer_status("green-mesh", _peer(False, True), None, None)
    assert not state["ready"] and state["inbound_connected"] and not state["outbound_connected"]
    problems = live.peer_problems(state, "red-mesh", "red-mesh-system", "green-mesh-system")
    assert len(problems) == 1
    message = problems[0]
    assert "outbound red-mesh -> green-mesh" in message
    for log in ("istiod-red-mesh in red-mesh-system", "egress-green-mesh in red-mesh-system", "ingress-red-mesh in green-mesh-system"):
        assert log in message


def test_inbound_failure_names_the_peer_side_logs() -> None:
    state = live.peer_status("green-mesh", _peer(True, False), None, None)
    message = " ".join(live.peer_problems(state, "red-mesh", "red-mesh-system", "green-mesh-system"))
    assert "inbound green-mesh -> red-mesh" in message
    for log in ("istiod-green-mesh in green-mesh-system", "egress-red-mesh in green-mesh-system", "ingress-green-mesh in red-mesh-system"):
        assert log in message


def test_missing_peer_and_missing_services() -> None:
    state = live.peer_status("green-mesh", None, None, None, expected_exports=["a.b.svc.green-mesh-exports.local"])
    assert not state["exists"] and state["missing_exports"] == ["a.b.svc.green-mesh-exports.local"]
    assert "does not exist" in live.peer_problems(state, "red-mesh", "red-mesh-system", "green-mesh-system")[0]
    state = live.peer_status(
        "green-mesh", _peer(True, True), None,
        _set("ImportedServiceSet", "importedServices", [("x.y.svc.red-mesh-exports.local", "")]),
        expected_imports=["x.y.svc.green-mesh-imports.local"],
    )
    assert state["imported"] == [] and state["missing_imports"] == ["x.y.svc.green-mesh-imports.local"]
    assert "not imported yet" in live.peer_problems(state, "red-mesh", "red-mesh-system", "green-mesh-system")[0]


def test_peer_summary() -> None:
    peer = _peer(True, False)
    peer["spec"] = {"remote": {"addresses": ["10.0.0.1"], "discoveryPort": 32100, "servicePort": 32101},
                    "security": {"trustDomain": "green-mesh.local", "clientID": "green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account"}}
    summary = live.peer_summary(peer)
    assert summary["addresses"] == ["10.0.0.1"] and summary["discovery_port"] == 32100
    assert summary["outbound_connected"] and not summary["inbound_connected"]
