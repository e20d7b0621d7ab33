# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Names, model defaults, certificates and status predicates."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import certs, names, resources, status
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.model import (
    NodePorts, allocate_node_ports, default_ingress_service_type, parse_federation,
)
from ansible_collections.servicemesh.federation.tests.unit.helpers import pem, reference_hostvars

MESHES = ["red-mesh", "green-mesh", "blue-mesh"]
# from `openssl x509 -noout -fingerprint -sha256` on the fixtures
ROOT_SHA256 = "cd973c26ed225dda9b88bdfbf0b6a8e4cf29932b82f39d4618f10b9f6014be3b"
INTERMEDIATE_SHA256 = "55123b636b90a69e3306a56820ed3944a447ea2a849d36f8650ff44cc21667ce"
# from `sha256sum` over the DER of root then intermediate
BUNDLE_SHA256 = "a55395931257c6f6f83831d485b9dc3421d878ff4e663f38ea0e92d8023f3ea6"


def test_names_of_one_peer() -> None:
    assert names.ingress_gateway("green-mesh") == "ingress-green-mesh"
    assert names.egress_gateway("green-mesh") == "egress-green-mesh"
    assert names.ingress_gateway_labels("green-mesh") == {"federation.maistra.io/ingress-for": "ingress-green-mesh"}
    assert names.egress_gateway_labels("green-mesh") == {"federation.maistra.io/egress-for": "egress-green-mesh"}
    assert names.network_view("green-mesh") == "network-green-mesh"
    assert names.ca_root_configmap("green-mesh") == "green-mesh-ca-root-cert"
    assert names.client_id("green-mesh.local", "green-mesh-system", "red-mesh") == "green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account"
    assert names.spiffe_id("green-mesh.local", "green-mesh-system", "egress-red-mesh-service-account") == (
        "spiffe://green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account")
    assert names.egress_ports() == [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "http-discovery"}]
    assert names.ingress_ports() == [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "https-discovery"}]
    assert names.ingress_ports(32359, 30510) == [
        {"port": 15443, "nodePort": 30510, "name": "tls"}, {"port": 8188, "nodePort": 32359, "name": "https-discovery"}]
    assert names.managed_by_labels() == {"app.kubernetes.io/managed-by": "servicemesh.federation"}
    assert names.FIELD_MANAGER == "servicemesh.federation"
    assert names.ROOT_CERT_ANNOTATION == "federation.servicemesh.io/root-cert-sha256"
    assert (names.default_namespace("red-mesh"), names.default_smcp_name("red-mesh"), names.default_trust_domain("red-mesh")) == (
        "red-mesh-system", "red-mesh", "red-mesh.local")


@pytest.mark.parametrize("platform, expected", [("aws", "LoadBalancer"), ("azure", "LoadBalancer"), ("gcp", "LoadBalancer"),
                                                ("baremetal", "NodePort"), ("ibmz", "NodePort"), ("ibmpower", "NodePort")])
def test_default_ingress_service_type(platform: str, expected: str) -> None:
    assert default_ingress_service_type(platform) == expected


def test_model_defaults_and_overrides() -> None:
    federation = parse_federation(reference_hostvars(red_mesh={"federation_namespace": "istio-system", "federation_smcp_name": "basic",
                                                               "federation_trust_domain": "red.example", "federation_ingress_service_type": "NodePort"}),
                                  MESHES)
    red = federation.mesh("red-mesh")
    assert (red.namespace, red.smcp_name, red.trust_domain, red.ingress_service_type) == ("istio-system", "basic", "red.example", "NodePort")
    green = federation.mesh("green-mesh")
    assert (green.namespace, green.smcp_name, green.trust_domain, green.ingress_service_type) == (
        "green-mesh-system", "green-mesh", "green-mesh.local", "LoadBalancer")
    assert green.node_ports == {}
    fragment = resources.smcp_fragment(red)
    assert fragment["metadata"] == {"name": "basic", "namespace": "istio-system"}
    peer = resources.service_mesh_peer(green, resources.PeerData("red-mesh", pem("root-cert.pem"), ["192.0.2.1"]), federation)
    assert peer["spec"]["security"]["clientID"] == "red.example/ns/istio-system/sa/egress-green-mesh-service-account"
    assert peer["spec"]["remote"] == {"addresses": ["192.0.2.1"], "discoveryPort": red.node_ports["green-mesh"].discovery,
                                      "servicePort": red.node_ports["green-mesh"].service}


def test_node_port_allocation_keeps_explicit_ports_and_does_not_move_others() -> None:
    assert allocate_node_ports(["c", "a"], {}, 32100) == {"c": NodePorts(32102, 32103), "a": NodePorts(32100, 32101)}
    assert allocate_node_ports(["c", "a"], {"a": NodePorts(30000, 30001)}, 32100) == {"c": NodePorts(32102, 32103), "a": NodePorts(30000, 30001)}


def test_aws_ingress_gets_the_nlb_annotation() -> None:
    federation = parse_federation(reference_hostvars(red_mesh={"federation_platform": "aws"}), MESHES)
    ingress = resources.smcp_fragment(federation.mesh("red-mesh"))["spec"]["gateways"]["additionalIngress"]["ingress-green-mesh"]
    assert ingress["service"]["metadata"]["annotations"] == {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}
    green = resources.smcp_fragment(federation.mesh("green-mesh"))["spec"]["gateways"]["additionalIngress"]["ingress-red-mesh"]
    assert "annotations" not in green["service"]["metadata"]


