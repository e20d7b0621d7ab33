# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""The read-only federation check (``federation_check``): pure verdicts over what was read.

Every function takes plain dicts as the API server returned them (or as ``inspect`` summarised them) and
returns check results ``{mesh, peer, check, result, reason}`` with ``result`` one of ``pass``, ``warn``,
``fail``. No Ansible, no kubernetes client: unit-tested with fixtures. What a check means is documented
in ``docs/verify.md``.
"""

from __future__ import annotations

import datetime
from typing import Any, Iterable, Mapping, Optional

from . import certs, inspect, names
from .live import SUPPORTED_MAX, SUPPORTED_MIN, parse_version

PASS = "pass"
WARN = "warn"
FAIL = "fail"
RESULTS = (PASS, WARN, FAIL)

# Checks of the mesh itself (peer is null) and of each peer, in the order they are reported.
MESH_CHECKS = ("api", "crds", "smcp_version")
PEER_CHECKS = (
    "ingress_gateway",
    "egress_gateway",
    "address",
    "root_cert",
    "cert_expiry",
    "trust_domain",
    "peer_egress_service_account",
    "connection",
    "sync",
    "exports",
    "imports",
)

Obj = Mapping[str, Any]


def result(mesh: str, peer: Optional[str], check: str, verdict: str, reason: str) -> dict[str, Any]:
    """One check result."""
    if verdict not in RESULTS:
        raise ValueError(f"result must be one of {', '.join(RESULTS)}, got {verdict!r}")
    return {"mesh": mesh, "peer": peer, "check": check, "result": verdict, "reason": reason}


def _get(obj: Any, *path: str, default: Any = None) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return default
        obj = obj.get(key)
    return default if obj is None else obj


def parse_time(value: Any) -> Optional[datetime.datetime]:
    """An RFC 3339 time of a status field (``2026-01-02T03:04:05Z``) as an aware datetime; None when unset or invalid."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


# --- the mesh itself ---------------------------------------------------------------------------------


def check_crds(mesh: str, info: Obj) -> dict[str, Any]:
    """The Maistra CRDs are served: ServiceMeshControlPlane (maistra.io/v2) and the three federation kinds."""
    served = info.get("crds") or {}
    wanted = {names.SMCP_API_VERSION: ["ServiceMeshControlPlane"],
              names.FEDERATION_API_VERSION: ["ServiceMeshPeer", "ExportedServiceSet", "ImportedServiceSet"]}
    missing = [f"{kind} ({group})" for group, kinds in wanted.items() for kind in kinds if kind not in (served.get(group) or [])]
    if missing:
        return result(mesh, None, "crds", FAIL, f"the API server does not serve {', '.join(missing)}: install OpenShift Service Mesh 2.1 to 2.6")
    return result(mesh, None, "crds", PASS, "maistra.io/v2 and federation.maistra.io/v1 are served")


def check_smcp_version(mesh: str, namespace: str, smcp_name: str, smcp: Optional[Obj]) -> dict[str, Any]:
    """The ServiceMeshControlPlane exists, its version supports federation (2.1 to 2.6), and it is Ready."""
    where = f"ServiceMeshControlPlane {namespace}/{smcp_name}"
    if not smcp:
        return result(mesh, None, "smcp_version", FAIL, f"{where} does not exist")
    version = parse_version(smcp.get("version"))
    shown = smcp.get("version") or "unset"
    if version is None or not SUPPORTED_MIN <= version <= SUPPORTED_MAX:
        return result(mesh, None, "smcp_version", FAIL,
                      f"{where} has spec.version {shown}; federation needs v{SUPPORTED_MIN[0]}.{SUPPORTED_MIN[1]} to "
                      f"v{SUPPORTED_MAX[0]}.{SUPPORTED_MAX[1]}")
    if not smcp.get("ready"):
        return result(mesh, None, "smcp_version", WARN, f"{where} ({shown}) is not Ready; read its status conditions")
    return result(mesh, None, "smcp_version", PASS, f"{where} is {shown} and Ready")


# --- gateways ----------------------------------------------------------------------------------------


