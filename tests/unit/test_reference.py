# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every example of the reference federation procedure, rebuilt by the builders field by field.

The expected documents are transcribed from the procedure. The one deliberate difference is the egress
``requestedNetworkView``: istiod puts a peer's endpoints on ``network-<ServiceMeshPeer name>``, so the
builders write ``network-green-mesh`` where the procedure shows ``green-network``.
"""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import names, resources, status
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.model import parse_federation
from ansible_collections.servicemesh.federation.tests.unit.helpers import load, pem, reference_hostvars, without_ours

MESHES = ["red-mesh", "green-mesh", "blue-mesh"]

RED_SMCP = """
apiVersion: maistra.io/v2
kind: ServiceMeshControlPlane
metadata:
  name: red-mesh
  namespace: red-mesh-system
spec:
  version: v2.3
  runtime:
    defaults:
      container:
        imagePullPolicy: Always
  gateways:
    additionalEgress:
      egress-green-mesh:
        enabled: true
        requestedNetworkView:
        - green-network
        routerMode: sni-dnat
        service:
          metadata:
            labels:
              federation.maistra.io/egress-for: egress-green-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: http-discovery  #note HTTP here
      egress-blue-mesh:
        enabled: true
        requestedNetworkView:
        - blue-network
        routerMode: sni-dnat
        service:
          metadata:
            labels:
              federation.maistra.io/egress-for: egress-blue-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: http-discovery  #note HTTP here
    additionalIngress:
      ingress-green-mesh:
        enabled: true
        routerMode: sni-dnat
        service:
          type: LoadBalancer
          metadata:
            labels:
              federation.maistra.io/ingress-for: ingress-green-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: https-discovery  #note HTTPS here
      ingress-blue-mesh:
        enabled: true
        routerMode: sni-dnat
        service:
          type: LoadBalancer
          metadata:
            labels:
              federation.maistra.io/ingress-for: ingress-blue-mesh
          ports:
          - port: 15443
            name: tls
          - port: 8188
            name: https-discovery  #note HTTPS here
  security:
    trust:
      domain: red-mesh.local
"""

NODEPORT_SAMPLE = """
  gateways:
     additionalIngress:
      ingress-green-mesh:
        enabled: true
        routerMode: sni-dnat
        service:
          type: NodePort
          metadata:
            labels:
              federation.maistra.io/ingress-for: ingress-green-mesh
          ports:
          - port: 15443
            nodePort: 30510
            name: tls
          - port: 8188
            nodePort: 32359
            name: https-discovery
"""

RED_TO_GREEN_PEER = """
kind: ServiceMeshPeer
apiVersion: federation.maistra.io/v1
metadata:
  name: green-mesh
  namespace: red-mesh-system
spec:
  remote:
    addresses:
    - ingress-red-mesh.green-mesh-system.apps.domain.com
  gateways:
    ingress:
      name: ingress-green-mesh
    egress:
      name: egress-green-mesh
  security:
    trustDomain: green-mesh.local
    clientID: green-mesh.local/ns/green-mesh-system/sa/egress-red-mesh-service-account
    certificateChain:
      kind: ConfigMap
      name: green-mesh-ca-root-cert
"""

PEER_STATUS = """
status:
  discoveryStatus:
    active:
    - pod: istiod-red-mesh-b65457658-9wq5j
      remotes:
      - connected: true
        lastConnected: "2021-10-05T13:02:25Z"
        lastFullSync: "2021-10-05T13:02:25Z"
        source: 10.128.2.149
      watch:
        connected: true
        lastConnected: "2021-10-05T13:02:55Z"
        lastDisconnectStatus: 503 Service Unavailable
        lastFullSync: "2021-10-05T13:05:43Z"
