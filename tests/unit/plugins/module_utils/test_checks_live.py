# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verdicts of federation_check over what was read: one healthy reading, then one fault at a time."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks_live
from ansible_collections.servicemesh.federation.plugins.module_utils._federation import inspect as live

cryptography = pytest.importorskip("cryptography")
# pylint: disable=wrong-import-position,wrong-import-order
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

NOW = datetime.datetime(2026, 6, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


def _root(common_name: str, days: int = 3650) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(days=1)).not_valid_after(NOW + datetime.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


GREEN_ROOT = _root("green-mesh")
OTHER_ROOT = _root("blue-mesh")


def _service(name: str, label: str, ports: list[tuple[int, str]], service_type: str = "LoadBalancer", address: str | None = None) -> dict[str, Any]:
    service: dict[str, Any] = {
        "metadata": {"name": name, "namespace": "red-mesh-system", "labels": {label: name}},
        "spec": {"type": service_type, "ports": [{"port": port, "name": port_name} for port, port_name in ports]},
        "status": {},
    }
    if address:
        service["status"] = {"loadBalancer": {"ingress": [{"ip": address}]}}
    return service


def _peer_object(connected_out: bool = True, connected_in: bool = True, last_sync: str | None = "2026-06-01T11:59:00Z") -> dict[str, Any]:
    watch: dict[str, Any] = {"connected": connected_out}
    if last_sync:
        watch["lastFullSync"] = last_sync
    return {
        "kind": "ServiceMeshPeer",
        "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"},
        "spec": {"remote": {"addresses": ["10.0.0.2"]}, "security": {"trustDomain": "green-mesh.local"}},
        "status": {"discoveryStatus": {"active": [{"pod": "istiod-red-mesh-1", "watch": watch,
                                                   "remotes": [{"source": "10.0.0.2", "connected": connected_in}]}]}},
    }


def healthy() -> dict[str, Any]:
    """What check_read.read_federation returns for red-mesh with one healthy peer, green-mesh."""
    ingress = _service("ingress-green-mesh", "federation.maistra.io/ingress-for", [(15443, "tls"), (8188, "https-discovery")], address="10.0.0.1")
    egress = _service("egress-green-mesh", "federation.maistra.io/egress-for", [(15443, "tls"), (8188, "http-discovery")], service_type="ClusterIP")
    peer_ingress = _service("ingress-red-mesh", "federation.maistra.io/ingress-for", [(15443, "tls"), (8188, "https-discovery")], address="10.0.0.2")
    peer_obj = _peer_object()
    exported = {"status": {"exportedServices": [{"exportedName": "ratings.bookinfo.svc.green-mesh-exports.local"}]}}
    imported = {"status": {"importedServices": [{"exportedName": "x", "localService": {"hostname": "reviews.bookinfo.svc.green-mesh-imports.local"}}]}}
    return {
        "mesh": "red-mesh",
        "namespace": "red-mesh-system",
        "smcp_name": "red-mesh",
        "error": None,
        "info": {
            "crds": {"maistra.io/v2": ["ServiceMeshControlPlane"],
                     "federation.maistra.io/v1": ["ExportedServiceSet", "ImportedServiceSet", "ServiceMeshPeer"]},
            "crds_present": True,
            "smcp": {"name": "red-mesh", "version": "v2.6", "ready": True, "trust_domain": "red-mesh.local"},
            "gateways": [live.gateway_address(ingress)],
            "peers": [live.peer_summary(peer_obj)],
        },
        "smcp_gateways": {
            "additionalIngress": {"ingress-green-mesh": {"enabled": True}},
            "additionalEgress": {"egress-green-mesh": {"enabled": True, "requestedNetworkView": ["network-green-mesh"]}},
        },
        "services": {"ingress-green-mesh": ingress, "egress-green-mesh": egress},
        "configmaps": {"green-mesh-ca-root-cert": {"data": {"root-cert.pem": GREEN_ROOT}}},
        "service_sets": {"exports": {"green-mesh": exported}, "imports": {"green-mesh": imported}},
        "peer_states": {"green-mesh": live.peer_status("green-mesh", peer_obj, exported, imported,
                                                       ["ratings.bookinfo.svc.green-mesh-exports.local"],
                                                       ["reviews.bookinfo.svc.green-mesh-imports.local"])},
        "peers": [{
            "name": "green-mesh",
            "namespace": "green-mesh-system",
            "exports": ["ratings.bookinfo.svc.green-mesh-exports.local"],
            "imports": ["reviews.bookinfo.svc.green-mesh-imports.local"],
            "export_rules": 1,
            "import_rules": 1,
            "info": {
                "smcp": {"trust_domain": "green-mesh.local"},
                "root_certificate": live.root_certificate({"data": {"root-cert.pem": GREEN_ROOT}}),
                "gateways": [live.gateway_address(peer_ingress)],
            },
            "egress_service_account": True,
        }],
    }