def _ports_problems(service: Obj, expected: Iterable[Mapping[str, Any]]) -> list[str]:
    ports = {port.get("port"): port.get("name") for port in _get(service, "spec", "ports", default=[]) if isinstance(port, Mapping)}
    problems = []
    for port in expected:
        if port["port"] not in ports:
            problems.append(f"no port {port['port']} ({port['name']})")
        elif ports[port["port"]] != port["name"]:
            problems.append(f"port {port['port']} is named {ports[port['port']]!r}, expected {port['name']!r}")
    return problems


def _gateway_problems(service: Optional[Obj], name: str, label: str, namespace: str, expected_ports: list[dict[str, Any]],
                      smcp_gateways: Optional[Obj], smcp_key: str) -> list[str]:
    problems = []
    if smcp_gateways is not None:
        entry = _get(smcp_gateways, smcp_key, name)
        if not isinstance(entry, Mapping):
            problems.append(f"the ServiceMeshControlPlane has no spec.gateways.{smcp_key}.{name}")
        elif entry.get("enabled") is False:
            problems.append(f"spec.gateways.{smcp_key}.{name} is disabled")
    if service is None:
        problems.append(f"Service {name} does not exist in {namespace}")
        return problems
    labels = _get(service, "metadata", "labels", default={})
    if labels.get(label) != name:
        problems.append(f"Service {name} lacks the label {label}={name} (has {labels.get(label)!r})")
    problems.extend(f"Service {name}: {problem}" for problem in _ports_problems(service, expected_ports))
    return problems


def check_ingress_gateway(mesh: str, peer: str, namespace: str, service: Optional[Obj], address: Optional[Obj],
                          smcp_gateways: Optional[Obj]) -> dict[str, Any]:
    """This mesh's ``ingress-<peer>``: in the SMCP, its Service labelled and with ports 15443 tls and 8188
    https-discovery, and an address the peer can use (``address`` as ``inspect.gateway_address`` computed it)."""
    name = names.ingress_gateway(peer)
    problems = _gateway_problems(service, name, names.INGRESS_FOR_LABEL, namespace, names.ingress_ports(),
                                 smcp_gateways, "additionalIngress")
    if service is not None and address is not None and not address.get("ready"):
        problems.append(f"no address assigned: {address.get('hint')}")
    if problems:
        return result(mesh, peer, "ingress_gateway", FAIL, "; ".join(problems))
    shown = ", ".join(str(item) for item in (address or {}).get("addresses") or [])
    return result(mesh, peer, "ingress_gateway", PASS, f"Service {name} ({_get(service, 'spec', 'type')}) has the labels and ports, address {shown}")


def check_egress_gateway(mesh: str, peer: str, namespace: str, service: Optional[Obj], smcp_gateways: Optional[Obj]) -> dict[str, Any]:
    """This mesh's ``egress-<peer>``: in the SMCP with ``requestedNetworkView: [network-<peer>]``, its Service
    labelled and with ports 15443 tls and 8188 http-discovery."""
    name = names.egress_gateway(peer)
    problems = _gateway_problems(service, name, names.EGRESS_FOR_LABEL, namespace, names.egress_ports(), smcp_gateways, "additionalEgress")
    view = _get(smcp_gateways, "additionalEgress", name, "requestedNetworkView")
    if smcp_gateways is not None and isinstance(_get(smcp_gateways, "additionalEgress", name), Mapping) and names.network_view(peer) not in (view or []):
        problems.append(f"spec.gateways.additionalEgress.{name}.requestedNetworkView lacks {names.network_view(peer)}: "
                        "istiod would not route to the peer's endpoints")
    if problems:
        return result(mesh, peer, "egress_gateway", FAIL, "; ".join(problems))
    return result(mesh, peer, "egress_gateway", PASS, f"Service {name} has the labels and ports")


# --- the peer ------------------------------------------------------------------------------------------


def _peer_unreadable(mesh: str, peer: str, check: str, peer_info: Obj) -> Optional[dict[str, Any]]:
    error = peer_info.get("error")
    if error:
        return result(mesh, peer, check, FAIL, f"cannot read the peer's cluster: {error}")
    return None


