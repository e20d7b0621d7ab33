# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Pure readings of live objects for the read-only modules (``mesh_info``, ``federation_status``).

Everything here takes plain dicts as the API server returns them and returns plain dicts: no Ansible,
no kubernetes client, so it is unit-tested with fixtures.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import certs, resources, status
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.names import (
    AWS_LOAD_BALANCER_TYPE,
    AWS_LOAD_BALANCER_TYPE_ANNOTATION,
    DISCOVERY_PORT,
    INGRESS_FOR_LABEL,
    ROOT_CERT_KEY,
    SERVICE_PORT,
)

PLATFORMS_WITHOUT_LOAD_BALANCER = ("baremetal", "ibmz", "ibmpower")

Obj = Mapping[str, Any]


def _get(obj: Optional[Obj], *path: str, default: Any = None) -> Any:
    current: Any = obj
    for key in path:
        if not isinstance(current, Mapping):
            return default
        current = current.get(key)
    return default if current is None else current


# --- control plane ------------------------------------------------------------------------------------


def condition_true(obj: Optional[Obj], condition_type: str) -> bool:
    """Whether ``status.conditions`` holds ``condition_type`` with status True."""
    for condition in _get(obj, "status", "conditions", default=[]):
        if isinstance(condition, Mapping) and condition.get("type") == condition_type:
            return str(condition.get("status")) == "True"
    return False


def smcp_summary(smcp: Optional[Obj]) -> Optional[dict[str, Any]]:
    """Name, version, readiness and trust domain of a ServiceMeshControlPlane."""
    if not smcp:
        return None
    return {
        "name": _get(smcp, "metadata", "name"),
        "namespace": _get(smcp, "metadata", "namespace"),
        "version": _get(smcp, "spec", "version"),
        "ready": condition_true(smcp, "Ready"),
        "trust_domain": _get(smcp, "spec", "security", "trust", "domain"),
        "network": _get(smcp, "spec", "cluster", "network"),
        "conditions": [
            {key: condition.get(key) for key in ("type", "status", "reason", "message") if condition.get(key) is not None}
            for condition in _get(smcp, "status", "conditions", default=[])
            if isinstance(condition, Mapping)
        ],
    }


def root_certificate(configmap: Optional[Obj]) -> Optional[dict[str, Any]]:
    """The mesh's root certificate as published in ``istio-ca-root-cert`` (a chain is kept whole).

    ``fingerprint_sha256`` is the SHA-256 of the first certificate's DER; ``bundle_sha256`` covers every
    certificate of the bundle in order (what the ServiceMeshPeer annotation records).
    """
    pem = _get(configmap, "data", ROOT_CERT_KEY)
    if not isinstance(pem, str) or not pem.strip():
        return None
    blocks = certs.split_pem(pem)
    if not blocks:
        return {"pem": pem, "certificates": 0, "error": f"{ROOT_CERT_KEY} holds no PEM certificate"}
    expiry = certs.not_after(blocks[0])
    return {
        "pem": pem,
        "certificates": len(blocks),
        "fingerprint_sha256": certs.fingerprint_sha256(blocks[0]),
        "bundle_sha256": certs.bundle_fingerprint(pem),
        "not_after": expiry.isoformat() if expiry is not None else None,
    }


# --- federation ingress gateways ---------------------------------------------------------------------


def pending_hint(service: Obj, platform: Optional[str]) -> str:
    """What to do about a LoadBalancer Service that has no address yet."""
    name = _get(service, "metadata", "name", default="?")
    annotations = _get(service, "metadata", "annotations", default={})
    if platform == "aws":
        if annotations.get(AWS_LOAD_BALANCER_TYPE_ANNOTATION) != AWS_LOAD_BALANCER_TYPE:
            return (
                f"Service {name} has no load balancer address: on AWS a federation ingress needs the annotation "
                f"{AWS_LOAD_BALANCER_TYPE_ANNOTATION}: {AWS_LOAD_BALANCER_TYPE} (set on the SMCP gateway's service metadata)."
            )
        return f"Service {name} waits for its AWS network load balancer; its host name appears in status.loadBalancer.ingress[].hostname."
    if platform in PLATFORMS_WITHOUT_LOAD_BALANCER:
        return (
            f"Service {name} has no load balancer address: platform {platform} usually has no load balancer, "
            "use federation_ingress_service_type: NodePort (peers then use the node addresses and node ports)."
        )
    return f"Service {name} waits for a load balancer address (status.loadBalancer.ingress); check the cloud provider's events for it."