def verdicts(reading: dict[str, Any], **kwargs: Any) -> dict[tuple[Any, str], dict[str, Any]]:
    return {(check["peer"], check["check"]): check for check in checks_live.run_checks(reading, now=NOW, **kwargs)}


def not_passing(reading: dict[str, Any], **kwargs: Any) -> dict[tuple[Any, str], str]:
    return {key: check["result"] for key, check in verdicts(reading, **kwargs).items() if check["result"] != "pass"}


def test_healthy_reading_passes_every_check_in_order():
    results = checks_live.run_checks(healthy(), now=NOW)
    assert [(check["peer"], check["check"]) for check in results] == (
        [(None, name) for name in checks_live.MESH_CHECKS] + [("green-mesh", name) for name in checks_live.PEER_CHECKS]
    )
    assert {check["result"] for check in results} == {"pass"}
    assert all(check["mesh"] == "red-mesh" and check["reason"] for check in results)


def test_unreadable_mesh_fails_api_only():
    reading = healthy()
    reading["error"] = "connection refused"
    results = checks_live.run_checks(reading, now=NOW)
    assert [(check["check"], check["result"]) for check in results] == [("api", "fail")]
    assert "connection refused" in results[0]["reason"]


def test_missing_crds_stop_after_the_crd_check():
    reading = healthy()
    reading["info"]["crds"] = {"maistra.io/v2": [], "federation.maistra.io/v1": []}
    results = checks_live.run_checks(reading, now=NOW)
    assert [(check["check"], check["result"]) for check in results] == [("api", "pass"), ("crds", "fail")]
    assert "ServiceMeshPeer (federation.maistra.io/v1)" in results[1]["reason"]


@pytest.mark.parametrize("version, ready, expected", [("v3.0", True, "fail"), (None, True, "fail"), ("v2.0", True, "fail"), ("v2.1", False, "warn")])
def test_smcp_version(version, ready, expected):
    reading = healthy()
    reading["info"]["smcp"].update(version=version, ready=ready)
    assert not_passing(reading) == {(None, "smcp_version"): expected}


def test_missing_smcp_fails():
    reading = healthy()
    reading["info"]["smcp"] = None
    assert verdicts(reading)[(None, "smcp_version")]["result"] == "fail"


def test_ingress_service_missing_fails_by_name():
    reading = healthy()
    # another ingress Service first in the list must not be taken for it: lookup is by name
    reading["services"] = {"ingress-blue-mesh": reading["services"]["ingress-green-mesh"], "egress-green-mesh": reading["services"]["egress-green-mesh"]}
    reading["info"]["gateways"] = [live.missing_gateway("ingress-green-mesh", "red-mesh-system")]
    found = verdicts(reading)[("green-mesh", "ingress_gateway")]
    assert found["result"] == "fail" and "Service ingress-green-mesh does not exist" in found["reason"]


def test_smcp_gateway_entry_missing_fails():
    reading = healthy()
    reading["smcp_gateways"]["additionalIngress"] = {}
    found = verdicts(reading)[("green-mesh", "ingress_gateway")]
    assert found["result"] == "fail" and "spec.gateways.additionalIngress.ingress-green-mesh" in found["reason"]