def check_address(mesh: str, peer: str, peer_object: Optional[Obj], peer_info: Obj) -> dict[str, Any]:
    """This mesh's ServiceMeshPeer ``<peer>`` dials the address (and ports) the peer's ``ingress-<mesh>`` has now."""
    unreadable = _peer_unreadable(mesh, peer, "address", peer_info)
    if unreadable:
        return unreadable
    gateway_name = names.ingress_gateway(mesh)
    gateway = next((item for item in peer_info.get("gateways") or [] if item.get("name") == gateway_name), None)
    if gateway is None or not gateway.get("ready"):
        hint = (gateway or {}).get("hint") or f"Service {gateway_name} not found"
        return result(mesh, peer, "address", FAIL, f"the peer's {gateway_name} has no address: {hint}")
    if peer_object is None:
        return result(mesh, peer, "address", FAIL, f"no ServiceMeshPeer {peer}: nothing dials {', '.join(gateway['addresses'])}")
    used = list(peer_object.get("addresses") or [])
    live_addresses = list(gateway.get("addresses") or [])
    problems = []
    if not set(used) & set(live_addresses):
        problems.append(f"ServiceMeshPeer {peer} dials {', '.join(used) or 'nothing'} but the peer's {gateway_name} is at {', '.join(live_addresses)}")
    for key, label, default in (("discovery_port", "discoveryPort", names.DISCOVERY_PORT), ("service_port", "servicePort", names.SERVICE_PORT)):
        if (peer_object.get(key) or default) != (gateway.get(key) or default):
            problems.append(f"remote.{label} is {peer_object.get(key) or default}, the peer's {gateway_name} listens on {gateway.get(key)}")
    if problems:
        return result(mesh, peer, "address", FAIL, "; ".join(problems) + "; re-run federate.yml")
    return result(mesh, peer, "address", PASS, f"ServiceMeshPeer {peer} dials {', '.join(used)}, the peer's current {gateway_name} address")


def check_root_cert(mesh: str, peer: str, namespace: str, configmap: Optional[Obj], peer_info: Obj) -> dict[str, Any]:
    """``<peer>-ca-root-cert`` holds ``root-cert.pem`` whose SHA-256 equals the peer's live root (its
    ``istio-ca-root-cert``, read from the peer's cluster); a bundle (root and intermediate) is compared whole."""
    name = names.ca_root_configmap(peer)
    pem = _get(configmap, "data", names.ROOT_CERT_KEY)
    if configmap is None:
        return result(mesh, peer, "root_cert", FAIL, f"ConfigMap {name} does not exist in {namespace}")
    if not isinstance(pem, str) or not certs.split_pem(pem):
        return result(mesh, peer, "root_cert", FAIL, f"ConfigMap {name} holds no PEM certificate in {names.ROOT_CERT_KEY}")
    unreadable = _peer_unreadable(mesh, peer, "root_cert", peer_info)
    if unreadable:
        return unreadable
    live_root = peer_info.get("root_certificate") or {}
    if not live_root.get("bundle_sha256"):
        return result(mesh, peer, "root_cert", FAIL, f"the peer publishes no root certificate ({names.ISTIO_CA_ROOT_CERT_CONFIGMAP})")
    try:
        held = certs.bundle_fingerprint(pem)
    except ValueError as error:
        return result(mesh, peer, "root_cert", FAIL, f"ConfigMap {name} holds an unreadable certificate: {error}")
    if held != live_root["bundle_sha256"]:
        return result(mesh, peer, "root_cert", FAIL,
                      f"ConfigMap {name} holds SHA-256 {held[:16]}... but the peer's live root is {live_root['bundle_sha256'][:16]}...: "
                      "the peer rotated its CA or the ConfigMap was changed; re-run federate.yml (it updates the ConfigMap and touches the ServiceMeshPeer)")
    return result(mesh, peer, "root_cert", PASS, f"ConfigMap {name} holds the peer's live root (SHA-256 {held[:16]}...)")