def test_ingress_endpoint_by_service_type() -> None:
    aws = {"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {"ingress": [{"hostname": "a1.elb.amazonaws.com"}]}}}
    assert resources.ingress_endpoint(aws) == (["a1.elb.amazonaws.com"], None, None)
    gcp = {"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.5"}]}}}
    assert resources.ingress_endpoint(gcp) == (["203.0.113.5"], None, None)
    assert resources.ingress_endpoint({"spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}}) == ([], None, None)
    node_port = {"spec": {"type": "NodePort", "ports": [{"port": 15443, "nodePort": 30510}, {"port": 8188, "nodePort": 32359}]}}
    nodes = [{"status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "Hostname", "address": "n1"}]}},
             {"status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]}}]
    assert resources.ingress_endpoint(node_port, nodes) == (["10.0.0.1", "10.0.0.2"], 32359, 30510)
    nodes[1]["status"]["addresses"].append({"type": "ExternalIP", "address": "198.51.100.2"})
    assert resources.ingress_endpoint(node_port, nodes) == (["198.51.100.2"], 32359, 30510)


def test_certificate_fingerprints_match_openssl() -> None:
    root, intermediate = pem("root-cert.pem"), pem("intermediate-cert.pem")
    assert certs.fingerprint_sha256(root) == ROOT_SHA256
    assert certs.fingerprint_sha256(intermediate, ":")[:8] == "55:12:3b"
    assert certs.bundle_fingerprint(root) == ROOT_SHA256
    assert certs.bundle_fingerprint(root + intermediate) == BUNDLE_SHA256
    assert certs.bundle_fingerprint("# root\n" + root.replace("\n", "\r\n") + "\n\n") == ROOT_SHA256
    assert certs.split_pem(root + intermediate) == [root, intermediate]
    assert certs.split_pem("nothing") == []
    with pytest.raises(certs.CertificateError, match="no PEM certificate"):
        certs.fingerprint_sha256("")


def test_certificate_ca_and_expiry() -> None:
    pytest.importorskip("cryptography")
    assert certs.is_ca(pem("root-cert.pem")) is True
    assert certs.is_ca(pem("leaf-cert.pem")) is False
    assert certs.not_after(pem("leaf-cert.pem")) == datetime.datetime(2026, 1, 31, tzinfo=datetime.timezone.utc)
    now = datetime.datetime(2026, 1, 30, tzinfo=datetime.timezone.utc)
    assert certs.expires_within(pem("leaf-cert.pem"), 2 * 86400, now) is True
    assert certs.expires_within(pem("root-cert.pem"), 2 * 86400, now) is False


def test_rotated_root_certificate_changes_the_peer_annotation() -> None:
    federation = parse_federation(reference_hostvars(), MESHES)
    red = federation.mesh("red-mesh")
    before = resources.service_mesh_peer(red, resources.PeerData("green-mesh", pem("root-cert.pem"), ["192.0.2.1"]), federation)
    after = resources.service_mesh_peer(red, resources.PeerData("green-mesh", pem("intermediate-cert.pem") + pem("root-cert.pem"), ["192.0.2.1"]),
                                        federation)
    annotation = "federation.servicemesh.io/root-cert-sha256"
    assert before["metadata"]["annotations"][annotation] == ROOT_SHA256
    assert after["metadata"]["annotations"][annotation] != ROOT_SHA256


def peer_with(active: list[dict], inactive: list[dict] | None = None) -> dict:
    return {"kind": "ServiceMeshPeer", "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"},
            "status": {"discoveryStatus": {"active": active, "inactive": inactive or []}}}


def test_status_without_discovery() -> None:
    verdict = status.peer_connected({"kind": "ServiceMeshPeer", "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"}})
    assert not verdict
    assert verdict.reason == "ServiceMeshPeer green-mesh in red-mesh-system: no discovery status yet (istiod has not picked up this peer)"


def test_status_outbound_only() -> None:
    peer = peer_with([{"pod": "istiod-red-mesh-1", "watch": {"connected": True, "lastDisconnectStatus": "503 Service Unavailable"}, "remotes": []}])
    assert status.peer_outbound_connected(peer)
    verdict = status.peer_connected(peer)
    assert not verdict
    assert verdict.reason == ("ServiceMeshPeer green-mesh in red-mesh-system: inbound not connected: the peer's istiod is not connected to this mesh's "
                              "discovery service")


def test_status_inbound_only_with_inactive_detail() -> None:
    peer = peer_with([{"pod": "istiod-red-mesh-1", "watch": {"connected": False}, "remotes": [{"connected": True, "source": "10.0.0.9"}]}],
                     [{"pod": "istiod-red-mesh-0", "watch": {"connected": False, "lastDisconnectStatus": "403 Forbidden"}}])
    assert status.peer_inbound_connected(peer)
    verdict = status.peer_connected(peer)
    assert verdict.reason == ("ServiceMeshPeer green-mesh in red-mesh-system: outbound not connected: this mesh's istiod is not connected to the "
                              "peer's discovery service (inactive: istiod-red-mesh-0: last disconnect 403 Forbidden)")


def test_status_inbound_log_hint() -> None:
    assert status.troubleshooting_logs("red-mesh", "green-mesh", "red-mesh-system", "green-mesh-system", direction="inbound") == [
        "istiod-green-mesh in green-mesh-system", "egress-red-mesh in green-mesh-system", "ingress-green-mesh in red-mesh-system"]


def test_exported_status_missing_name() -> None:
    service_set = {"kind": "ExportedServiceSet", "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"}, "status": {"exportedServices": []}}
    verdict = status.services_exported(service_set, ["ratings.bookinfo.svc.green-mesh-exports.local"])
    assert not verdict
    assert verdict.reason.startswith("ExportedServiceSet green-mesh in red-mesh-system: not exported yet: ratings.bookinfo.svc.green-mesh-exports.local;")
    assert status.services_exported(service_set, [])