"""


def red_mesh_federation(**red: Any):
    return parse_federation(reference_hostvars(red_mesh=red), MESHES)


def test_red_mesh_smcp_federation_fields() -> None:
    reference = load(RED_SMCP)
    for peer in ("green-mesh", "blue-mesh"):
        reference["spec"]["gateways"]["additionalEgress"][f"egress-{peer}"]["requestedNetworkView"] = [f"network-{peer}"]
    fragment = resources.smcp_fragment(red_mesh_federation().mesh("red-mesh"))
    assert fragment["apiVersion"] == reference["apiVersion"]
    assert fragment["kind"] == reference["kind"]
    assert fragment["metadata"] == reference["metadata"]
    assert fragment["spec"] == {"gateways": reference["spec"]["gateways"], "security": reference["spec"]["security"]}
    # the fields the SMCP owner manages stay out of the fragment
    assert "version" not in fragment["spec"] and "runtime" not in fragment["spec"]
    assert list(fragment["spec"]["gateways"]["additionalEgress"]) == ["egress-green-mesh", "egress-blue-mesh"]


def test_network_view_override_is_kept_but_the_default_is_network_peer() -> None:
    federation = red_mesh_federation(federation_requested_network_view={"green-mesh": ["green-network"]})
    egress = resources.smcp_fragment(federation.mesh("red-mesh"))["spec"]["gateways"]["additionalEgress"]
    assert egress["egress-green-mesh"]["requestedNetworkView"] == ["green-network"]
    assert egress["egress-blue-mesh"]["requestedNetworkView"] == ["network-blue-mesh"]


def test_nodeport_sample() -> None:
    reference = load(NODEPORT_SAMPLE)
    federation = red_mesh_federation(federation_platform="baremetal",
                                     federation_node_ports={"green-mesh": {"discovery": 32359, "service": 30510}})
    fragment = resources.smcp_fragment(federation.mesh("red-mesh"))
    assert fragment["spec"]["gateways"]["additionalIngress"]["ingress-green-mesh"] == reference["gateways"]["additionalIngress"]["ingress-green-mesh"]


def test_red_to_green_service_mesh_peer() -> None:
    root = pem("root-cert.pem")
    peer = resources.PeerData(name="green-mesh", root_cert=root, addresses=["ingress-red-mesh.green-mesh-system.apps.domain.com"])
    federation = red_mesh_federation()
    built = resources.service_mesh_peer(federation.mesh("red-mesh"), peer, federation)
    assert without_ours(built) == load(RED_TO_GREEN_PEER)
    assert built["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "servicemesh.federation"}
    # openssl x509 -noout -fingerprint -sha256 of the fixture
    fingerprint = "cd973c26ed225dda9b88bdfbf0b6a8e4cf29932b82f39d4618f10b9f6014be3b"
    assert built["metadata"]["annotations"] == {"federation.servicemesh.io/root-cert-sha256": fingerprint}


def test_green_root_cert_configmap_in_red_mesh() -> None:
    root = pem("root-cert.pem")
    peer = resources.PeerData(name="green-mesh", root_cert=root, addresses=["198.51.100.7"])
    built = resources.ca_root_configmap(red_mesh_federation().mesh("red-mesh"), peer)
    assert without_ours(built) == {
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "green-mesh-ca-root-cert", "namespace": "red-mesh-system"},
        "data": {"root-cert.pem": root},
    }


def test_peer_status_of_the_reference_is_connected_both_ways() -> None:
    peer = load(RED_TO_GREEN_PEER)
    peer.update(load(PEER_STATUS))
    assert status.peer_outbound_connected(peer)
    assert status.peer_inbound_connected(peer)
    assert status.peer_connected(peer)


def test_logs_to_read_when_red_cannot_reach_green() -> None:
    assert status.troubleshooting_logs("red-mesh", "green-mesh", "red-mesh-system", "green-mesh-system") == [
        "istiod-red-mesh in red-mesh-system", "egress-green-mesh in red-mesh-system", "ingress-red-mesh in green-mesh-system"]


EXPORT_EXAMPLES = [
    (
        "green-mesh",
        [
            {"type": "NameSelector", "namespace": "red-mesh-bookinfo", "name": "red-ratings", "alias": {"namespace": "bookinfo", "name": "ratings"}},
            {"type": "LabelSelector", "namespace": "red-mesh-bookinfo", "selector": {"matchLabels": {"export-service": "true"}},
             "aliases": [{"namespace": "*", "name": "*", "alias": {"namespace": "bookinfo"}}]},
        ],
        """
kind: ExportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: green-mesh
  namespace: red-mesh-system
