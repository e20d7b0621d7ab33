# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Validation of a whole federation from raw host variables.

``validate_federation`` returns EVERY problem at once; each names the mesh, the variable and what is
expected. Errors stop a run; warnings (``severity == "warning"``) are reported and let it go on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from . import names
from .model import (
    DEFAULT_GROUP,
    EXPORT_RULE_TYPES,
    INGRESS_SERVICE_TYPES,
    PLATFORMS,
    allocate_node_ports,
    cluster_key_of,
    default_ingress_service_type,
    topology_from,
    NodePorts,
)
from .topology import FULL, peer_pairs

ERROR = "error"
WARNING = "warning"

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_SUFFIX = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
TRUST_DOMAIN = re.compile(r"^[a-z0-9]([-._a-z0-9]*[a-z0-9])?$")
MESH_NAME_MAX = 63 - len("ingress-")
DNS_LABEL_RULE = "lower-case letters, digits and '-', starting and ending with a letter or digit"
REFUSED_PLATFORMS = {
    "osd": "OpenShift Dedicated",
    "openshift-dedicated": "OpenShift Dedicated",
    "aro": "Azure Red Hat OpenShift (ARO)",
    "azure-red-hat-openshift": "Azure Red Hat OpenShift (ARO)",
}
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
NAME_SELECTOR_KEYS = ("type", "namespace", "name", "alias")
LABEL_SELECTOR_KEYS = ("type", "namespace", "selector", "aliases")
IMPORT_RULE_KEYS = ("type", "namespace", "name", "alias", "import_as_local", "domain_suffix")
FAILOVER_KEYS = ("name", "namespace", "host", "from", "to", "outlier_detection")
OUTLIER_KEYS = ("consecutive_5xx_errors", "interval", "base_ejection_time")
LOCALITY_KEYS = ("region", "zone", "subzone")
ALIAS_KEYS = ("namespace", "name")


@dataclass(frozen=True)
class Problem:
    """One problem of the model: the mesh (``None`` for federation-wide variables), the variable, the
    message (which names the variable and the expectation) and the severity."""

    mesh: str | None
    variable: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        text = f"{self.mesh}: {self.message}" if self.mesh else self.message
        return text if self.is_error else f"warning: {text}"

    def to_dict(self) -> dict[str, Any]:
        return {"mesh": self.mesh, "variable": self.variable, "message": self.message, "severity": self.severity, "text": str(self)}