def check_cert_expiry(mesh: str, peer: str, configmap: Optional[Obj], warn_days: int, now: datetime.datetime) -> dict[str, Any]:
    """The certificate in ``<peer>-ca-root-cert``: fail when expired, warn when it expires within ``warn_days``."""
    name = names.ca_root_configmap(peer)
    pem = _get(configmap, "data", names.ROOT_CERT_KEY)
    if not isinstance(pem, str) or not certs.split_pem(pem):
        return result(mesh, peer, "cert_expiry", FAIL, f"ConfigMap {name} holds no certificate to check")
    expiries = [certs.not_after(block) for block in certs.split_pem(pem)]
    if any(expiry is None for expiry in expiries):
        return result(mesh, peer, "cert_expiry", WARN, f"cannot read the expiry of the certificate in {name} "
                      "(the Python package cryptography is missing, or the certificate does not parse)")
    expiry = min(expiry for expiry in expiries if expiry is not None)
    left = expiry - now
    if left.total_seconds() <= 0:
        return result(mesh, peer, "cert_expiry", FAIL, f"the certificate in {name} expired on {expiry.isoformat()}")
    if left <= datetime.timedelta(days=warn_days):
        return result(mesh, peer, "cert_expiry", WARN,
                      f"the certificate in {name} expires on {expiry.isoformat()}, in {left.days} days (warning at {warn_days} days)")
    return result(mesh, peer, "cert_expiry", PASS, f"the certificate in {name} expires on {expiry.isoformat()}, in {left.days} days")


def check_trust_domain(mesh: str, peer: str, own_domain: Optional[str], peer_object: Optional[Obj], peer_info: Obj) -> dict[str, Any]:
    """The peer's live trust domain differs from this mesh's, and this mesh's ServiceMeshPeer names it."""
    unreadable = _peer_unreadable(mesh, peer, "trust_domain", peer_info)
    if unreadable:
        return unreadable
    peer_domain = _get(peer_info, "smcp", "trust_domain") or "cluster.local"
    own = own_domain or "cluster.local"
    if peer_domain == own:
        return result(mesh, peer, "trust_domain", FAIL,
                      f"both meshes use the trust domain {own}: istiod ignores the peer's root certificate; give each mesh its own")
    named = (peer_object or {}).get("trust_domain")
    if peer_object is not None and named != peer_domain:
        return result(mesh, peer, "trust_domain", FAIL, f"ServiceMeshPeer {peer} names the trust domain {named}, the peer uses {peer_domain}")
    return result(mesh, peer, "trust_domain", PASS, f"{own} here, {peer_domain} on the peer")


def check_peer_egress_service_account(mesh: str, peer: str, peer_namespace: str, exists: Optional[bool], peer_info: Obj) -> dict[str, Any]:
    """The peer's egress gateway towards this mesh runs as ``egress-<mesh>-service-account`` in the peer's namespace,
    the identity this mesh's ServiceMeshPeer expects (``clientID``)."""
    unreadable = _peer_unreadable(mesh, peer, "peer_egress_service_account", peer_info)
    if unreadable:
        return unreadable
    account = names.egress_service_account(mesh)
    if not exists:
        return result(mesh, peer, "peer_egress_service_account", FAIL,
                      f"ServiceAccount {account} does not exist in {peer_namespace} of the peer: its egress gateway egress-{mesh} is missing")
    return result(mesh, peer, "peer_egress_service_account", PASS, f"ServiceAccount {account} exists in {peer_namespace}")


def check_connection(mesh: str, peer: str, namespace: str, peer_namespace: str, peer_state: Obj, smcp_name: Optional[str]) -> dict[str, Any]:
    """Connected both ways (``inspect.peer_status``); the reason names direction and logs to read."""
    if peer_state.get("exists") and peer_state.get("outbound_connected") and peer_state.get("inbound_connected"):
        return result(mesh, peer, "connection", PASS, f"{mesh} -> {peer} and {peer} -> {mesh} connected")
    state = dict(peer_state, missing_exports=[], missing_imports=[])
    problems = inspect.peer_problems(state, mesh, namespace, peer_namespace, smcp_name=smcp_name)
    return result(mesh, peer, "connection", FAIL, "; ".join(problems))