spec:
  exportRules:
  # export ratings.mesh-x-bookinfo as ratings.bookinfo
  - type: NameSelector
    nameSelector:
      namespace: red-mesh-bookinfo
      name: red-ratings
      alias:
        namespace: bookinfo
        name: ratings
  # export any service in red-mesh-bookinfo namespace with label export-service=true
  - type: LabelSelector
    labelSelector:
      namespace: red-mesh-bookinfo
      selector:
        matchLabels:
          export-service: "true"
      aliases: # export all matching services as if they were in the bookinfo namespace
      - namespace: "*"
        name: "*"
        alias:
          namespace: bookinfo
""",
    ),
    (
        "blue-mesh",
        [{"namespace": "*", "name": "ratings"}],
        """
kind: ExportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: blue-mesh
  namespace: red-mesh-system
spec:
  exportRules:
  - type: NameSelector
    nameSelector:
      namespace: "*"
      name: ratings
""",
    ),
    (
        "green-mesh",
        [{"type": "NameSelector", "namespace": "west-data-center", "name": "*"}],
        """
kind: ExportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: green-mesh
  namespace: red-mesh-system
spec:
  exportRules:
  - type: NameSelector
    nameSelector:
      namespace: west-data-center
      name: "*"
""",
    ),
    (
        "green-mesh",
        [
            {"namespace": "red-mesh-bookinfo", "name": "ratings", "alias": {"namespace": "bookinfo", "name": "red-ratings"}},
            {"namespace": "red-mesh-bookinfo", "name": "reviews"},
        ],
        """
apiVersion: federation.maistra.io/v1
kind: ExportedServiceSet
metadata:
  name: green-mesh
  namespace: red-mesh-system
spec:
  exportRules:
  - type: NameSelector
    nameSelector:
      namespace: red-mesh-bookinfo
      name: ratings
      alias:
        namespace: bookinfo
        name: red-ratings
  - type: NameSelector
    nameSelector:
      namespace: red-mesh-bookinfo
      name: reviews
""",
    ),
]


@pytest.mark.parametrize("peer, rules, expected", EXPORT_EXAMPLES, ids=["name-and-label", "all-namespaces", "west-data-center", "procedure"])
def test_exported_service_set_examples(peer: str, rules: list[dict[str, Any]], expected: str) -> None:
    federation = red_mesh_federation(federation_exports={peer: rules})
    assert without_ours(resources.exported_service_set(federation.mesh("red-mesh"), peer)) == load(expected)


IMPORT_EXAMPLES = [
    (
        "green-mesh",
        [{"type": "NameSelector", "import_as_local": False, "namespace": "bookinfo", "name": "ratings", "alias": {"namespace": "bookinfo", "name": "ratings"}}],
        """
kind: ImportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: red-mesh #name of mesh that exported the service
  namespace: green-mesh-system #mesh namespace that service is being imported into
spec:
  importRules: # first matching rule is used
  # import ratings.bookinfo as ratings.bookinfo
  - type: NameSelector
    importAsLocal: false
    nameSelector:
      namespace: bookinfo
      name: ratings
      alias:
        # service will be imported as ratings.bookinfo.svc.red-mesh-imports.local
        namespace: bookinfo
        name: ratings
""",
    ),
    (
        "blue-mesh",
        [{"namespace": "bookinfo", "name": "ratings"}],
        """
kind: ImportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: red-mesh
  namespace: blue-mesh-system
spec:
  importRules:
  - type: NameSelector
    importAsLocal: false
    nameSelector:
      namespace: bookinfo
      name: ratings
""",
    ),
    (
        "green-mesh",
        [{"namespace": "west-data-center", "name": "*", "import_as_local": False}],
        """
kind: ImportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: red-mesh
  namespace: green-mesh-system
spec:
  importRules:
  - type: NameSelector
    importAsLocal: false
    nameSelector:
      namespace: west-data-center
      name: "*"
""",
    ),
    (
        "green-mesh",
        [{"namespace": "bookinfo", "name": "red-ratings", "alias": {"namespace": "bookinfo", "name": "ratings"}}],
        """
kind: ImportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: red-mesh
  namespace: green-mesh-system
spec:
  importRules:
  - type: NameSelector
    importAsLocal: false
    nameSelector:
      namespace: bookinfo
      name: red-ratings
      alias:
        namespace: bookinfo
        name: ratings
