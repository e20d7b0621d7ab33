# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Every name of a federation, computed in one place.

For mesh M federating with peer P, M's control plane namespace holds the gateways ``ingress-P`` and
``egress-P``, the ConfigMap ``P-ca-root-cert``, and the ServiceMeshPeer, ExportedServiceSet and
ImportedServiceSet named ``P``.
"""

from __future__ import annotations

from typing import Any

FIELD_MANAGER = "servicemesh.federation"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "servicemesh.federation"
ROOT_CERT_ANNOTATION = "federation.servicemesh.io/root-cert-sha256"
ROOT_CERT_KEY = "root-cert.pem"
ISTIO_CA_ROOT_CERT_CONFIGMAP = "istio-ca-root-cert"

SMCP_API_VERSION = "maistra.io/v2"
FEDERATION_API_VERSION = "federation.maistra.io/v1"
DESTINATION_RULE_API_VERSION = "networking.istio.io/v1beta1"

EGRESS_FOR_LABEL = "federation.maistra.io/egress-for"
INGRESS_FOR_LABEL = "federation.maistra.io/ingress-for"
AWS_LOAD_BALANCER_TYPE_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-type"
AWS_LOAD_BALANCER_TYPE = "nlb"

ROUTER_MODE = "sni-dnat"
SERVICE_PORT = 15443
DISCOVERY_PORT = 8188
SERVICE_PORT_NAME = "tls"
EGRESS_DISCOVERY_PORT_NAME = "http-discovery"
INGRESS_DISCOVERY_PORT_NAME = "https-discovery"

CLUSTER_DOMAIN_SUFFIX = "svc.cluster.local"
NODE_PORT_MIN = 30000
NODE_PORT_MAX = 32767
DEFAULT_NODE_PORT_BASE = 32100


def managed_by_labels() -> dict[str, str]:
    """Labels carried by everything the collection creates."""
    return {MANAGED_BY_LABEL: MANAGED_BY_VALUE}


def default_namespace(mesh: str) -> str:
    """Default control plane namespace of a mesh."""
    return f"{mesh}-system"


def default_smcp_name(mesh: str) -> str:
    """Default ServiceMeshControlPlane name of a mesh."""
    return mesh


def default_trust_domain(mesh: str) -> str:
    """Default trust domain of a mesh."""
    return f"{mesh}.local"


def ingress_gateway(peer: str) -> str:
    """Name of the federation ingress gateway (and its Service) serving ``peer``."""
    return f"ingress-{peer}"


def egress_gateway(peer: str) -> str:
    """Name of the federation egress gateway (and its Service) sending to ``peer``."""
    return f"egress-{peer}"


def ingress_gateway_labels(peer: str) -> dict[str, str]:
    """Labels of the ingress gateway Service serving ``peer``."""
    return {INGRESS_FOR_LABEL: ingress_gateway(peer)}


def egress_gateway_labels(peer: str) -> dict[str, str]:
    """Labels of the egress gateway Service sending to ``peer``."""
    return {EGRESS_FOR_LABEL: egress_gateway(peer)}


def egress_service_account(peer: str) -> str:
    """Service account of the egress gateway sending to ``peer``."""
    return f"{egress_gateway(peer)}-service-account"


def egress_ports() -> list[dict[str, Any]]:
    """Ports of a federation egress gateway Service (discovery is plain HTTP on the egress side)."""
    return [
        {"port": SERVICE_PORT, "name": SERVICE_PORT_NAME},
        {"port": DISCOVERY_PORT, "name": EGRESS_DISCOVERY_PORT_NAME},
    ]


def ingress_ports(discovery_node_port: int | None = None, service_node_port: int | None = None) -> list[dict[str, Any]]:
    """Ports of a federation ingress gateway Service, with explicit node ports for a NodePort Service."""
    tls: dict[str, Any] = {"port": SERVICE_PORT}
    discovery: dict[str, Any] = {"port": DISCOVERY_PORT}
    if service_node_port is not None:
        tls["nodePort"] = service_node_port
    if discovery_node_port is not None:
        discovery["nodePort"] = discovery_node_port
    tls["name"] = SERVICE_PORT_NAME
    discovery["name"] = INGRESS_DISCOVERY_PORT_NAME
    return [tls, discovery]


def network_view(peer: str) -> str:
    """Network on which istiod puts the endpoints of ``peer`` (named after the ServiceMeshPeer)."""
    return f"network-{peer}"


def ca_root_configmap(peer: str) -> str:
    """ConfigMap holding the root certificate of ``peer`` (key ``root-cert.pem``)."""
    return f"{peer}-ca-root-cert"


def peer_resource_name(peer: str) -> str:
    """Name of the ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet for ``peer``."""
    return peer


def client_id(peer_trust_domain: str, peer_namespace: str, mesh: str) -> str:
    """Identity presented by the peer's egress gateway when it calls ``mesh``.

    It is written into ``mesh``'s ServiceMeshPeer for the peer; a wrong value is turned into a deny rule.
    """
    return f"{peer_trust_domain}/ns/{peer_namespace}/sa/{egress_service_account(mesh)}"


def spiffe_id(trust_domain: str, namespace: str, service_account: str) -> str:
    """SPIFFE URI of a workload identity."""
    return f"spiffe://{trust_domain}/ns/{namespace}/sa/{service_account}"


def exports_domain_suffix(peer: str) -> str:
    """Domain suffix of the names under which a mesh exports services to ``peer``."""
    return f"svc.{peer}-exports.local"


def imports_domain_suffix(exporting_mesh: str) -> str:
    """Default domain suffix of services imported from ``exporting_mesh``."""
    return f"svc.{exporting_mesh}-imports.local"


def exported_name(name: str, namespace: str, peer: str) -> str:
    """Host name of a service exported to ``peer`` (``name`` and ``namespace`` after the export alias)."""
    return f"{name}.{namespace}.{exports_domain_suffix(peer)}"


def import_domain_suffix(exporting_mesh: str, import_as_local: bool = False, domain_suffix: str | None = None) -> str:
    """Domain suffix of an imported service: cluster-local, the rule's own suffix, or ``svc.<mesh>-imports.local``."""
    if import_as_local:
        return CLUSTER_DOMAIN_SUFFIX
    if domain_suffix:
        return domain_suffix
    return imports_domain_suffix(exporting_mesh)


def imported_name(name: str, namespace: str, exporting_mesh: str, import_as_local: bool = False, domain_suffix: str | None = None) -> str:
    """Local host name of an imported service (``name`` and ``namespace`` after the import alias)."""
    return f"{name}.{namespace}.{import_domain_suffix(exporting_mesh, import_as_local, domain_suffix)}"


def remote_name(exported_service_name: str, exported_namespace: str, peer: str) -> str:
    """Hidden name of an imported service inside the egress gateway's namespace.

    ``peer`` is the name of the ServiceMeshPeer of the exporting mesh, in the importing mesh.
    """
    return f"{exported_service_name}.{exported_namespace}.svc.{peer}.remote"


def local_service_host(name: str, namespace: str) -> str:
    """Cluster-local host name of a service."""
    return f"{name}.{namespace}.{CLUSTER_DOMAIN_SUFFIX}"
