# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""The mesh model: one inventory host per mesh, its ``federation_*`` variables, and their defaults.

``parse_federation`` validates the whole federation first (see ``validate.py``) and raises
``FederationModelError`` listing every error; on success it returns a ``Federation`` with every default
filled in and node ports allocated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from . import names
from .topology import FULL, peer_pairs

PLATFORMS = ("aws", "azure", "gcp", "baremetal", "ibmz", "ibmpower")
LOAD_BALANCER_PLATFORMS = ("aws", "azure", "gcp")
INGRESS_SERVICE_TYPES = ("LoadBalancer", "NodePort")
EXPORT_RULE_TYPES = ("NameSelector", "LabelSelector")
IMPORT_RULE_TYPES = ("NameSelector",)

# Inventory variables of a mesh (host) and of the federation (group).
HOST_VARIABLES = (
    "federation_kubeconfig",
    "federation_context",
    "federation_host",
    "federation_api_key",
    "federation_ca_cert",
    "federation_validate_certs",
    "federation_namespace",
    "federation_smcp_name",
    "federation_trust_domain",
    "federation_network",
    "federation_platform",
    "federation_ingress_service_type",
    "federation_node_ports",
    "federation_node_port_base",
    "federation_locality",
    "federation_exports",
    "federation_imports",
    "federation_imports_locality",
    "federation_failover",
    "federation_requested_network_view",
)
GROUP_VARIABLES = ("federation_topology", "federation_group")
DEFAULT_GROUP = "federation"


class FederationModelError(ValueError):
    """The inventory does not describe a valid federation; ``problems`` lists every error."""

    def __init__(self, problems: Sequence[Any]) -> None:
        self.problems = list(problems)
        super().__init__("invalid federation model:\n" + "\n".join(f"- {problem}" for problem in self.problems))


@dataclass(frozen=True)
class Locality:
    """``{region}/{zone}/{subzone}`` of a mesh or of imported services."""

    region: str | None = None
    zone: str | None = None
    subzone: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {key: value for key, value in (("region", self.region), ("zone", self.zone), ("subzone", self.subzone)) if value}

    def __bool__(self) -> bool:
        return bool(self.region or self.zone or self.subzone)


@dataclass(frozen=True)
class ServiceAlias:
    """Alias of a service: either part may stay unset (keeps the original) ."""

    namespace: str | None = None
    name: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {key: value for key, value in (("namespace", self.namespace), ("name", self.name)) if value}


@dataclass(frozen=True)
class LabelAlias:
    """One entry of a LabelSelector export rule's ``aliases``."""

    namespace: str = "*"
    name: str = "*"
    alias: ServiceAlias = field(default_factory=ServiceAlias)


@dataclass(frozen=True)
class ExportRule:
    """One rule of an ExportedServiceSet (``federation_exports.<peer>[]``)."""

    type: str = "NameSelector"
    namespace: str | None = None
    name: str | None = None
    alias: ServiceAlias | None = None
    selector: Mapping[str, Any] | None = None
    aliases: tuple[LabelAlias, ...] = ()


@dataclass(frozen=True)
class ImportRule:
    """One rule of an ImportedServiceSet (``federation_imports.<peer>[]``); always a NameSelector."""

    namespace: str
    name: str
    alias: ServiceAlias | None = None
    import_as_local: bool = False
    domain_suffix: str | None = None
    type: str = "NameSelector"


@dataclass(frozen=True)
class NodePorts:
    """Node ports of the ingress gateway serving one peer."""

    discovery: int
    service: int


@dataclass(frozen=True)
class FailoverRule:
    """A failover DestinationRule (``federation_failover[]``)."""

    name: str
    namespace: str
    host: str
    failover_from: str
    failover_to: str
    consecutive_5xx_errors: int = 3
    interval: str = "10s"
    base_ejection_time: str = "1m"