""",
    ),
]


@pytest.mark.parametrize("importer, rules, expected", IMPORT_EXAMPLES, ids=["green-alias", "blue", "west-data-center", "procedure"])
def test_imported_service_set_examples(importer: str, rules: list[dict[str, Any]], expected: str) -> None:
    hostvars = reference_hostvars()
    hostvars[importer]["federation_imports"] = {"red-mesh": rules}
    federation = parse_federation(hostvars, MESHES)
    assert without_ours(resources.imported_service_set(federation.mesh(importer), "red-mesh", federation)) == load(expected)


FAILOVER_IMPORT = """
kind: ImportedServiceSet
apiVersion: federation.maistra.io/v1
metadata:
  name: red-mesh #name of mesh that exported the service
  namespace: green-mesh-system #mesh namespace that service is being imported into
spec:
  importRules: # first matching rule is used
  # import ratings.bookinfo as ratings.bookinfo
  - type: NameSelector
    importAsLocal: true
    nameSelector:
      namespace: bookinfo
      name: ratings
      alias:
        # service will be imported as ratings.bookinfo.svc.red-mesh-imports.local
        namespace: bookinfo
        name: ratings
  #Locality within which imported services should be associated.
  locality:
    region: us-west
"""

FAILOVER_RULE = """
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata:
  name: default-failover
  namespace: bookinfo
spec:
  host: "ratings.bookinfo.svc.cluster.local"
  trafficPolicy:
    loadBalancer:
      localityLbSetting:
        enabled: true
        failover:
          - from: us-east
            to: us-west
    outlierDetection:
      consecutive5xxErrors: 3
      interval: 10s
      baseEjectionTime: 1m
"""

FAILOVER_GREEN = {
    "federation_locality": {"region": "us-east"},
    "federation_imports": {"red-mesh": [{"namespace": "bookinfo", "name": "ratings", "import_as_local": True,
                                         "alias": {"namespace": "bookinfo", "name": "ratings"}}]},
    "federation_failover": [{"name": "default-failover", "namespace": "bookinfo", "host": "ratings.bookinfo.svc.cluster.local",
                             "from": "us-east", "to": "us-west"}],
}


@pytest.mark.parametrize("locality_source", ["explicit", "from-peer-locality"])
def test_failover_imported_service_set(locality_source: str) -> None:
    green = dict(FAILOVER_GREEN)
    red: dict[str, Any] = {"federation_locality": {"region": "us-west"}}
    if locality_source == "explicit":
        green["federation_imports_locality"] = {"red-mesh": {"region": "us-west"}}
        red = {}
    federation = parse_federation(reference_hostvars(green_mesh=green, red_mesh=red), MESHES)
    assert without_ours(resources.imported_service_set(federation.mesh("green-mesh"), "red-mesh", federation)) == load(FAILOVER_IMPORT)


def test_no_locality_without_import_as_local() -> None:
    federation = parse_federation(reference_hostvars(red_mesh={"federation_locality": {"region": "us-west"}},
                                                     green_mesh={"federation_imports": {"red-mesh": [{"namespace": "bookinfo", "name": "ratings"}]}}),
                                  MESHES)
    assert "locality" not in resources.imported_service_set(federation.mesh("green-mesh"), "red-mesh", federation)["spec"]


def test_failover_destination_rule() -> None:
    federation = parse_federation(reference_hostvars(green_mesh=FAILOVER_GREEN), MESHES)
    rules = resources.failover_destination_rules(federation.mesh("green-mesh"))
    assert [without_ours(rule) for rule in rules] == [load(FAILOVER_RULE)]
    assert rules[0]["metadata"]["labels"] == {"app.kubernetes.io/managed-by": "servicemesh.federation"}


EXPORTED_STATUS = """
status:
  exportedServices:
  - exportedName: red-ratings.bookinfo.svc.green-mesh-exports.local
    localService:
      hostname: ratings.red-mesh-bookinfo.svc.cluster.local
      name: ratings
      namespace: red-mesh-bookinfo
  - exportedName: reviews.red-mesh-bookinfo.svc.green-mesh-exports.local
    localService:
      hostname: reviews.red-mesh-bookinfo.svc.cluster.local
      name: reviews
      namespace: red-mesh-bookinfo