def gateway_address(service: Obj, nodes: Iterable[Obj] = (), platform: Optional[str] = None) -> dict[str, Any]:
    """Address and ports under which a peer reaches a federation ingress gateway Service.

    LoadBalancer: the ingress host names or IPs, ports 8188/15443. NodePort: the nodes' addresses and the
    node ports of ``https-discovery`` and ``tls`` (as ``resources.ingress_endpoint`` reads them). ``ready`` is False while there is no address; ``hint``
    then says why.
    """
    service_type = _get(service, "spec", "type", default="ClusterIP")
    gateway = _get(service, "metadata", "name")
    ingress_for = _get(service, "metadata", "labels", INGRESS_FOR_LABEL)
    peer = None
    if isinstance(ingress_for, str) and ingress_for.startswith("ingress-"):
        peer = ingress_for[len("ingress-"):]
    elif isinstance(gateway, str) and gateway.startswith("ingress-"):
        peer = gateway[len("ingress-"):]
    result: dict[str, Any] = {
        "name": gateway,
        "namespace": _get(service, "metadata", "namespace"),
        "peer": peer,
        "type": service_type,
        "addresses": [],
        "discovery_port": DISCOVERY_PORT,
        "service_port": SERVICE_PORT,
        "ready": False,
        "hint": None,
    }
    if service_type == "LoadBalancer":
        result["addresses"] = resources.ingress_endpoint(service)[0]
        result["ready"] = bool(result["addresses"])
        if not result["ready"]:
            result["hint"] = pending_hint(service, platform)
        return result
    if service_type == "NodePort":
        addresses, discovery_port, service_port = resources.ingress_endpoint(service, list(nodes))
        result.update(addresses=addresses, discovery_port=discovery_port, service_port=service_port)
        missing = [label for label, port in (("https-discovery (8188)", result["discovery_port"]), ("tls (15443)", result["service_port"])) if not port]
        if missing:
            result["hint"] = f"Service {gateway} lacks node ports for {' and '.join(missing)}."
        elif not result["addresses"]:
            result["hint"] = "No node of the cluster reports an ExternalIP or InternalIP address."
        result["ready"] = not result["hint"]
        return result
    result["hint"] = (
        f"Service {gateway} is of type {service_type}: a peer cannot reach it; set the ingress gateway's service type to "
        "LoadBalancer or NodePort."
    )
    return result


def missing_gateway(name: str, namespace: str) -> dict[str, Any]:
    """Entry for an ingress gateway whose Service does not exist (yet)."""
    return {
        "name": name,
        "namespace": namespace,
        "peer": name[len("ingress-"):] if name.startswith("ingress-") else None,
        "type": None,
        "addresses": [],
        "discovery_port": None,
        "service_port": None,
        "ready": False,
        "hint": f"Service {name} does not exist in {namespace}: is the gateway {name} in the SMCP's additionalIngress and the SMCP reconciled?",
    }


# --- federation status (predicates in status.py) -----------------------------------------------------


