# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Desired resources of ONE mesh, from the model and what was discovered about its peers.

Everything built here is a plain dict ready for server-side apply with the field manager
``servicemesh.federation``. The SMCP fragment holds only the fields federation owns; it is not labelled,
because the SMCP belongs to its owner and removal must never select it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from . import certs, names
from .model import ExportRule, Federation, ImportRule, Mesh, NodePorts, ServiceAlias

GROUPS = ("configmaps", "servicemeshpeers", "exportedservicesets", "importedservicesets", "destinationrules")


@dataclass
class PeerData:
    """What mesh M needs to know about peer P, read from P's cluster.

    ``addresses``, ``discovery_port`` and ``service_port`` are those of P's ``ingress-M`` gateway as M
    must reach it: load balancer host names or IPs (ports unset: 8188 and 15443), or node addresses
    with the node ports of a NodePort service. ``trust_domain`` and ``namespace`` default to the model's.
    """

    name: str
    root_cert: str = ""
    addresses: list[str] = field(default_factory=list)
    discovery_port: int | None = None
    service_port: int | None = None
    trust_domain: str | None = None
    namespace: str | None = None

    @property
    def complete(self) -> bool:
        return bool(self.root_cert and self.addresses)


def peer_data_from_dict(name: str, data: Mapping[str, Any] | PeerData) -> PeerData:
    """Build ``PeerData`` from a dict with keys ``root_cert``, ``addresses``, ``discovery_port``,
    ``service_port``, ``trust_domain``, ``namespace`` (all optional)."""
    if isinstance(data, PeerData):
        return data
    addresses = data.get("addresses") or []
    if isinstance(addresses, str):
        addresses = [addresses]
    return PeerData(
        name=name,
        root_cert=data.get("root_cert") or "",
        addresses=[str(address) for address in addresses],
        discovery_port=int(data["discovery_port"]) if data.get("discovery_port") is not None else None,
        service_port=int(data["service_port"]) if data.get("service_port") is not None else None,
        trust_domain=data.get("trust_domain") or None,
        namespace=data.get("namespace") or None,
    )


def ingress_endpoint(service: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]] = ()) -> tuple[list[str], int | None, int | None]:
    """Addresses and ports at which a federation ingress Service is reached from another cluster.

    LoadBalancer: ``status.loadBalancer.ingress[]`` host names (AWS) or IPs, default ports. NodePort: the
    nodes' ExternalIP addresses (InternalIP when none has one) and the node ports of 8188 and 15443.
    Returns ``([], None, None)`` while a load balancer has no address yet.
    """
    spec = service.get("spec") or {}
    if spec.get("type") == "NodePort":
        ports = {port.get("port"): port.get("nodePort") for port in spec.get("ports") or []}
        addresses = _node_addresses(nodes, "ExternalIP") or _node_addresses(nodes, "InternalIP")
        return addresses, ports.get(names.DISCOVERY_PORT), ports.get(names.SERVICE_PORT)
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    addresses = [entry.get("hostname") or entry.get("ip") for entry in ingress if entry.get("hostname") or entry.get("ip")]
    return addresses, None, None


def _node_addresses(nodes: Sequence[Mapping[str, Any]], kind: str) -> list[str]:
    found: list[str] = []
    for node in nodes:
        for address in (node.get("status") or {}).get("addresses") or []:
            if address.get("type") == kind and address.get("address") and address["address"] not in found:
                found.append(address["address"])
    return found


def _metadata(name: str, namespace: str, annotations: Mapping[str, str] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "labels": names.managed_by_labels()}
    if annotations:
        metadata["annotations"] = dict(annotations)
    return metadata


def egress_gateway(mesh: Mesh, peer: str) -> dict[str, Any]:
    """``spec.gateways.additionalEgress.egress-<peer>`` of the mesh's SMCP."""
    return {
        "enabled": True,
        "requestedNetworkView": mesh.network_view(peer),
        "routerMode": names.ROUTER_MODE,
        "service": {
            "metadata": {"labels": names.egress_gateway_labels(peer)},
            "ports": names.egress_ports(),
        },
    }


def ingress_gateway(mesh: Mesh, peer: str) -> dict[str, Any]:
    """``spec.gateways.additionalIngress.ingress-<peer>`` of the mesh's SMCP."""
    metadata: dict[str, Any] = {"labels": names.ingress_gateway_labels(peer)}
    if mesh.platform == "aws" and mesh.ingress_service_type == "LoadBalancer":
        metadata["annotations"] = {names.AWS_LOAD_BALANCER_TYPE_ANNOTATION: names.AWS_LOAD_BALANCER_TYPE}
    node_ports = mesh.node_ports.get(peer) if mesh.uses_node_ports else None
    ports = names.ingress_ports(node_ports.discovery, node_ports.service) if node_ports else names.ingress_ports()
    return {
        "enabled": True,
        "routerMode": names.ROUTER_MODE,
        "service": {"type": mesh.ingress_service_type, "metadata": metadata, "ports": ports},
    }


