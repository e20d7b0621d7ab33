# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each fault verb of the lab does what it says, and federation reacts like Maistra would."""

from __future__ import annotations

import hashlib
import json

from kubernetes import client, config

from labkit import FED, holds_for, wait_until

MERGE = "application/merge-patch+json"


def reachable(cluster) -> bool:
    api = config.new_client_from_config(str(cluster.lab.state_dir / f"admin-{cluster.name}.kubeconfig"))
    api.configuration.retries = 0
    try:
        client.VersionApi(api).get_code(_request_timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure to talk to it counts
        return False


def test_stop_and_start_api_server_keeps_data_and_port(lab):
    red = lab["red-mesh"]
    port = lab.info["meshes"]["red-mesh"]["api_port"]
    body = {"metadata": {"name": "lab-fault-probe"}, "data": {"kept": "yes"}}
    red.core.create_namespaced_config_map(red.namespace, body)
    try:
        lab.labctl("stop-api", "red-mesh")
        assert not reachable(red)
        status = json.loads(lab.labctl("status", "--json").stdout)
        procs = {p["name"]: p for p in status["processes"]}
        assert procs["kube-apiserver/red-mesh"]["running"] is False
        assert procs["kube-apiserver/green-mesh"]["running"] is True
        assert reachable(lab["green-mesh"])
        lab.labctl("start-api", "red-mesh")
        lab.reload()
        assert lab.info["meshes"]["red-mesh"]["api_port"] == port
        assert reachable(red)
        assert red.core.read_namespaced_config_map("lab-fault-probe", red.namespace).data == {"kept": "yes"}
        # the emulated operator works with the restarted server
        red.patch_smcp({"metadata": {"annotations": {"lab/probe": "after-restart"}},
                        "spec": {"tracing": {"sampling": 500}}})
        wait_until(lambda: red.smcp()["status"]["observedGeneration"] == red.smcp()["metadata"]["generation"],
                   15, what="SMCP reconciled after restart")
    finally:
        if not reachable(red):
            lab.labctl("start-api", "red-mesh")
        red.core.delete_namespaced_config_map("lab-fault-probe", red.namespace)
        red.patch_smcp({"metadata": {"annotations": {"lab/probe": None}}, "spec": {"tracing": {"sampling": 10000}}})


def set_peer_address(cluster, peer: str, address: str) -> None:
    cluster.custom.patch_namespaced_custom_object(
        *FED, cluster.namespace, "servicemeshpeers", peer, {"spec": {"remote": {"addresses": [address]}}},
        _content_type=MERGE)


def test_set_address_moves_the_load_balancer(lab, pair_factory):
    red, blue = lab["red-mesh"], lab["blue-mesh"]
    pair = pair_factory("red-mesh", "blue-mesh")
    pair.setup()
    wait_until(lambda: pair.connected(red, blue) and pair.connected(blue, red), 30, what="red <-> blue")
    old = blue.service("ingress-red-mesh").status.load_balancer.ingress[0].ip
    new = f"127.{100 + lab.info['slot']}.3.250"
    lab.labctl("set-address", "blue-mesh", "ingress-red-mesh", new)
    try:
        assert blue.service("ingress-red-mesh").status.load_balancer.ingress[0].ip == new
        # red still dials the old address: disconnected within seconds, the other way stays up
        wait_until(lambda: not pair.connected(red, blue), 10, what="red -> blue disconnected")
        assert pair.connected(blue, red)
        set_peer_address(red, "blue-mesh", new)
        wait_until(lambda: pair.connected(red, blue), 15, what="red -> blue on the new address")
    finally:
        lab.labctl("set-address", "blue-mesh", "ingress-red-mesh", "auto")
    wait_until(lambda: blue.service("ingress-red-mesh").status.load_balancer.ingress[0].ip == old, 10,
               what="allocated address back")


def fingerprint(pem: str) -> str:
    return hashlib.sha256(pem.encode()).hexdigest()


def refresh_peer_root(cluster, peer: str, pem: str) -> None:
    """What the procedure asks after a rotation: new ConfigMap content, then touch the peer."""
    name = f"{peer}-ca-root-cert"
    cluster.core.patch_namespaced_config_map(name, cluster.namespace, {"data": {"root-cert.pem": pem}})
    cluster.custom.patch_namespaced_custom_object(
        *FED, cluster.namespace, "servicemeshpeers", peer,
        {"metadata": {"annotations": {"federation.servicemesh.io/root-cert-sha256": fingerprint(pem)}}},
        _content_type=MERGE)


def test_rotate_ca_disconnects_until_peers_trust_the_new_root(lab, pair_factory):
    green, blue = lab["green-mesh"], lab["blue-mesh"]
    pair = pair_factory("green-mesh", "blue-mesh")
    pair.setup()

    def both():
        return pair.connected(green, blue) and pair.connected(blue, green)

    wait_until(both, 30, what="green <-> blue")
    before = blue.root_cert()

    lab.labctl("rotate-ca", "blue-mesh")
    after = blue.root_cert()
    assert after != before and after.count("BEGIN CERTIFICATE") == 1
    assert blue.core.read_namespaced_config_map("istio-ca-root-cert", "blue-mesh-bookinfo").data["root-cert.pem"] == after
    # green still trusts the old root: neither direction verifies
    wait_until(lambda: not pair.connected(green, blue) and not pair.connected(blue, green), 10,
               what="both directions down after rotation")

    # istiod does not watch the ConfigMap: new content alone changes nothing ...
    green.core.patch_namespaced_config_map("blue-mesh-ca-root-cert", green.namespace,
                                           {"data": {"root-cert.pem": after}})
    holds_for(lambda: not pair.connected(green, blue), 3)
    # ... touching the ServiceMeshPeer makes it reload
    refresh_peer_root(green, "blue-mesh", after)
    wait_until(both, 15, what="reconnected after the peer was touched")

    # root + intermediate: the peer needs both certificates
    lab.labctl("rotate-ca", "blue-mesh", "--intermediate")
    chain = blue.root_cert()
    assert chain.count("BEGIN CERTIFICATE") == 2
    wait_until(lambda: not both(), 10, what="down after the second rotation")
    root_only = chain[: chain.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")] + "\n"
    refresh_peer_root(green, "blue-mesh", root_only)
    holds_for(lambda: not pair.connected(green, blue), 3)
    refresh_peer_root(green, "blue-mesh", chain)
    wait_until(both, 15, what="reconnected with root and intermediate")