def test_gateway_labels_and_ports():
    reading = healthy()
    service = reading["services"]["ingress-green-mesh"]
    service["metadata"]["labels"] = {}
    service["spec"]["ports"][1]["name"] = "http-discovery"
    reason = verdicts(reading)[("green-mesh", "ingress_gateway")]["reason"]
    assert "lacks the label federation.maistra.io/ingress-for=ingress-green-mesh" in reason
    assert "port 8188 is named 'http-discovery', expected 'https-discovery'" in reason
    reading = healthy()
    reading["services"]["egress-green-mesh"]["spec"]["ports"] = [{"port": 15443, "name": "tls"}]
    assert "no port 8188 (http-discovery)" in verdicts(reading)[("green-mesh", "egress_gateway")]["reason"]


def test_ingress_without_address_fails_with_the_hint():
    reading = healthy()
    service = reading["services"]["ingress-green-mesh"]
    service["status"] = {}
    reading["info"]["gateways"] = [live.gateway_address(service, platform="gcp")]
    found = verdicts(reading)[("green-mesh", "ingress_gateway")]
    assert found["result"] == "fail" and "no address assigned" in found["reason"]


def test_egress_network_view_missing_fails():
    reading = healthy()
    reading["smcp_gateways"]["additionalEgress"]["egress-green-mesh"]["requestedNetworkView"] = ["network-default"]
    assert "requestedNetworkView lacks network-green-mesh" in verdicts(reading)[("green-mesh", "egress_gateway")]["reason"]


def test_address_changed_fails():
    reading = healthy()
    peer_ingress = reading["peers"][0]["info"]["gateways"][0]
    peer_ingress["addresses"] = ["10.9.9.9"]
    found = verdicts(reading)[("green-mesh", "address")]
    assert found["result"] == "fail" and "dials 10.0.0.2" in found["reason"] and "10.9.9.9" in found["reason"]


def test_address_node_port_mismatch_fails():
    reading = healthy()
    reading["peers"][0]["info"]["gateways"][0]["discovery_port"] = 32101
    assert "remote.discoveryPort is 8188" in verdicts(reading)[("green-mesh", "address")]["reason"]


def test_wrong_root_certificate_fails_and_names_the_fix():
    reading = healthy()
    reading["configmaps"]["green-mesh-ca-root-cert"]["data"]["root-cert.pem"] = OTHER_ROOT
    found = verdicts(reading)[("green-mesh", "root_cert")]
    assert found["result"] == "fail" and "re-run federate.yml" in found["reason"]
    assert not_passing(reading) == {("green-mesh", "root_cert"): "fail"}


def test_root_configmap_missing_or_empty_fails():
    reading = healthy()
    reading["configmaps"] = {}
    assert not_passing(reading) == {("green-mesh", "root_cert"): "fail", ("green-mesh", "cert_expiry"): "fail"}
    reading = healthy()
    reading["configmaps"]["green-mesh-ca-root-cert"]["data"] = {"root-cert.pem": "not a certificate"}
    assert "holds no PEM certificate" in verdicts(reading)[("green-mesh", "root_cert")]["reason"]


def test_certificate_expiry_warns_within_the_window_and_fails_when_expired():
    reading = healthy()
    assert not_passing(reading, warn_days=100000) == {("green-mesh", "cert_expiry"): "warn"}
    assert not_passing(reading, warn_days=3640) == {}
    reading["configmaps"]["green-mesh-ca-root-cert"]["data"]["root-cert.pem"] = _root("old", days=-1)
    assert verdicts(reading)[("green-mesh", "cert_expiry")]["result"] == "fail"


def test_peer_cluster_unreadable_fails_the_checks_that_need_it():
    reading = healthy()
    reading["peers"][0]["info"] = {"error": "timed out"}
    assert not_passing(reading) == {
        ("green-mesh", "address"): "fail",
        ("green-mesh", "root_cert"): "fail",
        ("green-mesh", "trust_domain"): "fail",
        ("green-mesh", "peer_egress_service_account"): "fail",
    }
    assert "cannot read the peer's cluster: timed out" in verdicts(reading)[("green-mesh", "address")]["reason"]