def smcp_fragment(mesh: Mesh) -> dict[str, Any]:
    """The SMCP fields federation owns: one egress and one ingress gateway per peer, and the trust domain."""
    return {
        "apiVersion": names.SMCP_API_VERSION,
        "kind": "ServiceMeshControlPlane",
        "metadata": {"name": mesh.smcp_name, "namespace": mesh.namespace},
        "spec": {
            "gateways": {
                "additionalEgress": {names.egress_gateway(peer): egress_gateway(mesh, peer) for peer in mesh.peers},
                "additionalIngress": {names.ingress_gateway(peer): ingress_gateway(mesh, peer) for peer in mesh.peers},
            },
            "security": {"trust": {"domain": mesh.trust_domain}},
        },
    }


def ca_root_configmap(mesh: Mesh, peer: PeerData) -> dict[str, Any]:
    """ConfigMap ``<peer>-ca-root-cert`` holding the peer's root certificate (with intermediates, if any)."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _metadata(names.ca_root_configmap(peer.name), mesh.namespace),
        "data": {names.ROOT_CERT_KEY: peer.root_cert},
    }


def service_mesh_peer(mesh: Mesh, peer: PeerData, federation: Federation | None = None) -> dict[str, Any]:
    """ServiceMeshPeer ``<peer>`` in the mesh's namespace.

    The annotation carries the fingerprint of the root certificate so that a rotated CA changes this
    object and istiod, which does not watch the ConfigMap, reloads it.
    """
    peer_mesh = federation.meshes.get(peer.name) if federation else None
    trust_domain = peer.trust_domain or (peer_mesh.trust_domain if peer_mesh else names.default_trust_domain(peer.name))
    namespace = peer.namespace or (peer_mesh.namespace if peer_mesh else names.default_namespace(peer.name))
    discovery_port, service_port = peer.discovery_port, peer.service_port
    if peer_mesh is not None and peer_mesh.uses_node_ports and mesh.name in peer_mesh.node_ports:
        allocated: NodePorts = peer_mesh.node_ports[mesh.name]
        discovery_port = discovery_port if discovery_port is not None else allocated.discovery
        service_port = service_port if service_port is not None else allocated.service
    remote: dict[str, Any] = {"addresses": list(peer.addresses)}
    if discovery_port is not None and discovery_port != names.DISCOVERY_PORT:
        remote["discoveryPort"] = discovery_port
    if service_port is not None and service_port != names.SERVICE_PORT:
        remote["servicePort"] = service_port
    annotations = {names.ROOT_CERT_ANNOTATION: certs.bundle_fingerprint(peer.root_cert)} if peer.root_cert else None
    return {
        "apiVersion": names.FEDERATION_API_VERSION,
        "kind": "ServiceMeshPeer",
        "metadata": _metadata(names.peer_resource_name(peer.name), mesh.namespace, annotations),
        "spec": {
            "remote": remote,
            "gateways": {
                "ingress": {"name": names.ingress_gateway(peer.name)},
                "egress": {"name": names.egress_gateway(peer.name)},
            },
            "security": {
                "trustDomain": trust_domain,
                "clientID": names.client_id(trust_domain, namespace, mesh.name),
                "certificateChain": {"kind": "ConfigMap", "name": names.ca_root_configmap(peer.name)},
            },
        },
    }


def export_rule(rule: ExportRule) -> dict[str, Any]:
    """One ``spec.exportRules[]`` entry."""
    if rule.type == "LabelSelector":
        selector: dict[str, Any] = {}
        if rule.namespace:
            selector["namespace"] = rule.namespace
        selector["selector"] = dict(rule.selector or {})
        if rule.aliases:
            selector["aliases"] = [
                {"namespace": entry.namespace, "name": entry.name, "alias": entry.alias.to_dict()} for entry in rule.aliases
            ]
        return {"type": "LabelSelector", "labelSelector": selector}
    name_selector: dict[str, Any] = {"namespace": rule.namespace, "name": rule.name}
    if rule.alias and rule.alias.to_dict():
        name_selector["alias"] = rule.alias.to_dict()
    return {"type": "NameSelector", "nameSelector": name_selector}


def import_rule(rule: ImportRule) -> dict[str, Any]:
    """One ``spec.importRules[]`` entry."""
    name_selector: dict[str, Any] = {"namespace": rule.namespace, "name": rule.name}
    if rule.alias and rule.alias.to_dict():
        name_selector["alias"] = rule.alias.to_dict()
    entry: dict[str, Any] = {"type": rule.type, "importAsLocal": rule.import_as_local, "nameSelector": name_selector}
    if rule.domain_suffix:
        entry["domainSuffix"] = rule.domain_suffix
    return entry


def exported_service_set(mesh: Mesh, peer: str) -> dict[str, Any]:
    """ExportedServiceSet ``<peer>``: what the mesh exports to the peer (empty rules export nothing)."""
    return {
        "apiVersion": names.FEDERATION_API_VERSION,
        "kind": "ExportedServiceSet",
        "metadata": _metadata(names.peer_resource_name(peer), mesh.namespace),
        "spec": {"exportRules": [export_rule(rule) for rule in mesh.exports_to(peer)]},
    }


def imported_service_set(mesh: Mesh, peer: str, federation: Federation | None = None) -> dict[str, Any]:
    """ImportedServiceSet ``<peer>``: what the mesh imports from the peer, with a locality for failover."""
    peer_mesh = federation.meshes.get(peer) if federation else None
    spec: dict[str, Any] = {"importRules": [import_rule(rule) for rule in mesh.imports_from(peer)]}
    locality = mesh.import_locality(peer, peer_mesh.locality if peer_mesh else None)
    if locality:
        spec["locality"] = locality.to_dict()
    return {
        "apiVersion": names.FEDERATION_API_VERSION,
        "kind": "ImportedServiceSet",
        "metadata": _metadata(names.peer_resource_name(peer), mesh.namespace),
        "spec": spec,
    }


def failover_destination_rules(mesh: Mesh) -> list[dict[str, Any]]:
    """DestinationRules of ``federation_failover``: locality failover plus the outlier detection it needs."""
    return [
        {
            "apiVersion": names.DESTINATION_RULE_API_VERSION,
            "kind": "DestinationRule",
            "metadata": _metadata(rule.name, rule.namespace),
            "spec": {
                "host": rule.host,
                "trafficPolicy": {
                    "loadBalancer": {
                        "localityLbSetting": {"enabled": True, "failover": [{"from": rule.failover_from, "to": rule.failover_to}]},
                    },
                    "outlierDetection": {
                        "consecutive5xxErrors": rule.consecutive_5xx_errors,
                        "interval": rule.interval,
                        "baseEjectionTime": rule.base_ejection_time,
                    },
                },
            },
        }
        for rule in mesh.failover
    ]


def mesh_resources(federation: Federation, mesh_name: str, peers: Mapping[str, PeerData | Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Every desired resource of one mesh.

    Returns ``smcp`` (the SMCP fragment), lists ``configmaps``, ``servicemeshpeers``,
    ``exportedservicesets``, ``importedservicesets``, ``destinationrules``, and ``pending_peers``: peers
    of the mesh without complete data (root certificate and addresses), whose ConfigMap and
    ServiceMeshPeer cannot be built yet. Data for meshes that are not peers of this mesh is ignored.
    """
    mesh = federation.mesh(mesh_name)
    data = {name: peer_data_from_dict(name, value) for name, value in (peers or {}).items()}
    result: dict[str, Any] = {"smcp": smcp_fragment(mesh)}
    result.update({group: [] for group in GROUPS})
    result["pending_peers"] = []
    for peer in mesh.peers:
        peer_data = data.get(peer)
        if peer_data is None or not peer_data.complete:
            result["pending_peers"].append(peer)
        else:
            result["configmaps"].append(ca_root_configmap(mesh, peer_data))
            result["servicemeshpeers"].append(service_mesh_peer(mesh, peer_data, federation))
        result["exportedservicesets"].append(exported_service_set(mesh, peer))
        result["importedservicesets"].append(imported_service_set(mesh, peer, federation))
    result["destinationrules"] = failover_destination_rules(mesh)
    return result


