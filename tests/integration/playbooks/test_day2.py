# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Day-2 operations on a fresh lab of three meshes (red aws, green baremetal, blue gcp), in order:
federation with failover, drift repair (addresses, root CA, root + intermediate), removal of an imported
and of an exported service by a model change, and unfederation of blue-mesh."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from labkit import wait_until
from playbook_kit import run_playbook

MODEL = Path(__file__).resolve().parent / "day2_model"
MESH_NAMES = ("red-mesh", "green-mesh", "blue-mesh")
FED = ("federation.maistra.io", "v1")
MANAGED = "app.kubernetes.io/managed-by=servicemesh.federation"
FINGERPRINT = "federation.servicemesh.io/root-cert-sha256"
OURS = (("", "v1", "configmaps"), ("federation.maistra.io", "v1", "servicemeshpeers"), ("federation.maistra.io", "v1", "exportedservicesets"),
        ("federation.maistra.io", "v1", "importedservicesets"), ("networking.istio.io", "v1beta1", "destinationrules"))
STATE: dict[str, Any] = {"overrides": {}}


def federate(lab, *args: str, playbook: str = "federate.yml", tmp: Path | None = None):
    overrides: tuple[Path, ...] = ()
    if STATE["overrides"]:
        path = (tmp or lab.state_dir) / "day2-overrides.yml"
        path.write_text(yaml.safe_dump({"federation": {"hosts": STATE["overrides"]}}))
        overrides = (path,)
    return run_playbook(playbook, lab.state_dir / "inventory.yml", *args, model=MODEL, overrides=overrides)


def run_ok(lab, *args: str, **kwargs):
    run = federate(lab, *args, **kwargs)
    assert run.returncode == 0, run.failures() or run.stderr[-3000:]
    return run


def links_down(lab, meshes=MESH_NAMES) -> dict[str, list[str]]:
    """Peers (among ``meshes``) not connected both ways, by mesh; empty lists when all are."""
    down: dict[str, list[str]] = {}
    for name in meshes:
        cluster = lab[name]
        peers = {p["metadata"]["name"]: p for p in cluster.custom.list_namespaced_custom_object(*FED, cluster.namespace, "servicemeshpeers")["items"]}
        down[name] = []
        for peer in sorted(set(meshes) - {name}):
            active = (((peers.get(peer) or {}).get("status") or {}).get("discoveryStatus") or {}).get("active") or [{}]
            outbound = any((pod.get("watch") or {}).get("connected") for pod in active)
            inbound = any(r.get("connected") for pod in active for r in pod.get("remotes") or [])
            if not (outbound and inbound):
                down[name].append(peer)
    return down


def wait_connected(lab, meshes=MESH_NAMES, timeout: float = 60) -> None:
    wait_until(lambda: not any(links_down(lab, meshes).values()), timeout, 0.5, what=f"every link among {meshes} connected both ways")


def wait_some_link_down(lab, mesh: str, peer: str, timeout: float = 30) -> None:
    wait_until(lambda: peer in links_down(lab)[mesh], timeout, 0.5, what=f"{mesh}'s link to {peer} to break")


def fingerprint(pem: str) -> str:
    ders = [x509.load_pem_x509_certificate(("-----BEGIN CERTIFICATE-----" + block).encode()).public_bytes(Encoding.DER)
            for block in pem.split("-----BEGIN CERTIFICATE-----")[1:]]
    return hashlib.sha256(b"".join(ders)).hexdigest()


def peer_addresses(lab, mesh: str, peer: str) -> list[str]:
    return lab[mesh].peer(peer)["spec"]["remote"]["addresses"]


def ours(lab, name: str) -> dict[tuple[str, str, str], str]:
    """Every object labelled as ours in a cluster, by (plural, namespace, name), with its resourceVersion."""
    cluster = lab[name]
    found: dict[tuple[str, str, str], str] = {}
    for group, version, plural in OURS:
        if plural == "configmaps":
            items = [{"metadata": {"name": c.metadata.name, "namespace": c.metadata.namespace, "resourceVersion": c.metadata.resource_version}}
                     for c in cluster.core.list_config_map_for_all_namespaces(label_selector=MANAGED).items]
        else:
            items = cluster.custom.list_cluster_custom_object(group, version, plural, label_selector=MANAGED)["items"]
        for item in items:
            meta = item["metadata"]
            found[(plural, meta["namespace"], meta["name"])] = meta["resourceVersion"]
    return found


def smcp_gateways(lab, name: str) -> tuple[list[str], list[str]]:
    gateways = lab[name].smcp()["spec"].get("gateways") or {}
    return sorted(gateways.get("additionalIngress") or {}), sorted(gateways.get("additionalEgress") or {})


# --- federation with failover -----------------------------------------------------------------------