"""

IMPORTED_STATUS = """
status:
  importedServices:
  - exportedName: red-ratings.bookinfo.svc.green-mesh-exports.local
    localService:
      hostname: ratings.bookinfo.svc.red-mesh-imports.local
      name: ratings
      namespace: bookinfo
  - exportedName: reviews.red-mesh-bookinfo.svc.green-mesh-exports.local
    localService:
      hostname: ""
      name: ""
      namespace: ""
"""


def test_names_in_the_exported_service_set_status() -> None:
    federation = red_mesh_federation(federation_exports={"green-mesh": EXPORT_EXAMPLES[3][1]})
    expected = resources.expected_exports(federation.mesh("red-mesh"), "green-mesh")
    assert expected == ["red-ratings.bookinfo.svc.green-mesh-exports.local", "reviews.red-mesh-bookinfo.svc.green-mesh-exports.local"]
    reported = load(EXPORTED_STATUS)["status"]["exportedServices"]
    assert [entry["exportedName"] for entry in reported] == expected
    assert [entry["localService"]["hostname"] for entry in reported] == [
        names.local_service_host("ratings", "red-mesh-bookinfo"), names.local_service_host("reviews", "red-mesh-bookinfo")]
    service_set = {"kind": "ExportedServiceSet", "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"}, **load(EXPORTED_STATUS)}
    assert status.services_exported(service_set, expected)


def test_names_in_the_imported_service_set_status() -> None:
    hostvars = reference_hostvars(green_mesh={"federation_imports": {"red-mesh": IMPORT_EXAMPLES[3][1]}})
    federation = parse_federation(hostvars, MESHES)
    expected = resources.expected_imports(federation.mesh("green-mesh"), "red-mesh")
    assert expected == ["ratings.bookinfo.svc.red-mesh-imports.local"]
    service_set = {"kind": "ImportedServiceSet", "metadata": {"name": "red-mesh", "namespace": "green-mesh-system"}, **load(IMPORTED_STATUS)}
    assert status.services_imported(service_set, expected)
    # reviews is offered by red-mesh but matched by no import rule: it is not imported
    verdict = status.services_imported(service_set, expected + ["reviews.red-mesh-bookinfo.svc.red-mesh-imports.local"])
    assert not verdict
    assert verdict.reason == (
        "ImportedServiceSet red-mesh in green-mesh-system: not imported yet: reviews.red-mesh-bookinfo.svc.red-mesh-imports.local; "
        "check that the peer exports them and that an import rule matches their exported names")
    exported = [entry["exportedName"] for entry in service_set["status"]["importedServices"]]
    assert exported == [names.exported_name("red-ratings", "bookinfo", "green-mesh"), names.exported_name("reviews", "red-mesh-bookinfo", "green-mesh")]


def test_names_the_procedure_text_spells_out() -> None:
    assert names.exported_name("ratings", "bookinfo", "green-mesh") == "ratings.bookinfo.svc.green-mesh-exports.local"
    assert names.imported_name("ratings", "bookinfo", "red-mesh") == "ratings.bookinfo.svc.red-mesh-imports.local"
    assert names.imported_name("ratings", "bookinfo", "red-mesh", import_as_local=True) == "ratings.bookinfo.svc.cluster.local"
    assert names.imported_name("bar", "other-mesh", "red-mesh", domain_suffix="imported.local") == "bar.other-mesh.imported.local"
    assert names.imported_name("x", "west-data-center", "red-mesh") == "x.west-data-center.svc.red-mesh-imports.local"
    assert names.remote_name("red-ratings", "bookinfo", "red-mesh") == "red-ratings.bookinfo.svc.red-mesh.remote"


def test_six_peers_for_three_meshes_as_the_procedure_lists() -> None:
    federation = parse_federation(reference_hostvars(), MESHES)
    assert federation.pairs() == [
        ("red-mesh", "green-mesh"), ("red-mesh", "blue-mesh"),
        ("green-mesh", "red-mesh"), ("green-mesh", "blue-mesh"),
        ("blue-mesh", "red-mesh"), ("blue-mesh", "green-mesh"),
    ]