def check_sync(mesh: str, peer: str, peer_state: Obj, max_age: int, now: datetime.datetime) -> dict[str, Any]:
    """The last full sync of this mesh's watch of the peer (``lastFullSync``) is at most ``max_age`` seconds old
    (0: any age). Never synced while connected fails; too old warns; not connected is the connection check's failure."""
    watches = [pod.get("watch") or {} for pod in _get(peer_state, "discovery_status", "active", default=[]) if isinstance(pod, Mapping)]
    synced = [stamp for stamp in (parse_time(watch.get("lastFullSync")) for watch in watches) if stamp is not None]
    if not peer_state.get("outbound_connected"):
        return result(mesh, peer, "sync", FAIL, f"{mesh} -> {peer} is not connected, nothing is synced (see the connection check)")
    if not synced:
        return result(mesh, peer, "sync", FAIL, f"{mesh} -> {peer} is connected but istiod reports no full sync (lastFullSync)")
    last = max(synced)
    age = int((now - last).total_seconds())
    if max_age and age > max_age:
        return result(mesh, peer, "sync", WARN, f"last full sync {last.isoformat()}, {age}s ago (more than {max_age}s); read the logs of istiod-{mesh}")
    return result(mesh, peer, "sync", PASS, f"last full sync {last.isoformat()}, {age}s ago")


def check_services(mesh: str, peer: str, direction: str, service_set: Optional[Obj], expected: list[str], rule_count: int,
                   peer_state: Obj) -> dict[str, Any]:
    """``exports``: the ExportedServiceSet ``<peer>`` exists and lists every expected exported name;
    ``imports``: the ImportedServiceSet ``<peer>`` exists and imports every expected local name. A mesh with
    rules for the peer that shares nothing at all warns (wildcard and label rules cannot be listed in advance)."""
    kind = "ExportedServiceSet" if direction == "exports" else "ImportedServiceSet"
    if service_set is None:
        return result(mesh, peer, direction, FAIL, f"{kind} {peer} does not exist: re-run federate.yml")
    listed = peer_state.get("exported" if direction == "exports" else "imported") or []
    missing = peer_state.get("missing_exports" if direction == "exports" else "missing_imports") or []
    if missing:
        hint = ("check that the services exist, match the export rules and are in a member namespace visible to the control plane"
                if direction == "exports" else "check that the peer exports them and that an import rule matches their exported names")
        return result(mesh, peer, direction, FAIL, f"{kind} {peer} lacks {', '.join(missing)}; {hint}")
    if rule_count and not listed:
        return result(mesh, peer, direction, WARN, f"{kind} {peer} has {rule_count} rule(s) but lists no service")
    shown = [item.get("exported_name" if direction == "exports" else "local_hostname") for item in listed]
    if not shown:
        return result(mesh, peer, direction, PASS, f"nothing configured, {kind} {peer} lists no service")
    return result(mesh, peer, direction, PASS, f"{len(shown)} service(s): {', '.join(str(item) for item in shown)}")


# --- all of it ------------------------------------------------------------------------------------------


