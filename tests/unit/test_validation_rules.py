# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every validation rule, with its exact message; each case lists ALL the problems expected, no more."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation.model import FederationModelError, parse_federation
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.validate import Problem, validate_federation
from ansible_collections.servicemesh.federation.tests.unit.helpers import reference_hostvars

MESHES = ["red-mesh", "green-mesh", "blue-mesh"]
SUPPORTED = "aws, azure, gcp, baremetal, ibmz, ibmpower"
LABEL = "at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit"


def problems(hostvars: dict[str, Any], meshes: Any = None, topology: Any = None) -> list[tuple[Any, ...]]:
    return [(p.mesh, p.variable, p.message, p.severity) for p in validate_federation(hostvars, meshes, topology)]


def red(**variables: Any) -> dict[str, Any]:
    return reference_hostvars(red_mesh=variables)


def error(message: str, variable: str, mesh: str | None = "red-mesh") -> tuple[Any, ...]:
    return (mesh, variable, message, "error")


def warning(message: str, variable: str, mesh: str | None = "red-mesh") -> tuple[Any, ...]:
    return (mesh, variable, message, "warning")


def test_the_reference_federation_is_valid() -> None:
    assert problems(reference_hostvars(), MESHES) == []


CASES: list[tuple[str, dict[str, Any], list[tuple[Any, ...]]]] = [
    ("platform-missing", red(federation_platform=None),
     [error(f"federation_platform is required: one of {SUPPORTED}", "federation_platform")]),
    ("platform-osd", red(federation_platform="osd"),
     [error(f"federation_platform 'osd': federation is not supported on OpenShift Dedicated; supported platforms: {SUPPORTED}", "federation_platform")]),
    ("platform-openshift-dedicated", red(federation_platform="openshift-dedicated"),
     [error(f"federation_platform 'openshift-dedicated': federation is not supported on OpenShift Dedicated; supported platforms: {SUPPORTED}",
            "federation_platform")]),
    ("platform-aro", red(federation_platform="aro"),
     [error(f"federation_platform 'aro': federation is not supported on Azure Red Hat OpenShift (ARO); supported platforms: {SUPPORTED}",
            "federation_platform")]),
    ("platform-unknown", red(federation_platform="vsphere"),
     [error(f"federation_platform 'vsphere' is not supported; expected one of {SUPPORTED}", "federation_platform")]),
    ("platform-type", red(federation_platform=["aws"]),
     [error(f"federation_platform must be a string (one of {SUPPORTED}), got a list", "federation_platform")]),
    ("ingress-type", red(federation_ingress_service_type="ClusterIP"),
     [error("federation_ingress_service_type 'ClusterIP' is not supported; expected LoadBalancer or NodePort", "federation_ingress_service_type")]),
    ("namespace-dns", red(federation_namespace="Red_System"),
     [error(f"federation_namespace 'Red_System' must be a DNS-1123 label: {LABEL}", "federation_namespace")]),
    ("namespace-type", red(federation_namespace=["red"]),
     [error("federation_namespace must be a string, got a list", "federation_namespace")]),
    ("smcp-dns", red(federation_smcp_name="red.mesh"),
     [error(f"federation_smcp_name 'red.mesh' must be a DNS-1123 label: {LABEL}", "federation_smcp_name")]),
    ("trust-domain-format", red(federation_trust_domain="Red Mesh"),
     [error("federation_trust_domain 'Red Mesh' must be a trust domain of lower-case letters, digits, '.', '-' and '_'", "federation_trust_domain")]),
    ("trust-domain-unique", reference_hostvars(red_mesh={"federation_trust_domain": "x.local"}, green_mesh={"federation_trust_domain": "x.local"}),
     [error("federation_trust_domain 'x.local' is also used by green-mesh; trust domains must be unique in the federation", "federation_trust_domain"),
      error("federation_trust_domain 'x.local' is also used by red-mesh; trust domains must be unique in the federation", "federation_trust_domain",
            "green-mesh")]),
    ("trust-domain-equals-a-default", red(federation_trust_domain="green-mesh.local"),
     [error("federation_trust_domain 'green-mesh.local' is also used by green-mesh; trust domains must be unique in the federation",
            "federation_trust_domain"),
      error("federation_trust_domain 'green-mesh.local' is also used by red-mesh; trust domains must be unique in the federation",
            "federation_trust_domain", "green-mesh")]),
    ("namespace-unique-per-cluster",
     reference_hostvars(red_mesh={"federation_namespace": "istio-system", "federation_kubeconfig": "one"},
                        green_mesh={"federation_namespace": "istio-system", "federation_kubeconfig": "one"},
                        blue_mesh={"federation_namespace": "istio-system"}),
     [error("federation_namespace 'istio-system' is also used by green-mesh in the same cluster; each mesh needs its own control plane namespace",
            "federation_namespace"),
      error("federation_namespace 'istio-system' is also used by red-mesh in the same cluster; each mesh needs its own control plane namespace",
            "federation_namespace", "green-mesh")]),
    ("kubeconfig-type", red(federation_kubeconfig=["a", "b"]),
     [error("federation_kubeconfig must be a string, got a list", "federation_kubeconfig")]),
    ("validate-certs-type", red(federation_validate_certs="yes"),
     [error("federation_validate_certs must be true or false, got a string", "federation_validate_certs")]),
    ("locality-zone-without-region", red(federation_locality={"zone": "us-west-1a"}),
     [error("federation_locality has zone 'us-west-1a' but no region; istiod ignores a zone without a region", "federation_locality")]),
    ("locality-subzone-without-zone", red(federation_locality={"region": "us-west", "subzone": "rack-1"}),
     [error("federation_locality has subzone 'rack-1' but no zone; istiod ignores a subzone without a zone", "federation_locality")]),
    ("locality-type", red(federation_locality="us-west"),
     [error("federation_locality must be a dict with region, zone, subzone, got a string", "federation_locality")]),
    ("locality-unknown-key", red(federation_locality={"region": "us-west", "zones": "a"}),
     [error("federation_locality has unknown key(s) 'zones'; a locality takes region, zone, subzone", "federation_locality")]),
    ("imports-locality-zone-without-region", red(federation_imports_locality={"green-mesh": {"zone": "a"}}),
     [error("federation_imports_locality.green-mesh has zone 'a' but no region; istiod ignores a zone without a region", "federation_imports_locality")]),
    ("exports-type", red(federation_exports=["green-mesh"]),
     [error("federation_exports must be a dict of peer name to a list of export rules, got a list", "federation_exports")]),
    ("exports-rules-type", red(federation_exports={"green-mesh": {"name": "ratings"}}),
     [error("federation_exports.green-mesh must be a list of export rules, got a dict", "federation_exports")]),
    ("exports-rule-type", red(federation_exports={"green-mesh": ["ratings"]}),
     [error("federation_exports.green-mesh[0] must be a dict (an export rule), got a string", "federation_exports")]),
    ("exports-self", red(federation_exports={"red-mesh": []}),
     [error("federation_exports.red-mesh: a mesh cannot export to itself", "federation_exports")]),
    ("exports-unknown-peer", red(federation_exports={"pink-mesh": []}),
     [error("federation_exports.pink-mesh: pink-mesh is not a mesh of the federation (meshes: red-mesh, green-mesh, blue-mesh)", "federation_exports")]),
    ("exports-selector-type", red(federation_exports={"green-mesh": [{"type": "RegexSelector", "namespace": "a", "name": "b"}]}),
     [error("federation_exports.green-mesh[0].type 'RegexSelector' must be NameSelector or LabelSelector", "federation_exports")]),
    ("exports-name-required", red(federation_exports={"green-mesh": [{"namespace": "bookinfo"}]}),
     [error("federation_exports.green-mesh[0].name is required (a service name or '*')", "federation_exports")]),
    ("exports-name-dns", red(federation_exports={"green-mesh": [{"namespace": "bookinfo", "name": "Ratings"}]}),
     [error(f"federation_exports.green-mesh[0].name 'Ratings' must be '*' or a DNS-1123 label: {LABEL}", "federation_exports")]),
    ("exports-unknown-key", red(federation_exports={"green-mesh": [{"namespace": "bookinfo", "name": "ratings", "aliass": {}}]}),
     [error("federation_exports.green-mesh[0] has unknown key(s) 'aliass'; a NameSelector export rule takes type, namespace, name, alias",
            "federation_exports")]),
    ("exports-alias-type", red(federation_exports={"green-mesh": [{"namespace": "bookinfo", "name": "ratings", "alias": "red-ratings"}]}),
     [error("federation_exports.green-mesh[0].alias must be a dict with namespace and/or name, got a string", "federation_exports")]),
    ("exports-wildcard-alias-name", red(federation_exports={"green-mesh": [{"namespace": "bookinfo", "name": "*", "alias": {"name": "all"}}]}),
     [error("federation_exports.green-mesh[0].alias.name 'all' would give every service matched by name '*' the same name; "
            "alias a wildcard rule by namespace only", "federation_exports")]),
    ("exports-same-alias-two-services", red(federation_exports={"green-mesh": [
        {"namespace": "red-mesh-bookinfo", "name": "ratings", "alias": {"namespace": "bookinfo", "name": "ratings"}},
        {"namespace": "red-mesh-bookinfo", "name": "reviews", "alias": {"namespace": "bookinfo", "name": "ratings"}}]}),
     [error("federation_exports.green-mesh[1] exports red-mesh-bookinfo/reviews as bookinfo/ratings, which federation_exports.green-mesh[0] "
            "already uses for red-mesh-bookinfo/ratings; an exported name must stand for one service", "federation_exports")]),
    ("exports-alias-equals-other-service-name", red(federation_exports={"green-mesh": [
        {"namespace": "bookinfo", "name": "ratings"},
        {"namespace": "red-mesh-bookinfo", "name": "ratings", "alias": {"namespace": "bookinfo"}}]}),
     [error("federation_exports.green-mesh[1] exports red-mesh-bookinfo/ratings as bookinfo/ratings, which federation_exports.green-mesh[0] "
            "already uses for bookinfo/ratings; an exported name must stand for one service", "federation_exports")]),
    ("exports-label-selector-empty", red(federation_exports={"green-mesh": [{"type": "LabelSelector", "namespace": "bookinfo", "selector": {}}]}),
     [error("federation_exports.green-mesh[0].selector must have matchLabels or matchExpressions; an empty selector would export every service",
            "federation_exports")]),
    ("exports-label-selector-missing", red(federation_exports={"green-mesh": [{"type": "LabelSelector", "namespace": "bookinfo"}]}),
     [error("federation_exports.green-mesh[0].selector is required for a LabelSelector rule (matchLabels and/or matchExpressions)",
            "federation_exports")]),
    ("exports-label-value-boolean", red(federation_exports={"green-mesh": [{"type": "LabelSelector", "selector": {"matchLabels": {"export": True}}}]}),
     [error("federation_exports.green-mesh[0].selector.matchLabels.export must be a string (quote values like \"true\"), got a boolean",
            "federation_exports")]),
    ("exports-label-operator", red(federation_exports={"green-mesh": [
        {"type": "LabelSelector", "selector": {"matchExpressions": [{"key": "tier", "operator": "Equals", "values": ["a"]}]}}]}),
     [error("federation_exports.green-mesh[0].selector.matchExpressions[0].operator 'Equals' must be one of In, NotIn, Exists, DoesNotExist",
            "federation_exports")]),
    ("exports-label-aliases-type", red(federation_exports={"green-mesh": [
        {"type": "LabelSelector", "selector": {"matchLabels": {"a": "b"}}, "aliases": {"namespace": "bookinfo"}}]}),
     [error("federation_exports.green-mesh[0].aliases must be a list of {namespace, name, alias}, got a dict", "federation_exports")]),
    ("exports-label-alias-required", red(federation_exports={"green-mesh": [
        {"type": "LabelSelector", "selector": {"matchLabels": {"a": "b"}}, "aliases": [{"namespace": "*", "name": "*"}]}]}),
     [error("federation_exports.green-mesh[0].aliases[0].alias is required (the namespace and/or name to export as)", "federation_exports")]),
    ("imports-type", red(federation_imports="green-mesh"),
     [error("federation_imports must be a dict of peer name to a list of import rules, got a string", "federation_imports")]),
    ("imports-self", red(federation_imports={"red-mesh": []}),
     [error("federation_imports.red-mesh: a mesh cannot import from itself", "federation_imports")]),
    ("imports-label-selector", red(federation_imports={"green-mesh": [{"type": "LabelSelector", "namespace": "bookinfo", "name": "ratings"}]}),
     [error("federation_imports.green-mesh[0].type 'LabelSelector' is ignored by istiod: import rules must be NameSelector", "federation_imports")]),
    ("imports-as-local-without-alias-namespace",
     red(federation_imports={"green-mesh": [{"namespace": "bookinfo", "name": "ratings", "import_as_local": True}]}),
     [error("federation_imports.green-mesh[0].import_as_local is true but alias.namespace is not set; "
            "istiod ignores importAsLocal without a fixed alias namespace", "federation_imports")]),
    ("imports-as-local-not-boolean", red(federation_imports={"green-mesh": [{"namespace": "bookinfo", "name": "ratings", "import_as_local": "yes"}]}),
     [error("federation_imports.green-mesh[0].import_as_local must be true or false, got a string", "federation_imports")]),
    ("imports-domain-suffix-cluster-local",
     red(federation_imports={"green-mesh": [{"namespace": "bookinfo", "name": "ratings", "domain_suffix": "svc.cluster.local"}]}),
     [error("federation_imports.green-mesh[0].domain_suffix 'svc.cluster.local' is ignored by istiod; use import_as_local: true to import "
            "as a cluster-local service", "federation_imports")]),
    ("imports-domain-suffix-format", red(federation_imports={"green-mesh": [{"namespace": "bookinfo", "name": "ratings", "domain_suffix": ".Imported"}]}),
     [error("federation_imports.green-mesh[0].domain_suffix '.Imported' must be a DNS suffix such as 'svc.imported.local'", "federation_imports")]),
    ("imports-domain-suffix-with-local", red(federation_imports={"green-mesh": [
        {"namespace": "bookinfo", "name": "ratings", "import_as_local": True, "alias": {"namespace": "bookinfo"}, "domain_suffix": "imported.local"}]}),
     [warning("federation_imports.green-mesh[0].domain_suffix 'imported.local' is ignored because import_as_local is true", "federation_imports")]),
    ("imports-required-fields", red(federation_imports={"green-mesh": [{"import_as_local": False}]}),
     [error("federation_imports.green-mesh[0].namespace is required (the exported service namespace or '*')", "federation_imports"),
      error("federation_imports.green-mesh[0].name is required (the exported service name or '*')", "federation_imports")]),
    ("imports-unknown-key", red(federation_imports={"green-mesh": [{"namespace": "bookinfo", "name": "ratings", "importAsLocal": True}]}),
     [error("federation_imports.green-mesh[0] has unknown key(s) 'importAsLocal'; an import rule takes type, namespace, name, alias, "
            "import_as_local, domain_suffix", "federation_imports")]),
    ("network-view-override", red(federation_requested_network_view={"green-mesh": ["green-network"]}),
     [warning("federation_requested_network_view.green-mesh ['green-network'] differs from ['network-green-mesh']: istiod puts green-mesh's "
              "endpoints on network 'network-green-mesh', so the egress gateway may not route to them", "federation_requested_network_view")]),
    ("network-view-type", red(federation_requested_network_view={"green-mesh": "network-green-mesh"}),
     [error("federation_requested_network_view.green-mesh must be a list of network names, got a string", "federation_requested_network_view")]),
    ("failover-type", red(federation_failover={"name": "x"}),
     [error("federation_failover must be a list of {name, namespace, host, from, to}, got a dict", "federation_failover")]),
    ("failover-required", red(federation_failover=[{"name": "default-failover", "namespace": "bookinfo", "host": "ratings.bookinfo.svc.cluster.local"}]),
     [error("federation_failover[0].from is required", "federation_failover"), error("federation_failover[0].to is required", "federation_failover")]),
    ("node-ports-range", red(federation_platform="baremetal", federation_node_ports={"green-mesh": {"discovery": 8188, "service": 30510}}),
     [error("federation_node_ports.green-mesh.discovery 8188 must be an integer in 30000-32767", "federation_node_ports")]),
    ("node-ports-missing", red(federation_platform="baremetal", federation_node_ports={"green-mesh": {"discovery": 32359}}),
     [error("federation_node_ports.green-mesh.service is required (a node port in 30000-32767)", "federation_node_ports")]),
    ("node-ports-type", red(federation_platform="baremetal", federation_node_ports=[32359, 30510]),
     [error("federation_node_ports must be a dict of peer name to {discovery, service}, got a list", "federation_node_ports")]),
    ("node-ports-not-a-peer", red(federation_platform="baremetal", federation_node_ports={"pink-mesh": {"discovery": 32359, "service": 30510}}),
     [error("federation_node_ports.pink-mesh: pink-mesh is not a mesh of the federation (meshes: red-mesh, green-mesh, blue-mesh)", "federation_node_ports")]),
    ("node-ports-with-load-balancer", red(federation_node_ports={"green-mesh": {"discovery": 32359, "service": 30510}}),
     [warning("federation_node_ports is ignored: federation_ingress_service_type is LoadBalancer", "federation_node_ports")]),
    ("node-ports-same-mesh", red(federation_platform="baremetal", federation_node_ports={"green-mesh": {"discovery": 32359, "service": 32359}}),
     [error("node port 32359 of federation_node_ports.green-mesh.discovery is also used by red-mesh federation_node_ports.green-mesh.service "
            "in the same cluster; node ports must be unique per cluster", "federation_node_ports"),
      error("node port 32359 of federation_node_ports.green-mesh.service is also used by red-mesh federation_node_ports.green-mesh.discovery "
            "in the same cluster; node ports must be unique per cluster", "federation_node_ports")]),
    ("node-port-base-range", red(federation_platform="baremetal", federation_node_port_base=40000),
     [error("federation_node_port_base must be an integer in 30000-32767, got 40000", "federation_node_port_base")]),
    ("node-port-base-room", red(federation_platform="baremetal", federation_node_port_base=32765),
     [error("federation_node_port_base 32765 leaves no room for 2 peers (two node ports each) below 32767; lower it or set federation_node_ports",
            "federation_node_port_base")]),
]