@dataclass
class Mesh:
    """One mesh of the federation, with every default filled in."""

    name: str
    platform: str
    namespace: str = ""
    smcp_name: str = ""
    trust_domain: str = ""
    network: str | None = None
    ingress_service_type: str = ""
    peers: list[str] = field(default_factory=list)
    node_ports: dict[str, NodePorts] = field(default_factory=dict)
    node_port_base: int = names.DEFAULT_NODE_PORT_BASE
    locality: Locality = field(default_factory=Locality)
    exports: dict[str, list[ExportRule]] = field(default_factory=dict)
    imports: dict[str, list[ImportRule]] = field(default_factory=dict)
    imports_locality: dict[str, Locality] = field(default_factory=dict)
    failover: list[FailoverRule] = field(default_factory=list)
    requested_network_view: dict[str, list[str]] = field(default_factory=dict)
    kubeconfig: str | None = None
    context: str | None = None
    host: str | None = None

    def __post_init__(self) -> None:
        self.namespace = self.namespace or names.default_namespace(self.name)
        self.smcp_name = self.smcp_name or names.default_smcp_name(self.name)
        self.trust_domain = self.trust_domain or names.default_trust_domain(self.name)
        self.ingress_service_type = self.ingress_service_type or default_ingress_service_type(self.platform)

    @property
    def uses_node_ports(self) -> bool:
        return self.ingress_service_type == "NodePort"

    @property
    def cluster_key(self) -> tuple[str | None, ...]:
        """Meshes with the same connection settings are in the same cluster."""
        return cluster_key_of(self.kubeconfig, self.context, self.host)

    def network_view(self, peer: str) -> list[str]:
        """``requestedNetworkView`` of the egress gateway to ``peer``."""
        return list(self.requested_network_view.get(peer) or [names.network_view(peer)])

    def exports_to(self, peer: str) -> list[ExportRule]:
        return list(self.exports.get(peer, []))

    def imports_from(self, peer: str) -> list[ImportRule]:
        return list(self.imports.get(peer, []))

    def import_locality(self, peer: str, peer_locality: Locality | None = None) -> Locality:
        """Locality of the ImportedServiceSet for ``peer``: set explicitly, else the peer's own locality
        when a rule imports as local (failover), else none."""
        explicit = self.imports_locality.get(peer)
        if explicit:
            return explicit
        if peer_locality and any(rule.import_as_local for rule in self.imports.get(peer, [])):
            return peer_locality
        return Locality()


@dataclass
class Federation:
    """The meshes of a federation and who peers with whom."""

    meshes: dict[str, Mesh]
    topology: Any = FULL

    @property
    def mesh_names(self) -> list[str]:
        return list(self.meshes)

    def pairs(self) -> list[tuple[str, str]]:
        return peer_pairs(self.mesh_names, self.topology)

    def peers_of(self, mesh: str) -> list[str]:
        return list(self.meshes[mesh].peers)

    def mesh(self, name: str) -> Mesh:
        try:
            return self.meshes[name]
        except KeyError:
            raise KeyError(f"{name!r} is not a mesh of the federation (meshes: {', '.join(self.meshes) or 'none'})") from None


def default_ingress_service_type(platform: str | None) -> str:
    """LoadBalancer where the platform provides one, NodePort otherwise."""
    return "LoadBalancer" if platform in LOAD_BALANCER_PLATFORMS else "NodePort"


def cluster_key_of(kubeconfig: Any, context: Any, host: Any) -> tuple[str | None, ...]:
    """Identity of a cluster as far as the inventory tells: kubeconfig and context, or API host."""
    if host and not kubeconfig and not context:
        return ("host", str(host))
    return ("kubeconfig", str(kubeconfig) if kubeconfig else None, str(context) if context else None)


def allocate_node_ports(peers: Sequence[str], explicit: Mapping[str, NodePorts], base: int) -> dict[str, NodePorts]:
    """Node ports per peer: explicit ones kept, the others ``base + 2i`` (discovery) and ``base + 2i + 1``
    (service) where ``i`` is the peer's index in sorted order, so adding a peer never moves another's."""
    ports: dict[str, NodePorts] = {}
    for index, peer in enumerate(sorted(peers)):
        ports[peer] = explicit.get(peer) or NodePorts(discovery=base + 2 * index, service=base + 2 * index + 1)
    return {peer: ports[peer] for peer in peers}


def topology_from(hostvars: Mapping[str, Mapping[str, Any]], meshes: Sequence[str], topology: Any) -> Any:
    """The topology given, else ``federation_topology`` of the first mesh (a group variable), else full."""
    if topology is not None:
        return topology
    for mesh in meshes:
        value = (hostvars.get(mesh) or {}).get("federation_topology")
        if value is not None:
            return value
    return FULL


def _alias(value: Any) -> ServiceAlias | None:
    if not value:
        return None
    return ServiceAlias(namespace=value.get("namespace"), name=value.get("name"))


def _locality(value: Any) -> Locality:
    if not value:
        return Locality()
    return Locality(region=value.get("region"), zone=value.get("zone"), subzone=value.get("subzone"))


def parse_export_rule(rule: Mapping[str, Any]) -> ExportRule:
    rule_type = rule.get("type") or "NameSelector"
    if rule_type == "LabelSelector":
        aliases = tuple(
            LabelAlias(namespace=entry.get("namespace") or "*", name=entry.get("name") or "*", alias=_alias(entry.get("alias")) or ServiceAlias())
            for entry in rule.get("aliases") or []
        )
        return ExportRule(type=rule_type, namespace=rule.get("namespace"), selector=dict(rule.get("selector") or {}), aliases=aliases)
    return ExportRule(type=rule_type, namespace=rule.get("namespace"), name=rule.get("name"), alias=_alias(rule.get("alias")))


