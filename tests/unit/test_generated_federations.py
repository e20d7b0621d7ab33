# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generated federations of 2 to 20 meshes: counts, uniqueness and symmetry of what is built."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import names, resources
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.model import Federation, parse_federation
from ansible_collections.servicemesh.federation.tests.unit.helpers import pem

PLATFORMS = ["aws", "gcp", "baremetal", "azure", "ibmz", "ibmpower"]


def generated(count: int) -> tuple[Federation, dict[str, dict[str, Any]]]:
    hostvars = {
        f"mesh-{index:02d}": {"federation_platform": PLATFORMS[index % len(PLATFORMS)], "federation_kubeconfig": f"cluster-{index:02d}.kubeconfig"}
        for index in range(count)
    }
    return parse_federation(hostvars), hostvars


def discovered(federation: Federation, mesh: str) -> dict[str, resources.PeerData]:
    """What mesh M reads from each peer P: P's root certificate and P's ingress-M gateway."""
    data = {}
    for peer in federation.peers_of(mesh):
        peer_mesh = federation.mesh(peer)
        if peer_mesh.uses_node_ports:
            ports = peer_mesh.node_ports[mesh]
            data[peer] = resources.PeerData(peer, pem("root-cert.pem"), [f"192.0.2.{len(data) + 1}"], ports.discovery, ports.service)
        else:
            data[peer] = resources.PeerData(peer, pem("root-cert.pem"), [f"{names.ingress_gateway(mesh)}.{peer_mesh.namespace}.example.com"])
    return data


@pytest.mark.parametrize("count", range(2, 21))
def test_generated_federation(count: int) -> None:
    federation, _hostvars = generated(count)
    pairs = federation.pairs()
    assert len(pairs) == count * (count - 1)
    assert len(set(pairs)) == len(pairs)
    assert all((peer, mesh) in pairs for mesh, peer in pairs)
    assert len({mesh.trust_domain for mesh in federation.meshes.values()}) == count

    built = {name: resources.mesh_resources(federation, name, discovered(federation, name)) for name in federation.meshes}
    assert sum(len(result["servicemeshpeers"]) for result in built.values()) == count * (count - 1)
    for name, result in built.items():
        mesh = federation.mesh(name)
        assert result["pending_peers"] == []
        for group in ("configmaps", "servicemeshpeers", "exportedservicesets", "importedservicesets"):
            assert len(result[group]) == count - 1
        keys = [(item["kind"], item["metadata"]["namespace"], item["metadata"]["name"]) for item in resources.flatten(result)]
        assert len(set(keys)) == len(keys)
        gateways = result["smcp"]["spec"]["gateways"]
        assert len(gateways["additionalIngress"]) == len(gateways["additionalEgress"]) == count - 1
        if mesh.uses_node_ports:
            ports = [port["nodePort"] for gateway in gateways["additionalIngress"].values() for port in gateway["service"]["ports"]]
            assert len(set(ports)) == len(ports) == 2 * (count - 1)
            assert all(names.NODE_PORT_MIN <= port <= names.NODE_PORT_MAX for port in ports)
        for peer_resource in result["servicemeshpeers"]:
            check_symmetry(federation, built, name, peer_resource)


def check_symmetry(federation: Federation, built: dict[str, dict[str, Any]], name: str, peer_resource: dict[str, Any]) -> None:
    """M's ServiceMeshPeer for P expects exactly what P's egress gateway for M presents, and points at P's ingress for M."""
    peer = peer_resource["metadata"]["name"]
    spec = peer_resource["spec"]
    peer_smcp = built[peer]["smcp"]
    own_smcp = built[name]["smcp"]
    # P's egress gateway towards M, found by the network it requests
    egress = [gateway for gateway, body in peer_smcp["spec"]["gateways"]["additionalEgress"].items() if body["requestedNetworkView"] == [f"network-{name}"]]
    assert len(egress) == 1
    presented = f"{peer_smcp['spec']['security']['trust']['domain']}/ns/{peer_smcp['metadata']['namespace']}/sa/{egress[0]}-service-account"
    assert spec["security"]["clientID"] == presented
    assert spec["security"]["trustDomain"] == peer_smcp["spec"]["security"]["trust"]["domain"]
    # M's own gateways for P exist in M's SMCP fragment
    assert spec["gateways"]["ingress"]["name"] in own_smcp["spec"]["gateways"]["additionalIngress"]
    assert spec["gateways"]["egress"]["name"] in own_smcp["spec"]["gateways"]["additionalEgress"]
    # the remote ports are P's ingress-M node ports (NodePort) or the defaults
    ingress = peer_smcp["spec"]["gateways"]["additionalIngress"][f"ingress-{name}"]["service"]
    if ingress["type"] == "NodePort":
        node_ports = {port["port"]: port["nodePort"] for port in ingress["ports"]}
        assert spec["remote"]["discoveryPort"] == node_ports[8188]
        assert spec["remote"]["servicePort"] == node_ports[15443]
    else:
        assert "discoveryPort" not in spec["remote"] and "servicePort" not in spec["remote"]
    # M's ConfigMap is the one the peer resource names
    assert spec["security"]["certificateChain"]["name"] in [cm["metadata"]["name"] for cm in built[name]["configmaps"]]
    assert federation.mesh(peer).trust_domain != federation.mesh(name).trust_domain


def test_explicit_topology_gives_two_peers_per_pair() -> None:
    hostvars = {f"mesh-{index}": {"federation_platform": "gcp", "federation_kubeconfig": str(index)} for index in range(5)}
    chain = [[f"mesh-{index}", f"mesh-{index + 1}"] for index in range(4)]
    federation = parse_federation(hostvars, topology=chain)
    assert len(federation.pairs()) == 8
    assert federation.peers_of("mesh-0") == ["mesh-1"]
    assert federation.peers_of("mesh-2") == ["mesh-1", "mesh-3"]
    assert list(resources.smcp_fragment(federation.mesh("mesh-2"))["spec"]["gateways"]["additionalIngress"]) == ["ingress-mesh-1", "ingress-mesh-3"]