def service_entries(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``status.exportedServices`` or ``status.importedServices`` entries as flat dicts."""
    flat = []
    for entry in entries:
        local = entry.get("localService") or {}
        flat.append({
            "exported_name": entry.get("exportedName"),
            "local_hostname": local.get("hostname"),
            "local_name": local.get("name"),
            "local_namespace": local.get("namespace"),
        })
    return flat


def peer_status(
    peer: str,
    peer_obj: Optional[Obj],
    exported: Optional[Obj],
    imported: Optional[Obj],
    expected_exports: Iterable[str] = (),
    expected_imports: Iterable[str] = (),
) -> dict[str, Any]:
    """The connection and service state of one peer, with ``ready`` when all expectations hold.

    Expected exports are exported names (``<name>.<namespace>.svc.<peer>-exports.local``); expected
    imports are local host names, as ``status.services_exported``/``services_imported`` define them.
    """
    exported_list = status.exported_services(exported or {})
    imported_list = status.imported_services(imported or {})
    exported_names = {entry.get("exportedName") for entry in exported_list}
    imported_hosts = {(entry.get("localService") or {}).get("hostname") for entry in imported_list}
    outbound = status.peer_outbound_connected(peer_obj) if peer_obj else status.Verdict(False, "no ServiceMeshPeer")
    inbound = status.peer_inbound_connected(peer_obj) if peer_obj else status.Verdict(False, "no ServiceMeshPeer")
    result = {
        "peer": peer,
        "exists": peer_obj is not None,
        "outbound_connected": outbound.ok,
        "inbound_connected": inbound.ok,
        "outbound_reason": outbound.reason or None,
        "inbound_reason": inbound.reason or None,
        "exported": service_entries(exported_list),
        "imported": service_entries(imported_list),
        "missing_exports": [name for name in expected_exports if name not in exported_names],
        "missing_imports": [name for name in expected_imports if name not in imported_hosts],
        "discovery_status": _get(peer_obj, "status", "discoveryStatus", default={}),
    }
    result["ready"] = bool(
        result["exists"] and result["outbound_connected"] and result["inbound_connected"]
        and not result["missing_exports"] and not result["missing_imports"]
    )
    return result


def peer_problems(peer_state: Mapping[str, Any], mesh: str, namespace: str, peer_namespace: str, smcp_name: Optional[str] = None) -> list[str]:
    """What is wrong with one peer, naming the direction and the logs to read."""
    peer = peer_state["peer"]
    if not peer_state["exists"]:
        return [f"peer {peer}: ServiceMeshPeer {peer} does not exist in {namespace} of mesh {mesh}"]
    problems: list[str] = []
    for direction, arrow, key in (("outbound", f"{mesh} -> {peer}", "outbound"), ("inbound", f"{peer} -> {mesh}", "inbound")):
        if not peer_state[f"{key}_connected"]:
            logs = status.troubleshooting_logs(mesh, peer, namespace, peer_namespace, smcp_name=smcp_name, direction=direction)
            problems.append(
                f"peer {peer}: {direction} {arrow} not connected ({peer_state[f'{key}_reason']}); "
                f"read the logs of {', '.join(logs[:-1])} and {logs[-1]}"
            )
    if peer_state["missing_exports"]:
        problems.append(
            f"peer {peer}: not exported yet: {', '.join(peer_state['missing_exports'])} (ExportedServiceSet {peer} in {namespace}); "
            "check that the services exist, match the export rules and are in a member namespace visible to the control plane"
        )
    if peer_state["missing_imports"]:
        problems.append(
            f"peer {peer}: not imported yet: {', '.join(peer_state['missing_imports'])} (ImportedServiceSet {peer} in {namespace}); "
            "check that the peer exports them and that an import rule matches their exported names"
        )
    return problems


def peer_summary(peer_obj: Obj) -> dict[str, Any]:
    """A ServiceMeshPeer's spec essentials and connection state, for mesh_info."""
    name = _get(peer_obj, "metadata", "name")
    return {
        "name": name,
        "addresses": _get(peer_obj, "spec", "remote", "addresses", default=[]),
        "discovery_port": _get(peer_obj, "spec", "remote", "discoveryPort"),
        "service_port": _get(peer_obj, "spec", "remote", "servicePort"),
        "trust_domain": _get(peer_obj, "spec", "security", "trustDomain"),
        "client_id": _get(peer_obj, "spec", "security", "clientID"),
        "outbound_connected": status.peer_outbound_connected(peer_obj).ok,
        "inbound_connected": status.peer_inbound_connected(peer_obj).ok,
        "discovery_status": _get(peer_obj, "status", "discoveryStatus", default={}),
    }