def test_equal_or_misnamed_trust_domains_fail():
    reading = healthy()
    reading["peers"][0]["info"]["smcp"]["trust_domain"] = "red-mesh.local"
    assert "both meshes use the trust domain red-mesh.local" in verdicts(reading)[("green-mesh", "trust_domain")]["reason"]
    reading = healthy()
    reading["info"]["peers"][0]["trust_domain"] = "old.local"
    assert "names the trust domain old.local" in verdicts(reading)[("green-mesh", "trust_domain")]["reason"]


def test_peer_egress_service_account_missing_fails():
    reading = healthy()
    reading["peers"][0]["egress_service_account"] = False
    found = verdicts(reading)[("green-mesh", "peer_egress_service_account")]
    assert found["result"] == "fail" and "egress-red-mesh-service-account" in found["reason"]


def test_connection_down_names_direction_and_logs():
    reading = healthy()
    peer_obj = _peer_object(connected_out=False)
    reading["peer_states"]["green-mesh"] = live.peer_status("green-mesh", peer_obj, {}, {})
    found = verdicts(reading)
    assert found[("green-mesh", "connection")]["result"] == "fail"
    assert "red-mesh -> green-mesh" in found[("green-mesh", "connection")]["reason"]
    assert "istiod-red-mesh in red-mesh-system" in found[("green-mesh", "connection")]["reason"]
    assert found[("green-mesh", "sync")]["result"] == "fail"


def test_sync_age():
    reading = healthy()
    assert not_passing(reading, sync_max_age=30) == {("green-mesh", "sync"): "warn"}
    assert not_passing(reading, sync_max_age=0) == {}
    state = live.peer_status("green-mesh", _peer_object(last_sync=None), {}, {})
    assert checks_live.check_sync("red-mesh", "green-mesh", state, 900, NOW)["result"] == "fail"


def test_services_missing_or_not_listed():
    reading = healthy()
    reading["peer_states"]["green-mesh"]["missing_imports"] = ["reviews.bookinfo.svc.green-mesh-imports.local"]
    assert not_passing(reading) == {("green-mesh", "imports"): "fail"}
    reading = healthy()
    reading["service_sets"]["exports"] = {}
    assert "ExportedServiceSet green-mesh does not exist" in verdicts(reading)[("green-mesh", "exports")]["reason"]
    reading = healthy()
    reading["peer_states"]["green-mesh"]["exported"] = []
    reading["peers"][0]["exports"] = []
    assert not_passing(reading) == {("green-mesh", "exports"): "warn"}
    reading["peers"][0]["export_rules"] = 0
    assert not_passing(reading) == {}


def test_summary_and_links():
    reading = healthy()
    reading["configmaps"]["green-mesh-ca-root-cert"]["data"]["root-cert.pem"] = OTHER_ROOT
    summary = checks_live.summary(checks_live.run_checks(reading, now=NOW, warn_days=100000))
    assert (summary["pass"], summary["warn"], summary["fail"]) == (12, 1, 1)
    assert summary["failed"][0].startswith("red-mesh/green-mesh root_cert: ")
    assert summary["warnings"][0].startswith("red-mesh/green-mesh cert_expiry: ")
    links = checks_live.links("red-mesh", reading["peer_states"].values())
    assert links == [{"peer": "green-mesh", "exists": True, "outbound_connected": True, "inbound_connected": True,
                      "exported": ["ratings.bookinfo.svc.green-mesh-exports.local"],
                      "imported": ["reviews.bookinfo.svc.green-mesh-imports.local"]}]


def test_result_refuses_unknown_verdicts():
    with pytest.raises(ValueError, match="result must be one of pass, warn, fail"):
        checks_live.result("m", None, "api", "ok", "")


def test_parse_time():
    assert checks_live.parse_time("2026-06-01T11:59:00Z") == datetime.datetime(2026, 6, 1, 11, 59, tzinfo=datetime.timezone.utc)
    assert checks_live.parse_time("yesterday") is None and checks_live.parse_time(None) is None


def test_reading_is_not_modified():
    reading = healthy()
    before = copy.deepcopy(reading)
    checks_live.run_checks(reading, now=NOW)
    assert reading == before