def kind_of(value: Any) -> str:
    """A user-facing name of a value's type."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a dict"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__}"


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def _is_int(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "none"


class _Checker:
    """Collects the problems of one federation."""

    def __init__(self, hostvars: Mapping[str, Any], meshes: list[str], topology: Any) -> None:
        self.hostvars = hostvars
        self.meshes = meshes
        self.topology = topology
        self.problems: list[Problem] = []
        self.peers = {mesh: [peer for owner, peer in peer_pairs(meshes, topology if self._topology_usable() else FULL) if owner == mesh]
                      for mesh in meshes}

    # -- helpers -------------------------------------------------------------------------------------
    def add(self, mesh: str | None, variable: str, message: str, severity: str = ERROR) -> None:
        self.problems.append(Problem(mesh, variable, message, severity))

    def vars_of(self, mesh: str) -> Mapping[str, Any]:
        value = self.hostvars.get(mesh)
        return value if isinstance(value, Mapping) else {}

    def _topology_usable(self) -> bool:
        return self.topology is None or self.topology == FULL or _is_list(self.topology)

    def string(self, mesh: str, variable: str, value: Any) -> bool:
        if not isinstance(value, str):
            self.add(mesh, variable.split(".")[0], f"{variable} must be a string, got {kind_of(value)}")
            return False
        return True

    def dns_label(self, mesh: str, variable: str, value: Any, wildcard: bool = False) -> bool:
        if not self.string(mesh, variable, value):
            return False
        if wildcard and value == "*":
            return True
        if len(value) > 63 or not DNS_LABEL.match(value):
            expectation = "'*' or a DNS-1123 label" if wildcard else "a DNS-1123 label"
            self.add(mesh, variable.split(".")[0], f"{variable} '{value}' must be {expectation}: at most 63 {DNS_LABEL_RULE}")
            return False
        return True

    def mapping(self, mesh: str, variable: str, value: Any, expectation: str) -> bool:
        if not isinstance(value, Mapping):
            self.add(mesh, variable.split(".")[0].split("[")[0], f"{variable} must be {expectation}, got {kind_of(value)}")
            return False
        return True

    def known_keys(self, mesh: str, variable: str, value: Mapping[str, Any], allowed: Sequence[str], what: str) -> None:
        unknown = sorted(str(key) for key in value if key not in allowed)
        if unknown:
            self.add(mesh, variable.split(".")[0].split("[")[0],
                     f"{variable} has unknown key(s) {', '.join(repr(key) for key in unknown)}; {what} takes {', '.join(allowed)}")

    def peer_key(self, mesh: str, variable: str, peer: Any, verb: str) -> bool:
        """A per-peer key must name another mesh of the federation that peers with ``mesh``."""
        if not isinstance(peer, str):
            self.add(mesh, variable, f"{variable} keys must be peer mesh names, got {kind_of(peer)}")
            return False
        if peer == mesh:
            self.add(mesh, variable, f"{variable}.{peer}: a mesh cannot {verb} itself")
            return False
        if peer not in self.meshes:
            self.add(mesh, variable, f"{variable}.{peer}: {peer} is not a mesh of the federation (meshes: {_quoted(self.meshes)})")
            return False
        if peer not in self.peers.get(mesh, []):
            self.add(mesh, variable, f"{variable}.{peer}: {peer} is not a peer of {mesh} in federation_topology (peers: {_quoted(self.peers.get(mesh, []))})")
            return False
        return True

    # -- federation-wide -----------------------------------------------------------------------------
    def check_meshes(self) -> None:
        if len(self.meshes) < 2:
            self.add(None, "federation_group",
                     f"a federation needs at least two meshes, found {len(self.meshes)} ({_quoted(self.meshes)}); add hosts to the '{DEFAULT_GROUP}' group")
        for mesh in self.meshes:
            if not isinstance(self.hostvars.get(mesh), Mapping):
                self.add(mesh, "hostvars", f"no host variables found for {mesh}; it must be a host of the inventory")
            if len(mesh) > MESH_NAME_MAX or not DNS_LABEL.match(mesh):
                self.add(mesh, "inventory_hostname",
                         f"inventory_hostname '{mesh}' is not a valid mesh name: at most {MESH_NAME_MAX} {DNS_LABEL_RULE} "
                         f"(so that 'ingress-<mesh>' fits in 63)")

    def check_topology(self) -> None:
        topology = self.topology
        if topology is None or topology == FULL:
            return
        if not _is_list(topology):
            self.add(None, "federation_topology", f"federation_topology must be 'full' or a list of [mesh, mesh] pairs, got {kind_of(topology)}"
                     + (f" '{topology}'" if isinstance(topology, str) else ""))
            return
        for index, pair in enumerate(topology):
            variable = f"federation_topology[{index}]"
            if not _is_list(pair) or len(pair) != 2 or not all(isinstance(item, str) for item in pair):
                self.add(None, "federation_topology", f"{variable} must be a pair [mesh_a, mesh_b] of mesh names, got {kind_of(pair)} {pair!r}")
                continue
            for item in pair:
                if item not in self.meshes:
                    self.add(None, "federation_topology", f"{variable} names '{item}', which is not a mesh of the federation (meshes: {_quoted(self.meshes)})")
            if pair[0] == pair[1]:
                self.add(None, "federation_topology", f"{variable} pairs {pair[0]} with itself; a mesh cannot peer with itself")
        for mesh in self.meshes:
            if not self.peers.get(mesh):
                self.add(mesh, "federation_topology", f"{mesh} has no peer in federation_topology; it will not be federated", WARNING)

    # -- one mesh ------------------------------------------------------------------------------------
    def check_mesh(self, mesh: str) -> None:
        variables = self.vars_of(mesh)
        for variable in ("federation_kubeconfig", "federation_context", "federation_host", "federation_network"):
            if variables.get(variable) is not None:
                self.string(mesh, variable, variables[variable])
        if variables.get("federation_validate_certs") is not None and not isinstance(variables["federation_validate_certs"], bool):
            self.add(mesh, "federation_validate_certs",
                     f"federation_validate_certs must be true or false, got {kind_of(variables['federation_validate_certs'])}")
        for variable in ("federation_namespace", "federation_smcp_name"):
            if variables.get(variable) is not None:
                self.dns_label(mesh, variable, variables[variable])
        trust_domain = variables.get("federation_trust_domain")
        if trust_domain is not None and self.string(mesh, "federation_trust_domain", trust_domain):
            if len(trust_domain) > 255 or not TRUST_DOMAIN.match(trust_domain):
                self.add(mesh, "federation_trust_domain",
                         f"federation_trust_domain '{trust_domain}' must be a trust domain of lower-case letters, digits, '.', '-' and '_'")
        self.check_platform(mesh, variables)
        self.check_locality(mesh, "federation_locality", variables.get("federation_locality"))
        self.check_exports(mesh, variables.get("federation_exports"))
        self.check_imports(mesh, variables.get("federation_imports"))
        self.check_per_peer_localities(mesh, variables.get("federation_imports_locality"))
        self.check_network_views(mesh, variables.get("federation_requested_network_view"))
        self.check_failover(mesh, variables.get("federation_failover"))

    def check_platform(self, mesh: str, variables: Mapping[str, Any]) -> None:
        platform = variables.get("federation_platform")
        supported = ", ".join(PLATFORMS)
        if platform is None or platform == "":
            self.add(mesh, "federation_platform", f"federation_platform is required: one of {supported}")
        elif not isinstance(platform, str):
            self.add(mesh, "federation_platform", f"federation_platform must be a string (one of {supported}), got {kind_of(platform)}")
        elif platform.lower() in REFUSED_PLATFORMS:
            self.add(mesh, "federation_platform",
                     f"federation_platform '{platform}': federation is not supported on {REFUSED_PLATFORMS[platform.lower()]}; "
                     f"supported platforms: {supported}")
        elif platform not in PLATFORMS:
            self.add(mesh, "federation_platform", f"federation_platform '{platform}' is not supported; expected one of {supported}")
        service_type = variables.get("federation_ingress_service_type")
        if service_type is not None and service_type not in INGRESS_SERVICE_TYPES:
            self.add(mesh, "federation_ingress_service_type",
                     f"federation_ingress_service_type {service_type!r} is not supported; expected LoadBalancer or NodePort")

    def check_locality(self, mesh: str, variable: str, value: Any) -> None:
        if value is None:
            return
        if not self.mapping(mesh, variable, value, "a dict with region, zone, subzone"):
            return
        self.known_keys(mesh, variable, value, LOCALITY_KEYS, "a locality")
        for key in LOCALITY_KEYS:
            if value.get(key) is not None:
                self.string(mesh, f"{variable}.{key}", value[key])
        if value.get("zone") and not value.get("region"):
            self.add(mesh, variable.split(".")[0], f"{variable} has zone '{value['zone']}' but no region; istiod ignores a zone without a region")
        if value.get("subzone") and not value.get("zone"):
            self.add(mesh, variable.split(".")[0], f"{variable} has subzone '{value['subzone']}' but no zone; istiod ignores a subzone without a zone")

    def check_per_peer_localities(self, mesh: str, value: Any) -> None:
        variable = "federation_imports_locality"
        if value is None or not self.mapping(mesh, variable, value, "a dict of peer name to {region, zone, subzone}"):
            return
        for peer, locality in value.items():
            if self.peer_key(mesh, variable, peer, "import from"):
                self.check_locality(mesh, f"{variable}.{peer}", locality)

    def check_network_views(self, mesh: str, value: Any) -> None:
        variable = "federation_requested_network_view"
        if value is None or not self.mapping(mesh, variable, value, "a dict of peer name to a list of network names"):
            return
        for peer, view in value.items():
            if not self.peer_key(mesh, variable, peer, "peer with"):
                continue
            if not _is_list(view) or not all(isinstance(item, str) for item in view):
                self.add(mesh, variable, f"{variable}.{peer} must be a list of network names, got {kind_of(view)}")
                continue
            expected = [names.network_view(peer)]
            if list(view) != expected:
                self.add(mesh, variable,
                         f"{variable}.{peer} {list(view)} differs from {expected}: istiod puts {peer}'s endpoints on network "
                         f"'{expected[0]}', so the egress gateway may not route to them", WARNING)

    # -- exports -------------------------------------------------------------------------------------
    def check_exports(self, mesh: str, value: Any) -> None:
        variable = "federation_exports"
        if value is None or not self.mapping(mesh, variable, value, "a dict of peer name to a list of export rules"):
            return
        for peer, rules in value.items():
            if not self.peer_key(mesh, variable, peer, "export to"):
                continue
            if rules is None:
                continue
            if not _is_list(rules):
                self.add(mesh, variable, f"{variable}.{peer} must be a list of export rules, got {kind_of(rules)}")
                continue
            used: dict[tuple[str, str], tuple[str, tuple[str, str]]] = {}
            for index, rule in enumerate(rules):
                where = f"{variable}.{peer}[{index}]"
                if not self.mapping(mesh, where, rule, "a dict (an export rule)"):
                    continue
                rule_type = rule.get("type", "NameSelector")
                if rule_type not in EXPORT_RULE_TYPES:
                    self.add(mesh, variable, f"{where}.type {rule_type!r} must be NameSelector or LabelSelector")
                    continue
                if rule_type == "LabelSelector":
                    self.check_label_export(mesh, where, rule)
                    continue
                if self.check_name_export(mesh, where, rule):
                    self.check_alias_collision(mesh, where, rule, used)

    def check_name_export(self, mesh: str, where: str, rule: Mapping[str, Any]) -> bool:
        self.known_keys(mesh, where, rule, NAME_SELECTOR_KEYS, "a NameSelector export rule")
        good = True
        for key in ("namespace", "name"):
            if rule.get(key) is None:
                self.add(mesh, "federation_exports", f"{where}.{key} is required (a service {key} or '*')")
                good = False
            else:
                good = self.dns_label(mesh, f"{where}.{key}", rule[key], wildcard=True) and good
        alias = rule.get("alias")
        if alias is not None:
            good = self.check_alias(mesh, f"{where}.alias", alias) and good
            if good and isinstance(alias, Mapping) and alias.get("name") and rule.get("name") == "*":
                self.add(mesh, "federation_exports",
                         f"{where}.alias.name '{alias['name']}' would give every service matched by name '*' the same name; "
                         "alias a wildcard rule by namespace only")
                good = False
        return good

    def check_alias(self, mesh: str, where: str, alias: Any) -> bool:
        if not self.mapping(mesh, where, alias, "a dict with namespace and/or name"):
            return False
        self.known_keys(mesh, where, alias, ALIAS_KEYS, "an alias")
        good = True
        for key in ALIAS_KEYS:
            if alias.get(key) is not None:
                good = self.dns_label(mesh, f"{where}.{key}", alias[key]) and good
        return good

    def check_alias_collision(self, mesh: str, where: str, rule: Mapping[str, Any],
                              used: dict[tuple[str, str], tuple[str, tuple[str, str]]]) -> None:
        source = (rule["namespace"], rule["name"])
        if "*" in source:
            return
        alias = rule.get("alias") or {}
        exported = (alias.get("namespace") or source[0], alias.get("name") or source[1])
        if exported in used and used[exported][1] != source:
            first, first_source = used[exported]
            self.add(mesh, "federation_exports",
                     f"{where} exports {source[0]}/{source[1]} as {exported[0]}/{exported[1]}, which {first} already uses for "
                     f"{first_source[0]}/{first_source[1]}; an exported name must stand for one service")
        used.setdefault(exported, (where, source))

    def check_label_export(self, mesh: str, where: str, rule: Mapping[str, Any]) -> None:
        self.known_keys(mesh, where, rule, LABEL_SELECTOR_KEYS, "a LabelSelector export rule")
        if rule.get("namespace") is not None:
            self.dns_label(mesh, f"{where}.namespace", rule["namespace"], wildcard=True)
        selector = rule.get("selector")
        if selector is None:
            self.add(mesh, "federation_exports", f"{where}.selector is required for a LabelSelector rule (matchLabels and/or matchExpressions)")
        elif self.mapping(mesh, f"{where}.selector", selector, "a dict with matchLabels and/or matchExpressions"):
            self.known_keys(mesh, f"{where}.selector", selector, ("matchLabels", "matchExpressions"), "a label selector")
            labels = selector.get("matchLabels")
            expressions = selector.get("matchExpressions")
            if not labels and not expressions:
                self.add(mesh, "federation_exports",
                         f"{where}.selector must have matchLabels or matchExpressions; an empty selector would export every service")
            if labels is not None and self.mapping(mesh, f"{where}.selector.matchLabels", labels, "a dict of label to string value"):
                for key, label_value in labels.items():
                    if not isinstance(label_value, str):
                        self.add(mesh, "federation_exports",
                                 f"{where}.selector.matchLabels.{key} must be a string (quote values like \"true\"), got {kind_of(label_value)}")
            if expressions is not None:
                self.check_expressions(mesh, f"{where}.selector.matchExpressions", expressions)
        aliases = rule.get("aliases")
        if aliases is None:
            return
        if not _is_list(aliases):
            self.add(mesh, "federation_exports", f"{where}.aliases must be a list of {{namespace, name, alias}}, got {kind_of(aliases)}")
            return
        for index, entry in enumerate(aliases):
            entry_where = f"{where}.aliases[{index}]"
            if not self.mapping(mesh, entry_where, entry, "a dict with namespace, name and alias"):
                continue
            self.known_keys(mesh, entry_where, entry, ("namespace", "name", "alias"), "a LabelSelector alias")
            for key in ALIAS_KEYS:
                if entry.get(key) is not None:
                    self.dns_label(mesh, f"{entry_where}.{key}", entry[key], wildcard=True)
            if entry.get("alias") is None:
                self.add(mesh, "federation_exports", f"{entry_where}.alias is required (the namespace and/or name to export as)")
            else:
                self.check_alias(mesh, f"{entry_where}.alias", entry["alias"])

    def check_expressions(self, mesh: str, where: str, expressions: Any) -> None:
        if not _is_list(expressions):
            self.add(mesh, "federation_exports", f"{where} must be a list of {{key, operator, values}}, got {kind_of(expressions)}")
            return
        for index, expression in enumerate(expressions):
            entry_where = f"{where}[{index}]"
            if not self.mapping(mesh, entry_where, expression, "a dict with key, operator and values"):
                continue
            if not isinstance(expression.get("key"), str):
                self.add(mesh, "federation_exports", f"{entry_where}.key is required (a label key)")
            if expression.get("operator") not in SELECTOR_OPERATORS:
                self.add(mesh, "federation_exports", f"{entry_where}.operator {expression.get('operator')!r} must be one of {', '.join(SELECTOR_OPERATORS)}")
            values = expression.get("values")
            if values is not None and (not _is_list(values) or not all(isinstance(item, str) for item in values)):
                self.add(mesh, "federation_exports", f"{entry_where}.values must be a list of strings, got {kind_of(values)}")

    # -- imports -------------------------------------------------------------------------------------
    def check_imports(self, mesh: str, value: Any) -> None:
        variable = "federation_imports"
        if value is None or not self.mapping(mesh, variable, value, "a dict of peer name to a list of import rules"):
            return
        for peer, rules in value.items():
            if not self.peer_key(mesh, variable, peer, "import from"):
                continue
            if rules is None:
                continue
            if not _is_list(rules):
                self.add(mesh, variable, f"{variable}.{peer} must be a list of import rules, got {kind_of(rules)}")
                continue
            for index, rule in enumerate(rules):
                where = f"{variable}.{peer}[{index}]"
                if self.mapping(mesh, where, rule, "a dict (an import rule)"):
                    self.check_import_rule(mesh, where, rule)

    def check_import_rule(self, mesh: str, where: str, rule: Mapping[str, Any]) -> None:
        variable = "federation_imports"
        self.known_keys(mesh, where, rule, IMPORT_RULE_KEYS, "an import rule")
        rule_type = rule.get("type", "NameSelector")
        if rule_type != "NameSelector":
            self.add(mesh, variable, f"{where}.type {rule_type!r} is ignored by istiod: import rules must be NameSelector")
        for key in ("namespace", "name"):
            if rule.get(key) is None:
                self.add(mesh, variable, f"{where}.{key} is required (the exported service {key} or '*')")
            else:
                self.dns_label(mesh, f"{where}.{key}", rule[key], wildcard=True)
        alias = rule.get("alias")
        alias_ok = alias is None or self.check_alias(mesh, f"{where}.alias", alias)
        import_as_local = rule.get("import_as_local", False)
        if not isinstance(import_as_local, bool):
            self.add(mesh, variable, f"{where}.import_as_local must be true or false, got {kind_of(import_as_local)}")
            import_as_local = False
        if import_as_local and alias_ok:
            alias_namespace = alias.get("namespace") if isinstance(alias, Mapping) else None
            if not alias_namespace:
                self.add(mesh, variable,
                         f"{where}.import_as_local is true but alias.namespace is not set; istiod ignores importAsLocal without a fixed alias namespace")
        suffix = rule.get("domain_suffix")
        if suffix is None:
            return
        if not self.string(mesh, f"{where}.domain_suffix", suffix):
            return
        if suffix == names.CLUSTER_DOMAIN_SUFFIX:
            self.add(mesh, variable,
                     f"{where}.domain_suffix '{suffix}' is ignored by istiod; use import_as_local: true to import as a cluster-local service")
        elif not DNS_SUFFIX.match(suffix):
            self.add(mesh, variable, f"{where}.domain_suffix '{suffix}' must be a DNS suffix such as 'svc.imported.local'")
        elif import_as_local:
            self.add(mesh, variable, f"{where}.domain_suffix '{suffix}' is ignored because import_as_local is true", WARNING)

    # -- failover ------------------------------------------------------------------------------------
    def check_failover(self, mesh: str, value: Any) -> None:
        variable = "federation_failover"
        if value is None:
            return
        if not _is_list(value):
            self.add(mesh, variable, f"{variable} must be a list of {{name, namespace, host, from, to}}, got {kind_of(value)}")
            return
        seen: dict[tuple[str, str], int] = {}
        for index, rule in enumerate(value):
            where = f"{variable}[{index}]"
            if not self.mapping(mesh, where, rule, "a dict with name, namespace, host, from and to"):
                continue
            self.known_keys(mesh, where, rule, FAILOVER_KEYS, "a failover rule")
            for key in ("name", "namespace", "host", "from", "to"):
                if rule.get(key) is None:
                    self.add(mesh, variable, f"{where}.{key} is required")
                elif key in ("name", "namespace"):
                    self.dns_label(mesh, f"{where}.{key}", rule[key])
                else:
                    self.string(mesh, f"{where}.{key}", rule[key])
            self.check_failover_regions(mesh, where, rule)
            key_pair = (rule.get("namespace"), rule.get("name"))
            if all(isinstance(part, str) for part in key_pair):
                if key_pair in seen:
                    self.add(mesh, variable,
                             f"{where} uses the DestinationRule {key_pair[0]}/{key_pair[1]} of {variable}[{seen[key_pair]}]; names must be unique")
                seen.setdefault(key_pair, index)  # type: ignore[arg-type]
            outlier = rule.get("outlier_detection")
            if outlier is not None and self.mapping(mesh, f"{where}.outlier_detection", outlier, "a dict"):
                self.known_keys(mesh, f"{where}.outlier_detection", outlier, OUTLIER_KEYS, "outlier_detection")
                errors = outlier.get("consecutive_5xx_errors")
                if errors is not None and (not _is_int(errors) or int(errors) < 1):
                    self.add(mesh, variable, f"{where}.outlier_detection.consecutive_5xx_errors must be a positive integer, got {errors!r}")

    def check_failover_regions(self, mesh: str, where: str, rule: Mapping[str, Any]) -> None:
        """``localityLbSetting.failover`` goes from one region to another: a zone is no region, and a
        failover to the same region never leaves it."""
        variable = "federation_failover"
        regions = {key: rule.get(key) for key in ("from", "to") if isinstance(rule.get(key), str)}
        for key, region in regions.items():
            if not region or "/" in region:
                self.add(mesh, variable, f"{where}.{key} '{region}' must be a region (no '/'): failover goes from one region to another")
        if len(regions) == 2 and regions["from"] and regions["from"] == regions["to"]:
            self.add(mesh, variable, f"{where}: from and to are both '{regions['from']}'; failover must go to a different region")

    # -- uniqueness across meshes --------------------------------------------------------------------
    def check_unique(self) -> None:
        by_domain: dict[str, list[str]] = {}
        by_namespace: dict[tuple[Any, str], list[str]] = {}
        for mesh in self.meshes:
            variables = self.vars_of(mesh)
            domain = variables.get("federation_trust_domain") or names.default_trust_domain(mesh)
            if isinstance(domain, str):
                by_domain.setdefault(domain, []).append(mesh)
            namespace = variables.get("federation_namespace") or names.default_namespace(mesh)
            if isinstance(namespace, str):
                by_namespace.setdefault((self.cluster(mesh), namespace), []).append(mesh)
        for domain, owners in by_domain.items():
            for mesh in owners if len(owners) > 1 else []:
                others = [other for other in owners if other != mesh]
                self.add(mesh, "federation_trust_domain",
                         f"federation_trust_domain '{domain}' is also used by {', '.join(others)}; trust domains must be unique in the federation")
        for (_cluster, namespace), owners in by_namespace.items():
            for mesh in owners if len(owners) > 1 else []:
                others = [other for other in owners if other != mesh]
                self.add(mesh, "federation_namespace",
                         f"federation_namespace '{namespace}' is also used by {', '.join(others)} in the same cluster; "
                         "each mesh needs its own control plane namespace")

    def cluster(self, mesh: str) -> tuple[Any, ...]:
        variables = self.vars_of(mesh)
        return cluster_key_of(variables.get("federation_kubeconfig"), variables.get("federation_context"), variables.get("federation_host"))

    def check_node_ports(self) -> None:
        usages: dict[tuple[Any, int], list[tuple[str, str]]] = {}
        for mesh in self.meshes:
            variables = self.vars_of(mesh)
            platform = variables.get("federation_platform")
            service_type = variables.get("federation_ingress_service_type")
            if service_type is None and platform in PLATFORMS:
                service_type = default_ingress_service_type(platform)
            explicit = self.explicit_node_ports(mesh, variables.get("federation_node_ports"), service_type)
            base = variables.get("federation_node_port_base")
            if base is None:
                base = names.DEFAULT_NODE_PORT_BASE
            elif not _is_int(base) or not names.NODE_PORT_MIN <= int(base) <= names.NODE_PORT_MAX:
                self.add(mesh, "federation_node_port_base",
                         f"federation_node_port_base must be an integer in {names.NODE_PORT_MIN}-{names.NODE_PORT_MAX}, got {base!r}")
                continue
            base = int(base)
            if service_type != "NodePort":
                continue
            peers = self.peers.get(mesh, [])
            missing = [peer for peer in peers if peer not in explicit]
            if missing and base + 2 * len(peers) - 1 > names.NODE_PORT_MAX:
                self.add(mesh, "federation_node_port_base",
                         f"federation_node_port_base {base} leaves no room for {len(peers)} peers (two node ports each) below {names.NODE_PORT_MAX}; "
                         f"lower it or set federation_node_ports")
                continue
            for peer, ports in allocate_node_ports(peers, explicit, base).items():
                origin = "" if peer in explicit else " (allocated from federation_node_port_base)"
                for kind, port in (("discovery", ports.discovery), ("service", ports.service)):
                    usages.setdefault((self.cluster(mesh), port), []).append((mesh, f"federation_node_ports.{peer}.{kind}{origin}"))
        for (_cluster, port), users in usages.items():
            if len(users) < 2:
                continue
            for position, (mesh, where) in enumerate(users):
                others = [f"{other} {other_where}" for other_index, (other, other_where) in enumerate(users) if other_index != position]
                self.add(mesh, "federation_node_ports",
                         f"node port {port} of {where} is also used by {'; '.join(others)} in the same cluster; node ports must be unique per cluster")

    def explicit_node_ports(self, mesh: str, value: Any, service_type: Any) -> dict[str, NodePorts]:
        variable = "federation_node_ports"
        explicit: dict[str, NodePorts] = {}
        if value is None or not self.mapping(mesh, variable, value, "a dict of peer name to {discovery, service}"):
            return explicit
        if value and service_type != "NodePort":
            self.add(mesh, variable, f"{variable} is ignored: federation_ingress_service_type is {service_type}", WARNING)
        for peer, ports in value.items():
            if not self.peer_key(mesh, variable, peer, "peer with"):
                continue
            where = f"{variable}.{peer}"
            if not self.mapping(mesh, where, ports, "a dict with integer discovery and service node ports"):
                continue
            self.known_keys(mesh, where, ports, ("discovery", "service"), "a node port entry")
            good = True
            for kind in ("discovery", "service"):
                port = ports.get(kind)
                if port is None:
                    self.add(mesh, variable, f"{where}.{kind} is required (a node port in {names.NODE_PORT_MIN}-{names.NODE_PORT_MAX})")
                    good = False
                elif not _is_int(port) or not names.NODE_PORT_MIN <= int(port) <= names.NODE_PORT_MAX:
                    self.add(mesh, variable, f"{where}.{kind} {port!r} must be an integer in {names.NODE_PORT_MIN}-{names.NODE_PORT_MAX}")
                    good = False
            if good:
                explicit[peer] = NodePorts(discovery=int(ports["discovery"]), service=int(ports["service"]))
        return explicit


def validate_federation(hostvars: Mapping[str, Any], meshes: Sequence[str] | None = None, topology: Any = None) -> list[Problem]:
    """Every problem of the federation at once, errors and warnings, in a stable order.

    ``hostvars`` maps each mesh to its host variables; ``meshes`` selects and orders the meshes (default:
    every key of ``hostvars``); ``topology`` defaults to ``federation_topology`` found in the host
    variables, else ``full``.
    """
    if not isinstance(hostvars, Mapping):
        return [Problem(None, "hostvars", f"hostvars must be a dict of mesh name to host variables, got {kind_of(hostvars)}")]
    if meshes is None:
        meshes = list(hostvars)
    if isinstance(meshes, str) or not _is_list(meshes) or not all(isinstance(mesh, str) for mesh in meshes):
        return [Problem(None, "federation_group", f"the meshes must be a list of inventory host names, got {kind_of(meshes)}")]
    checker = _Checker(hostvars, list(dict.fromkeys(meshes)), topology_from(hostvars, meshes, topology))
    duplicates = sorted({mesh for mesh in meshes if list(meshes).count(mesh) > 1})
    for mesh in duplicates:
        checker.add(mesh, "federation_group", f"mesh {mesh} is listed more than once; mesh names must be unique")
    checker.check_meshes()
    checker.check_topology()
    for mesh in checker.meshes:
        checker.check_mesh(mesh)
    checker.check_unique()
    checker.check_node_ports()
    return checker.problems


def errors(problems: Sequence[Problem]) -> list[Problem]:
    """Only the errors."""
    return [problem for problem in problems if problem.is_error]