@pytest.mark.parametrize("hostvars, expected", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_rule(hostvars: dict[str, Any], expected: list[tuple[Any, ...]]) -> None:
    assert problems(hostvars, MESHES) == expected


def test_node_ports_unique_per_cluster_across_meshes() -> None:
    hostvars = reference_hostvars(
        red_mesh={"federation_platform": "baremetal", "federation_kubeconfig": "lab", "federation_context": "one"},
        green_mesh={"federation_platform": "ibmz", "federation_kubeconfig": "lab", "federation_context": "one"},
        blue_mesh={"federation_platform": "baremetal", "federation_kubeconfig": "lab", "federation_context": "two"},
    )
    found = problems(hostvars, MESHES)
    # red-mesh allocates 32100-32103 for blue-mesh and green-mesh; so does green-mesh (for blue-mesh and red-mesh)
    assert error(
        "node port 32100 of federation_node_ports.blue-mesh.discovery (allocated from federation_node_port_base) is also used by "
        "green-mesh federation_node_ports.blue-mesh.discovery (allocated from federation_node_port_base) in the same cluster; "
        "node ports must be unique per cluster", "federation_node_ports") in found
    assert len(found) == 8 and {p[0] for p in found} == {"red-mesh", "green-mesh"}
    # blue-mesh is another context of the same kubeconfig: another cluster; a different base resolves the clash
    hostvars["green-mesh"]["federation_node_port_base"] = 32200
    assert problems(hostvars, MESHES) == []


TOPOLOGY_CASES = [
    ("string", "star", [error("federation_topology must be 'full' or a list of [mesh, mesh] pairs, got a string 'star'", "federation_topology", None)]),
    ("pair-shape", [["red-mesh", "green-mesh"], "blue-mesh"],
     [error("federation_topology[1] must be a pair [mesh_a, mesh_b] of mesh names, got a string 'blue-mesh'", "federation_topology", None),
      warning("blue-mesh has no peer in federation_topology; it will not be federated", "federation_topology", "blue-mesh")]),
    ("unknown-mesh", [["red-mesh", "green-mesh"], ["blue-mesh", "pink-mesh"]],
     [error("federation_topology[1] names 'pink-mesh', which is not a mesh of the federation (meshes: red-mesh, green-mesh, blue-mesh)",
            "federation_topology", None),
      warning("blue-mesh has no peer in federation_topology; it will not be federated", "federation_topology", "blue-mesh")]),
    ("self-peering", [["red-mesh", "green-mesh"], ["green-mesh", "blue-mesh"], ["red-mesh", "red-mesh"]],
     [error("federation_topology[2] pairs red-mesh with itself; a mesh cannot peer with itself", "federation_topology", None)]),
]


@pytest.mark.parametrize("topology, expected", [case[1:] for case in TOPOLOGY_CASES], ids=[case[0] for case in TOPOLOGY_CASES])
def test_topology_rule(topology: Any, expected: list[tuple[Any, ...]]) -> None:
    assert problems(reference_hostvars(), MESHES, topology) == expected


def test_exports_and_imports_for_a_mesh_that_is_not_a_peer_by_topology() -> None:
    hostvars = red(federation_exports={"blue-mesh": []}, federation_imports={"blue-mesh": []})
    hostvars["red-mesh"]["federation_topology"] = [["red-mesh", "green-mesh"], ["green-mesh", "blue-mesh"]]
    assert problems(hostvars, MESHES) == [
        error("federation_exports.blue-mesh: blue-mesh is not a peer of red-mesh in federation_topology (peers: green-mesh)", "federation_exports"),
        error("federation_imports.blue-mesh: blue-mesh is not a peer of red-mesh in federation_topology (peers: green-mesh)", "federation_imports"),
    ]


def test_mesh_names() -> None:
    hostvars = {"Red_Mesh": {"federation_platform": "gcp", "federation_kubeconfig": "a"},
                "m" * 56: {"federation_platform": "gcp", "federation_kubeconfig": "b"}}
    assert problems(hostvars) == [
        error("inventory_hostname 'Red_Mesh' is not a valid mesh name: at most 55 lower-case letters, digits and '-', starting and ending "
              "with a letter or digit (so that 'ingress-<mesh>' fits in 63)", "inventory_hostname", "Red_Mesh"),
        error(f"inventory_hostname '{'m' * 56}' is not a valid mesh name: at most 55 lower-case letters, digits and '-', starting and ending "
              "with a letter or digit (so that 'ingress-<mesh>' fits in 63)", "inventory_hostname", "m" * 56),
    ]


def test_meshes_listed_twice_missing_or_too_few() -> None:
    assert problems(reference_hostvars(), ["red-mesh", "red-mesh", "pink-mesh"]) == [
        error("mesh red-mesh is listed more than once; mesh names must be unique", "federation_group"),
        error("no host variables found for pink-mesh; it must be a host of the inventory", "hostvars", "pink-mesh"),
        error("federation_platform is required: one of aws, azure, gcp, baremetal, ibmz, ibmpower", "federation_platform", "pink-mesh"),
    ]
    assert problems({"red-mesh": {"federation_platform": "gcp"}}) == [
        error("a federation needs at least two meshes, found 1 (red-mesh); add hosts to the 'federation' group", "federation_group", None),
    ]


def test_input_types() -> None:
    assert problems(["red-mesh"]) == [error("hostvars must be a dict of mesh name to host variables, got a list", "hostvars", None)]  # type: ignore[arg-type]
    assert problems(reference_hostvars(), "red-mesh") == [
        error("the meshes must be a list of inventory host names, got a string", "federation_group", None)]


def test_every_problem_at_once() -> None:
    hostvars = reference_hostvars(
        red_mesh={"federation_platform": "aro", "federation_trust_domain": "same.local",
                  "federation_imports": {"green-mesh": [{"type": "LabelSelector", "namespace": "bookinfo", "name": "ratings"}]}},
        green_mesh={"federation_platform": "osd", "federation_trust_domain": "same.local", "federation_locality": {"subzone": "a"}},
        blue_mesh={"federation_namespace": "Blue", "federation_exports": {"blue-mesh": []}},
    )
    found = [str(problem) for problem in validate_federation(hostvars, MESHES)]
    assert found == [
        f"red-mesh: federation_platform 'aro': federation is not supported on Azure Red Hat OpenShift (ARO); supported platforms: {SUPPORTED}",
        "red-mesh: federation_imports.green-mesh[0].type 'LabelSelector' is ignored by istiod: import rules must be NameSelector",
        f"green-mesh: federation_platform 'osd': federation is not supported on OpenShift Dedicated; supported platforms: {SUPPORTED}",
        "green-mesh: federation_locality has subzone 'a' but no zone; istiod ignores a subzone without a zone",
        f"blue-mesh: federation_namespace 'Blue' must be a DNS-1123 label: {LABEL}",
        "blue-mesh: federation_exports.blue-mesh: a mesh cannot export to itself",
        "red-mesh: federation_trust_domain 'same.local' is also used by green-mesh; trust domains must be unique in the federation",
        "green-mesh: federation_trust_domain 'same.local' is also used by red-mesh; trust domains must be unique in the federation",
    ]
    with pytest.raises(FederationModelError) as raised:
        parse_federation(hostvars, MESHES)
    assert len(raised.value.problems) == 8
    assert str(raised.value).startswith("invalid federation model:\n- red-mesh: federation_platform 'aro'")


def test_warnings_do_not_stop_parsing() -> None:
    hostvars = red(federation_requested_network_view={"green-mesh": ["green-network"]})
    assert [p.severity for p in validate_federation(hostvars, MESHES)] == ["warning"]
    assert str(validate_federation(hostvars, MESHES)[0]).startswith("warning: red-mesh: federation_requested_network_view.green-mesh")
    assert parse_federation(hostvars, MESHES).mesh("red-mesh").network_view("green-mesh") == ["green-network"]


def test_problem_as_dict() -> None:
    problem = Problem("red-mesh", "federation_platform", "federation_platform is required")
    assert problem.to_dict() == {"mesh": "red-mesh", "variable": "federation_platform", "message": "federation_platform is required",
                                 "severity": "error", "text": "red-mesh: federation_platform is required"}