def run_checks(reading: Obj, warn_days: int = 60, sync_max_age: int = 900, now: Optional[datetime.datetime] = None) -> list[dict[str, Any]]:
    """Every check of one mesh and its peers, from ``reading`` (what ``check_read.read_federation`` returned).

    ``reading``: ``mesh``, ``namespace``, ``smcp_name``, ``error`` (this mesh's cluster unreadable), ``info``
    (``read_mesh`` of this mesh), ``smcp_gateways`` (the SMCP's ``spec.gateways``), ``services`` and
    ``configmaps`` (by name), ``peer_states`` (``inspect.peer_status`` by peer), ``service_sets``
    (``{exports: {peer: obj}, imports: {peer: obj}}``) and ``peers``: one dict per peer with ``name``,
    ``namespace``, ``export_rules``, ``import_rules``, ``info`` (``read_mesh`` of the peer, or ``{error}``)
    and ``egress_service_account`` (bool).
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    mesh = str(reading["mesh"])
    namespace = str(reading["namespace"])
    smcp_name = str(reading.get("smcp_name") or names.default_smcp_name(mesh))
    if reading.get("error"):
        return [result(mesh, None, "api", FAIL, f"cannot read this mesh's cluster: {reading['error']}")]
    info = reading.get("info") or {}
    checks = [result(mesh, None, "api", PASS, "the API server answers"), check_crds(mesh, info)]
    if checks[-1]["result"] == FAIL:
        return checks
    checks.append(check_smcp_version(mesh, namespace, smcp_name, info.get("smcp")))
    own_domain = _get(info, "smcp", "trust_domain")
    gateways = {str(item.get("name")): item for item in info.get("gateways") or []}
    peer_objects = {str(item.get("name")): item for item in info.get("peers") or []}
    services = reading.get("services") or {}
    configmaps = reading.get("configmaps") or {}
    service_sets = reading.get("service_sets") or {}
    smcp_gateways = reading.get("smcp_gateways") if info.get("smcp") else None
    for peer_reading in reading.get("peers") or []:
        peer = str(peer_reading["name"])
        peer_namespace = str(peer_reading.get("namespace") or names.default_namespace(peer))
        peer_info = peer_reading.get("info") or {}
        peer_state = (reading.get("peer_states") or {}).get(peer) or {"peer": peer, "exists": False}
        peer_object = peer_objects.get(peer)
        configmap = configmaps.get(names.ca_root_configmap(peer))
        ingress = names.ingress_gateway(peer)
        checks += [
            check_ingress_gateway(mesh, peer, namespace, services.get(ingress), gateways.get(ingress), smcp_gateways),
            check_egress_gateway(mesh, peer, namespace, services.get(names.egress_gateway(peer)), smcp_gateways),
            check_address(mesh, peer, peer_object, peer_info),
            check_root_cert(mesh, peer, namespace, configmap, peer_info),
            check_cert_expiry(mesh, peer, configmap, warn_days, now),
            check_trust_domain(mesh, peer, own_domain, peer_object, peer_info),
            check_peer_egress_service_account(mesh, peer, peer_namespace, peer_reading.get("egress_service_account"), peer_info),
            check_connection(mesh, peer, namespace, peer_namespace, peer_state, smcp_name),
            check_sync(mesh, peer, peer_state, sync_max_age, now),
            check_services(mesh, peer, "exports", (service_sets.get("exports") or {}).get(peer), list(peer_reading.get("exports") or []),
                           int(peer_reading.get("export_rules") or 0), peer_state),
            check_services(mesh, peer, "imports", (service_sets.get("imports") or {}).get(peer), list(peer_reading.get("imports") or []),
                           int(peer_reading.get("import_rules") or 0), peer_state),
        ]
    return checks


def summary(checks: Iterable[Obj]) -> dict[str, Any]:
    """Counts by result and the failing and warning checks as ``mesh/peer/check: reason`` lines."""
    checks = list(checks)
    counts = {verdict: sum(1 for check in checks if check["result"] == verdict) for verdict in RESULTS}

    def line(check: Obj) -> str:
        where = f"{check['mesh']}/{check['peer']}" if check.get("peer") else str(check["mesh"])
        return f"{where} {check['check']}: {check['reason']}"

    return dict(counts, failed=[line(check) for check in checks if check["result"] == FAIL],
                warnings=[line(check) for check in checks if check["result"] == WARN])


def links(mesh: str, peer_states: Iterable[Obj]) -> list[dict[str, Any]]:
    """Per peer, the connection both ways and the services shared, for the report."""
    return [
        {
            "peer": state.get("peer"),
            "exists": bool(state.get("exists")),
            "outbound_connected": bool(state.get("outbound_connected")),
            "inbound_connected": bool(state.get("inbound_connected")),
            "exported": [item.get("exported_name") for item in state.get("exported") or []],
            "imported": [item.get("local_hostname") for item in state.get("imported") or []],
        }
        for state in peer_states
    ]
