# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filters through ``FilterModule().filters()``, including their error messages."""

from __future__ import annotations

import importlib
from typing import Any, Callable

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.tests.unit.helpers import pem, reference_hostvars

FILTERS = ["gateway_names", "client_id", "exported_name", "imported_name", "remote_name", "peer_pairs", "mesh_peers",
           "validate_federation", "mesh_model", "mesh_resources", "cert_fingerprint"]
MESHES = ["red-mesh", "green-mesh", "blue-mesh"]


def get(name: str) -> Callable[..., Any]:
    module = importlib.import_module(f"ansible_collections.servicemesh.federation.plugins.filter.{name}")
    filters = module.FilterModule().filters()
    assert list(filters) == [name]
    return filters[name]


@pytest.mark.parametrize("name", FILTERS)
def test_every_filter_is_documented(name: str) -> None:
    import yaml  # pylint: disable=import-outside-toplevel

    module = importlib.import_module(f"ansible_collections.servicemesh.federation.plugins.filter.{name}")
    documentation = yaml.safe_load(module.DOCUMENTATION)
    assert documentation["name"] == name
    assert f"servicemesh.federation.{name}" in module.EXAMPLES
    assert "_value" in yaml.safe_load(module.RETURN)


def test_gateway_names() -> None:
    assert get("gateway_names")("green-mesh") == {
        "ingress": "ingress-green-mesh", "egress": "egress-green-mesh",
        "ingress_labels": {"federation.maistra.io/ingress-for": "ingress-green-mesh"},
        "egress_labels": {"federation.maistra.io/egress-for": "egress-green-mesh"},
        "egress_service_account": "egress-green-mesh-service-account", "network_view": "network-green-mesh",
        "ca_root_configmap": "green-mesh-ca-root-cert", "peer_resource": "green-mesh",
    }


def test_names() -> None:
    assert get("client_id")("green-mesh.local", "green-mesh-system", "red-mesh") == "green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account"
    assert get("exported_name")("red-ratings", "bookinfo", "green-mesh") == "red-ratings.bookinfo.svc.green-mesh-exports.local"
    assert get("imported_name")("ratings", "bookinfo", "red-mesh") == "ratings.bookinfo.svc.red-mesh-imports.local"
    assert get("imported_name")("ratings", "bookinfo", "red-mesh", import_as_local=True) == "ratings.bookinfo.svc.cluster.local"
    assert get("imported_name")("bar", "other-mesh", "red-mesh", domain_suffix="imported.local") == "bar.other-mesh.imported.local"
    assert get("remote_name")("red-ratings", "bookinfo", "red-mesh") == "red-ratings.bookinfo.svc.red-mesh.remote"


def test_topology_filters() -> None:
    assert get("peer_pairs")(["red-mesh", "green-mesh"]) == [["red-mesh", "green-mesh"], ["green-mesh", "red-mesh"]]
    assert len(get("peer_pairs")(MESHES, "full")) == 6
    assert get("peer_pairs")(MESHES, [["red-mesh", "blue-mesh"]]) == [["red-mesh", "blue-mesh"], ["blue-mesh", "red-mesh"]]
    assert get("mesh_peers")("red-mesh", MESHES) == ["green-mesh", "blue-mesh"]
    assert get("mesh_peers")("green-mesh", MESHES, [["red-mesh", "green-mesh"]]) == ["red-mesh"]


def test_validate_federation_filter() -> None:
    validate = get("validate_federation")
    assert validate(reference_hostvars(), MESHES) == []
    found = validate(reference_hostvars(red_mesh={"federation_platform": "osd"}), MESHES)
    assert found == [{
        "mesh": "red-mesh", "variable": "federation_platform", "severity": "error",
        "message": "federation_platform 'osd': federation is not supported on OpenShift Dedicated; supported platforms: "
                   "aws, azure, gcp, baremetal, ibmz, ibmpower",
        "text": "red-mesh: federation_platform 'osd': federation is not supported on OpenShift Dedicated; supported platforms: "
                "aws, azure, gcp, baremetal, ibmz, ibmpower",
    }]


def test_mesh_model_filter() -> None:
    hostvars = reference_hostvars(green_mesh={"federation_platform": "baremetal"})
    model = get("mesh_model")(hostvars, "green-mesh", MESHES)
    assert model["namespace"] == "green-mesh-system"
    assert model["smcp_name"] == "green-mesh"
    assert model["trust_domain"] == "green-mesh.local"
    assert model["ingress_service_type"] == "NodePort"
    assert model["peers"] == ["red-mesh", "blue-mesh"]
    assert model["node_ports"] == {"red-mesh": {"discovery": 32102, "service": 32103}, "blue-mesh": {"discovery": 32100, "service": 32101}}
    assert model["network_views"] == {"red-mesh": ["network-red-mesh"], "blue-mesh": ["network-blue-mesh"]}


