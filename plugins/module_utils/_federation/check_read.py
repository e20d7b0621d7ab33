# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""What ``federation_check`` reads: one mesh from its own cluster and each peer from the peer's cluster.

Reads only (GET and LIST), through :class:`kube.Kube` and its ``read_mesh`` and ``federation_status``;
the verdicts are in ``checks_live`` (pure). A cluster that cannot be read is recorded as an ``error``
instead of failing the run, so that every other check still runs.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import names
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.kube import (
    Kube,
    KubeError,
    WaitTimeout,
    federation_status,
    read_mesh,
)

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
except ImportError:  # pragma: no cover - kube.make_module reports the missing collection
    get_api_client = None

CONNECTION_OPTIONS = ("kubeconfig", "context", "host", "api_key", "ca_cert", "validate_certs")

KubeFactory = Callable[[Mapping[str, Any]], Kube]


def connect(options: Mapping[str, Any], module: Any = None) -> Kube:
    """A read-only client from connection options (or, with ``module``, from the module's own auth options).

    kubernetes.core's client contacts the API server when it is created; every failure becomes a KubeError.
    """
    if get_api_client is None:
        raise KubeError("the kubernetes.core collection is missing")
    try:
        if module is not None:
            k8s_client = get_api_client(module=module)
        else:
            k8s_client = get_api_client(**{key: options[key] for key in CONNECTION_OPTIONS if options.get(key) is not None})
    except Exception as exc:  # pylint: disable=broad-except
        # kubeconfig and connection problems surface as several exception types of the kubernetes package
        raise KubeError(f"cannot connect to the API server (is it reachable, are kubeconfig and context right?): {exc}") from exc
    return Kube(k8s_client)


def _by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item["metadata"]["name"]): item for item in items}


def read_peer(kube: Kube, mesh: str, peer: Mapping[str, Any]) -> dict[str, Any]:
    """The peer's SMCP, live root certificate and ``ingress-<mesh>`` address, and whether its
    ``egress-<mesh>-service-account`` exists, read from the peer's own cluster."""
    namespace = str(peer.get("namespace") or names.default_namespace(str(peer["name"])))
    info = read_mesh(kube, namespace, smcp_name=peer.get("smcp_name") or names.default_smcp_name(str(peer["name"])),
                     gateways=[names.ingress_gateway(mesh)])
    account = kube.get("v1", "ServiceAccount", names.egress_service_account(mesh), namespace)
    return {"info": info, "egress_service_account": account is not None}


def read_federation(kube: Optional[Kube], mesh: str, namespace: str, smcp_name: str, peers: list[Mapping[str, Any]],
                    peer_kube: KubeFactory = connect, error: Optional[str] = None) -> dict[str, Any]:
    """Everything ``checks_live.run_checks`` needs about one mesh and its peers."""
    reading: dict[str, Any] = {"mesh": mesh, "namespace": namespace, "smcp_name": smcp_name, "error": error, "peers": []}
    if kube is None or error:
        return reading
    try:
        info = read_mesh(kube, namespace, smcp_name=smcp_name, gateways=[names.ingress_gateway(str(peer["name"])) for peer in peers])
        reading["info"] = info
        if not info["crds_present"]:
            return reading
        smcp = kube.get(names.SMCP_API_VERSION, "ServiceMeshControlPlane", smcp_name, namespace)
        reading["smcp_gateways"] = ((smcp or {}).get("spec") or {}).get("gateways") or {}
        reading["services"] = _by_name(kube.list_objects("v1", "Service", namespace=namespace))
        reading["configmaps"] = _by_name(kube.list_objects("v1", "ConfigMap", namespace=namespace))
        reading["service_sets"] = {
            "exports": _by_name(kube.list_objects(names.FEDERATION_API_VERSION, "ExportedServiceSet", namespace=namespace)),
            "imports": _by_name(kube.list_objects(names.FEDERATION_API_VERSION, "ImportedServiceSet", namespace=namespace)),
        }
        plan = [{key: peer.get(key) for key in ("name", "namespace", "exports", "imports")} for peer in peers]
        try:
            states = federation_status(kube, mesh, namespace, plan, wait_timeout=0, smcp_name=smcp_name)
        except WaitTimeout as exc:  # read once: not ready is what the checks report
            states = exc.partial
        reading["peer_states"] = {str(state["peer"]): state for state in states["peers"]}
    except KubeError as exc:
        reading["error"] = str(exc)
        return reading
    for peer in peers:
        entry: dict[str, Any] = {key: peer.get(key) for key in ("name", "namespace", "exports", "imports", "export_rules", "import_rules")}
        try:
            entry.update(read_peer(peer_kube(peer), mesh, peer))
        except KubeError as exc:
            entry["info"] = {"error": str(exc)}
        reading["peers"].append(entry)
    return reading