def parse_import_rule(rule: Mapping[str, Any]) -> ImportRule:
    return ImportRule(
        namespace=rule["namespace"],
        name=rule["name"],
        alias=_alias(rule.get("alias")),
        import_as_local=bool(rule.get("import_as_local", False)),
        domain_suffix=rule.get("domain_suffix") or None,
        type=rule.get("type") or "NameSelector",
    )


def parse_failover_rule(rule: Mapping[str, Any]) -> FailoverRule:
    outlier = rule.get("outlier_detection") or {}
    return FailoverRule(
        name=rule["name"],
        namespace=rule["namespace"],
        host=rule["host"],
        failover_from=rule["from"],
        failover_to=rule["to"],
        consecutive_5xx_errors=int(outlier.get("consecutive_5xx_errors", 3)),
        interval=str(outlier.get("interval", "10s")),
        base_ejection_time=str(outlier.get("base_ejection_time", "1m")),
    )


def parse_mesh(name: str, variables: Mapping[str, Any], peers: Sequence[str]) -> Mesh:
    """Build one mesh from its (already validated) host variables."""
    # Copy the model's variables into plain dicts and lists: Ansible may hand over lazy containers,
    # which the dataclasses of the model must not keep.
    variables = {key: _plain(variables.get(key)) for key in HOST_VARIABLES if variables.get(key) is not None}
    platform = variables.get("federation_platform")
    base = variables.get("federation_node_port_base")
    explicit = {
        peer: NodePorts(discovery=int(ports["discovery"]), service=int(ports["service"]))
        for peer, ports in (variables.get("federation_node_ports") or {}).items()
    }
    mesh = Mesh(
        name=name,
        platform=platform,
        namespace=variables.get("federation_namespace") or "",
        smcp_name=variables.get("federation_smcp_name") or "",
        trust_domain=variables.get("federation_trust_domain") or "",
        network=variables.get("federation_network") or None,
        ingress_service_type=variables.get("federation_ingress_service_type") or "",
        peers=list(peers),
        node_port_base=int(base) if base is not None else names.DEFAULT_NODE_PORT_BASE,
        locality=_locality(variables.get("federation_locality")),
        exports={peer: [parse_export_rule(rule) for rule in rules or []] for peer, rules in (variables.get("federation_exports") or {}).items()},
        imports={peer: [parse_import_rule(rule) for rule in rules or []] for peer, rules in (variables.get("federation_imports") or {}).items()},
        imports_locality={peer: _locality(value) for peer, value in (variables.get("federation_imports_locality") or {}).items()},
        failover=[parse_failover_rule(rule) for rule in variables.get("federation_failover") or []],
        requested_network_view={peer: list(view) for peer, view in (variables.get("federation_requested_network_view") or {}).items()},
        kubeconfig=variables.get("federation_kubeconfig") or None,
        context=variables.get("federation_context") or None,
        host=variables.get("federation_host") or None,
    )
    if mesh.uses_node_ports:
        mesh.node_ports = allocate_node_ports(mesh.peers, explicit, mesh.node_port_base)
    return mesh


def build_federation(hostvars: Mapping[str, Mapping[str, Any]], meshes: Sequence[str] | None = None, topology: Any = None) -> Federation:
    """Build the model without validating it (use ``parse_federation`` unless the input is known good)."""
    mesh_names = list(dict.fromkeys(meshes if meshes is not None else hostvars))
    chosen = topology_from(hostvars, mesh_names, topology)
    pairs = peer_pairs(mesh_names, chosen)
    built = {}
    for name in mesh_names:
        peers = [peer for owner, peer in pairs if owner == name]
        built[name] = parse_mesh(name, hostvars.get(name) or {}, peers)
    return Federation(meshes=built, topology=chosen)


def parse_federation(hostvars: Mapping[str, Mapping[str, Any]], meshes: Sequence[str] | None = None, topology: Any = None) -> Federation:
    """Validate the whole federation and build its model.

    ``hostvars`` maps each mesh (inventory host) to its variables; ``meshes`` selects and orders the meshes
    (default: every key of ``hostvars``); ``topology`` defaults to ``federation_topology`` found in the
    host variables, else ``full``. Raises ``FederationModelError`` with every error found.
    """
    from .validate import validate_federation  # pylint: disable=import-outside-toplevel

    problems = [problem for problem in validate_federation(hostvars, meshes, topology) if problem.is_error]
    if problems:
        raise FederationModelError(problems)
    return build_federation(hostvars, meshes, topology)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def mesh_to_dict(mesh: Mesh) -> dict[str, Any]:
    """The mesh with its defaults as plain data (for filters and module results)."""
    from dataclasses import asdict  # pylint: disable=import-outside-toplevel

    data = _plain(asdict(mesh))
    data["locality"] = mesh.locality.to_dict()
    data["imports_locality"] = {peer: locality.to_dict() for peer, locality in mesh.imports_locality.items()}
    data["network_views"] = {peer: mesh.network_view(peer) for peer in mesh.peers}
    return data