def flatten(resources: Mapping[str, Any], include_smcp: bool = False) -> list[dict[str, Any]]:
    """The resources of ``mesh_resources`` as one list, in apply order (ConfigMaps before peers)."""
    flat: list[dict[str, Any]] = [resources["smcp"]] if include_smcp else []
    for group in GROUPS:
        flat.extend(resources.get(group) or [])
    return flat


def expected_exports(mesh: Mesh, peer: str) -> list[str]:
    """Exported names that the mesh's NameSelector rules for ``peer`` must produce (rules with wildcards
    or label selectors are left out: what they match depends on the services present)."""
    found: list[str] = []
    for rule in mesh.exports_to(peer):
        if rule.type != "NameSelector" or "*" in (rule.namespace, rule.name) or not rule.namespace or not rule.name:
            continue
        alias = rule.alias or ServiceAlias()
        name = names.exported_name(alias.name or rule.name, alias.namespace or rule.namespace, peer)
        if name not in found:
            found.append(name)
    return found


def expected_imports(mesh: Mesh, peer: str) -> list[str]:
    """Local host names that the mesh's import rules for ``peer`` must produce (rules with wildcards
    are left out)."""
    found: list[str] = []
    for rule in mesh.imports_from(peer):
        if "*" in (rule.namespace, rule.name):
            continue
        alias = rule.alias or ServiceAlias()
        name = names.imported_name(alias.name or rule.name, alias.namespace or rule.namespace, peer, rule.import_as_local, rule.domain_suffix)
        if name not in found:
            found.append(name)
    return found