def test_mesh_resources_filter() -> None:
    peers = {"green-mesh": {"root_cert": pem("root-cert.pem"), "addresses": "ingress-red-mesh.green-mesh-system.apps.domain.com"}}
    result = get("mesh_resources")(reference_hostvars(), "red-mesh", peers, MESHES)
    assert result["pending_peers"] == ["blue-mesh"]
    assert [item["metadata"]["name"] for item in result["servicemeshpeers"]] == ["green-mesh"]
    assert [item["metadata"]["name"] for item in result["configmaps"]] == ["green-mesh-ca-root-cert"]
    assert [item["metadata"]["name"] for item in result["exportedservicesets"]] == ["green-mesh", "blue-mesh"]
    assert result["smcp"]["metadata"] == {"name": "red-mesh", "namespace": "red-mesh-system"}


def test_cert_fingerprint_filter() -> None:
    assert get("cert_fingerprint")(pem("root-cert.pem")) == "cd973c26ed225dda9b88bdfbf0b6a8e4cf29932b82f39d4618f10b9f6014be3b"


ERRORS = [
    ("gateway_names", (42,), {}, "servicemesh.federation.gateway_names: the input (the peer mesh name) must be a string, got an integer"),
    ("gateway_names", ("",), {}, "servicemesh.federation.gateway_names: the input (the peer mesh name) must not be empty"),
    ("client_id", ("green-mesh.local", None, "red-mesh"), {}, "servicemesh.federation.client_id: peer_namespace must be a string, got nothing (null)"),
    ("exported_name", ("ratings", ["bookinfo"], "green-mesh"), {}, "servicemesh.federation.exported_name: namespace must be a string, got a list"),
    ("imported_name", ("ratings", "bookinfo", "red-mesh"), {"import_as_local": "yes"},
     "servicemesh.federation.imported_name: import_as_local must be true or false, got a string"),
    ("remote_name", ("ratings", "bookinfo", 1), {}, "servicemesh.federation.remote_name: peer must be a string, got an integer"),
    ("peer_pairs", ("red-mesh",), {}, "servicemesh.federation.peer_pairs: the input (the mesh names) must be a list of strings, got a string"),
    ("peer_pairs", (MESHES, "ring"), {}, "servicemesh.federation.peer_pairs: topology must be 'full' or a list of [mesh, mesh] pairs, got a string 'ring'"),
    ("peer_pairs", (MESHES, [["red-mesh"]]), {},
     "servicemesh.federation.peer_pairs: topology[0] must be a pair [mesh_a, mesh_b] of mesh names, got ['red-mesh']"),
    ("mesh_peers", ("pink-mesh", MESHES), {}, "servicemesh.federation.mesh_peers: pink-mesh is not one of the meshes (red-mesh, green-mesh, blue-mesh)"),
    ("validate_federation", (["red-mesh"],), {}, "servicemesh.federation.validate_federation: the input (hostvars) must be a dict, got a list"),
    ("validate_federation", ({}, []), {},
     "servicemesh.federation.validate_federation: meshes must list at least one mesh (for example groups['federation'])"),
    ("mesh_model", (reference_hostvars(), "pink-mesh", MESHES), {},
     "servicemesh.federation.mesh_model: 'pink-mesh' is not a mesh of the federation (meshes: red-mesh, green-mesh, blue-mesh)"),
    ("mesh_model", (reference_hostvars(red_mesh={"federation_platform": "aro"}), "red-mesh", MESHES), {},
     "servicemesh.federation.mesh_model: invalid federation model:\n- red-mesh: federation_platform 'aro': federation is not supported on "
     "Azure Red Hat OpenShift (ARO); supported platforms: aws, azure, gcp, baremetal, ibmz, ibmpower"),
    ("mesh_resources", (reference_hostvars(), "red-mesh", {"green-mesh": "10.0.0.1"}, MESHES), {},
     "servicemesh.federation.mesh_resources: peers.green-mesh must be a dict, got a string"),
    ("mesh_resources", (reference_hostvars(), "red-mesh", {"green-mesh": {"addresses": [1]}}, MESHES), {},
     "servicemesh.federation.mesh_resources: peers.green-mesh.addresses[0] must be a string, got an integer"),
    ("cert_fingerprint", ("not a certificate",), {}, "servicemesh.federation.cert_fingerprint: no PEM certificate (-----BEGIN CERTIFICATE-----) found"),
]


@pytest.mark.parametrize("name, args, kwargs, message", ERRORS, ids=[f"{case[0]}-{index}" for index, case in enumerate(ERRORS)])
def test_filter_errors(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(AnsibleFilterError) as raised:
        get(name)(*args, **kwargs)
    assert raised.value.message == message