def test_federate_with_failover_as_the_reference_describes(fresh_lab):
    run_ok(fresh_lab)
    wait_connected(fresh_lab)
    green = fresh_lab["green-mesh"]
    rule = green.get("networking.istio.io", "v1beta1", "destinationrules", "ratings-failover", "green-mesh-bookinfo")
    assert rule["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "servicemesh.federation"
    assert rule["spec"] == {
        "host": "ratings.green-mesh-bookinfo.svc.cluster.local",
        "trafficPolicy": {
            "loadBalancer": {"localityLbSetting": {"enabled": True, "failover": [{"from": "us-east", "to": "us-west"}]}},
            "outlierDetection": {"consecutive5xxErrors": 3, "interval": "10s", "baseEjectionTime": "1m"},
        },
    }
    imported = green.get(*FED, "importedservicesets", "blue-mesh")
    assert imported["spec"]["locality"] == {"region": "us-west", "zone": "us-west-1a"}
    assert imported["spec"]["importRules"] == [{"type": "NameSelector", "importAsLocal": True, "nameSelector": {
        "namespace": "blue-mesh-bookinfo", "name": "ratings", "alias": {"namespace": "green-mesh-bookinfo", "name": "ratings"}}}]

    def local_names():
        services = (green.get(*FED, "importedservicesets", "blue-mesh").get("status") or {}).get("importedServices") or []
        return [s.get("localService", {}).get("hostname") for s in services]
    wait_until(lambda: "ratings.green-mesh-bookinfo.svc.cluster.local" in local_names(), 30, what="ratings imported as a local service")

    again = run_ok(fresh_lab)
    assert again.changed() == {name: 0 for name in MESH_NAMES}

    only_failover = run_ok(fresh_lab, playbook="failover.yml")
    assert only_failover.changed() == {name: 0 for name in MESH_NAMES}


# --- drift repair -----------------------------------------------------------------------------------

def test_changed_addresses_are_repaired_by_one_run(fresh_lab):
    blue_ingress = fresh_lab["blue-mesh"].service("ingress-red-mesh").status.load_balancer.ingress[0].ip
    new_address = blue_ingress.rsplit(".", 1)[0] + ".199"
    fresh_lab.labctl("set-address", "blue-mesh", "ingress-red-mesh", new_address)
    green = fresh_lab["green-mesh"]
    old_nodes = green.node_addresses()
    for node in green.core.list_node().items:
        addresses = [{"type": a.type, "address": a.address.rsplit(".", 1)[0] + f".{int(a.address.rsplit('.', 1)[1]) + 40}" if a.type == "ExternalIP"
                      else a.address} for a in node.status.addresses]
        green.core.patch_node_status(node.metadata.name, {"status": {"addresses": addresses}})
    new_nodes = green.node_addresses()
    assert new_nodes and set(new_nodes).isdisjoint(old_nodes)
    wait_some_link_down(fresh_lab, "red-mesh", "blue-mesh")
    wait_some_link_down(fresh_lab, "red-mesh", "green-mesh")

    run = run_ok(fresh_lab)
    assert run.changed()["red-mesh"] > 0 and run.changed()["blue-mesh"] > 0
    assert peer_addresses(fresh_lab, "red-mesh", "blue-mesh") == [new_address]
    assert set(peer_addresses(fresh_lab, "red-mesh", "green-mesh")) == set(new_nodes)
    assert set(peer_addresses(fresh_lab, "blue-mesh", "green-mesh")) == set(new_nodes)
    wait_connected(fresh_lab)
    assert run_ok(fresh_lab).changed() == {name: 0 for name in MESH_NAMES}


def _assert_root_distributed(lab, owner: str, certificates: int) -> None:
    published = lab[owner].root_cert()
    assert published.count("BEGIN CERTIFICATE") == certificates
    for name in MESH_NAMES:
        if name == owner:
            continue
        cluster = lab[name]
        held = cluster.core.read_namespaced_config_map(f"{owner}-ca-root-cert", cluster.namespace).data["root-cert.pem"]
        assert held == published, f"{name} holds an old root of {owner}"
        assert cluster.peer(owner)["metadata"]["annotations"][FINGERPRINT] == fingerprint(published)


def test_rotated_root_ca_is_repaired_by_one_run(fresh_lab):
    before = fresh_lab["red-mesh"].root_cert()
    fresh_lab.labctl("rotate-ca", "red-mesh")
    assert fresh_lab["red-mesh"].root_cert() != before
    wait_some_link_down(fresh_lab, "green-mesh", "red-mesh")
    run = run_ok(fresh_lab)
    assert run.changed()["green-mesh"] > 0 and run.changed()["blue-mesh"] > 0
    _assert_root_distributed(fresh_lab, "red-mesh", 1)
    wait_connected(fresh_lab)
    assert run_ok(fresh_lab).changed() == {name: 0 for name in MESH_NAMES}


def test_rotated_root_and_intermediate_ca_are_repaired_by_one_run(fresh_lab):
    fresh_lab.labctl("rotate-ca", "blue-mesh", "--intermediate")
    fresh_lab.labctl("rotate-ca", "green-mesh", "--intermediate")
    wait_some_link_down(fresh_lab, "red-mesh", "blue-mesh")
    run = run_ok(fresh_lab)
    assert all(count > 0 for count in run.changed().values()), run.changed()
    _assert_root_distributed(fresh_lab, "blue-mesh", 2)
    _assert_root_distributed(fresh_lab, "green-mesh", 2)
    wait_connected(fresh_lab)
    assert run_ok(fresh_lab).changed() == {name: 0 for name in MESH_NAMES}


# --- removing services by changing the model ------------------------------------------------------

def _import_hosts(lab, mesh: str, peer: str) -> list[str]:
    services = (lab[mesh].get(*FED, "importedservicesets", peer).get("status") or {}).get("importedServices") or []
    return sorted(s["localService"]["hostname"] for s in services if (s.get("localService") or {}).get("hostname"))


def _export_names(lab, mesh: str, peer: str) -> list[str]:
    services = (lab[mesh].get(*FED, "exportedservicesets", peer).get("status") or {}).get("exportedServices") or []
    return sorted(s["exportedName"] for s in services)


def _preview_then_apply(lab, mesh: str, plural: str, name: str, tmp_path: Path):
    spec = lab[mesh].get(*FED, plural, name)["spec"]
    preview = run_ok(lab, "--check", "--diff", tmp=tmp_path)
    assert preview.changed()[mesh] > 0
    assert lab[mesh].get(*FED, plural, name)["spec"] == spec, "check mode wrote the set"
    run = run_ok(lab, tmp=tmp_path)
    assert run.changed()[mesh] > 0
    return run


def test_removing_an_imported_service_from_one_mesh(fresh_lab, tmp_path):
    assert _import_hosts(fresh_lab, "green-mesh", "red-mesh") == ["red-ratings.bookinfo.svc.red-mesh-imports.local"]
    STATE["overrides"]["green-mesh"] = {"federation_imports": {"blue-mesh": [
        {"namespace": "blue-mesh-bookinfo", "name": "ratings", "import_as_local": True, "alias": {"namespace": "green-mesh-bookinfo", "name": "ratings"}}]}}
    _preview_then_apply(fresh_lab, "green-mesh", "importedservicesets", "red-mesh", tmp_path)
    assert fresh_lab["green-mesh"].get(*FED, "importedservicesets", "red-mesh")["spec"]["importRules"] == []
    wait_until(lambda: _import_hosts(fresh_lab, "green-mesh", "red-mesh") == [], 30, what="green-mesh to stop importing red-ratings")
    assert _import_hosts(fresh_lab, "green-mesh", "blue-mesh") == ["ratings.green-mesh-bookinfo.svc.cluster.local"]
    assert run_ok(fresh_lab, tmp=tmp_path).changed() == {name: 0 for name in MESH_NAMES}


def test_removing_an_exported_service_from_every_peer(fresh_lab, tmp_path):
    assert "ratings.red-mesh-bookinfo.svc.blue-mesh-exports.local" in _export_names(fresh_lab, "red-mesh", "blue-mesh")
    STATE["overrides"]["red-mesh"] = {"federation_exports": {"blue-mesh": [{"type": "NameSelector", "namespace": "red-mesh-bookinfo", "name": "reviews"}]}}
    _preview_then_apply(fresh_lab, "red-mesh", "exportedservicesets", "blue-mesh", tmp_path)
    assert fresh_lab["red-mesh"].get(*FED, "exportedservicesets", "green-mesh")["spec"]["exportRules"] == []
    wait_until(lambda: _export_names(fresh_lab, "red-mesh", "blue-mesh") == ["reviews.red-mesh-bookinfo.svc.blue-mesh-exports.local"], 30,
               what="red-mesh to export only reviews to blue-mesh")
    wait_until(lambda: _export_names(fresh_lab, "red-mesh", "green-mesh") == [], 30, what="red-mesh to export nothing to green-mesh")
    wait_until(lambda: _import_hosts(fresh_lab, "blue-mesh", "red-mesh") == ["reviews.red-mesh-bookinfo.svc.red-mesh-imports.local"], 30,
               what="blue-mesh to import only reviews from red-mesh")
    assert run_ok(fresh_lab, tmp=tmp_path).changed() == {name: 0 for name in MESH_NAMES}


# --- unfederating a mesh ----------------------------------------------------------------------------

USER_NAMESPACE = "user-objects"


def _user_objects(lab) -> dict[str, dict[str, str]]:
    found = {}
    for name in MESH_NAMES:
        cluster = lab[name]
        found[name] = {
            "configmap": cluster.core.read_namespaced_config_map("user-settings", cluster.namespace).metadata.resource_version,
            "peer": cluster.get(*FED, "servicemeshpeers", "blue-mesh", USER_NAMESPACE)["metadata"]["resourceVersion"],
            "peer-configmap": cluster.core.read_namespaced_config_map("blue-mesh-ca-root-cert", USER_NAMESPACE).metadata.resource_version,
        }
    return found


def test_unfederating_blue_mesh(fresh_lab, tmp_path):
    for name in MESH_NAMES:
        cluster = fresh_lab[name]
        cluster.core.create_namespace({"metadata": {"name": USER_NAMESPACE}})
        cluster.core.create_namespaced_config_map(cluster.namespace, {"metadata": {"name": "user-settings"}, "data": {"a": "b"}})
        # hand-made objects with our names but without our label
        cluster.core.create_namespaced_config_map(USER_NAMESPACE, {"metadata": {"name": "blue-mesh-ca-root-cert"}, "data": {"root-cert.pem": "x"}})
        hand_made_peer = {
            "apiVersion": "federation.maistra.io/v1",
            "kind": "ServiceMeshPeer",
            "metadata": {"name": "blue-mesh", "namespace": USER_NAMESPACE},
            "spec": {
                "remote": {"addresses": ["blue.example.com"]},
                "gateways": {"ingress": {"name": "ingress-blue-mesh"}, "egress": {"name": "egress-blue-mesh"}},
                "security": {"trustDomain": "blue.local", "clientID": "blue.local/ns/x/sa/y",
                             "certificateChain": {"kind": "ConfigMap", "name": "blue-mesh-ca-root-cert"}},
            },
        }
        cluster.create(*FED, "servicemeshpeers", hand_made_peer, namespace=USER_NAMESPACE)
    users = _user_objects(fresh_lab)
    before = {name: ours(fresh_lab, name) for name in MESH_NAMES}
    smcps = {name: fresh_lab[name].smcp()["metadata"]["resourceVersion"] for name in MESH_NAMES}
    assert ("destinationrules", "green-mesh-bookinfo", "ratings-failover") in before["green-mesh"]
    assert ("servicemeshpeers", "red-mesh-system", "blue-mesh") in before["red-mesh"]

    preview = run_ok(fresh_lab, "--check", "--diff", "-e", "unfederate_mesh=blue-mesh", playbook="unfederate.yml", tmp=tmp_path)
    assert all(count > 0 for count in preview.changed().values()), preview.changed()
    assert {name: ours(fresh_lab, name) for name in MESH_NAMES} == before
    assert {name: fresh_lab[name].smcp()["metadata"]["resourceVersion"] for name in MESH_NAMES} == smcps

    run = run_ok(fresh_lab, "-e", "unfederate_mesh=blue-mesh", playbook="unfederate.yml", tmp=tmp_path)
    assert all(count > 0 for count in run.changed().values()), run.changed()
    assert ours(fresh_lab, "blue-mesh") == {}
    # the lab's SMCP has an ordinary extra ingress gateway of its owner: it stays
    assert smcp_gateways(fresh_lab, "blue-mesh") == (["public-ingress"], [])
    assert "trust" not in (fresh_lab["blue-mesh"].smcp()["spec"].get("security") or {})
    for name, peer in (("red-mesh", "green-mesh"), ("green-mesh", "red-mesh")):
        namespace = fresh_lab[name].namespace
        expected = {key for key in before[name] if not (key[2] in ("blue-mesh", "blue-mesh-ca-root-cert") and key[1] == namespace)}
        assert set(ours(fresh_lab, name)) == expected
        assert smcp_gateways(fresh_lab, name) == ([f"ingress-{peer}", "public-ingress"], [f"egress-{peer}"])
        assert fresh_lab[name].smcp()["spec"]["security"]["trust"]["domain"] == f"{name}.local"
    assert ("destinationrules", "green-mesh-bookinfo", "ratings-failover") in ours(fresh_lab, "green-mesh")
    assert _user_objects(fresh_lab) == users
    wait_connected(fresh_lab, ("red-mesh", "green-mesh"))
    wait_until(lambda: fresh_lab["blue-mesh"].service("ingress-red-mesh") is None and fresh_lab["red-mesh"].service("egress-blue-mesh") is None,
               30, what="the emulated operator to remove the federation gateway services of blue-mesh")

    again = run_ok(fresh_lab, "-e", "unfederate_mesh=blue-mesh", playbook="unfederate.yml", tmp=tmp_path)
    assert again.changed() == {name: 0 for name in MESH_NAMES}
    assert _user_objects(fresh_lab) == users
