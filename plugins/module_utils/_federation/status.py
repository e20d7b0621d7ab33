# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""Predicates over the status of ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet.

Each predicate returns a ``Verdict``: true when satisfied, else false with a reason a user can act on.
Federation status has no ``conditions``: ``status.discoveryStatus.active[]`` lists the istiod pods with
their ``watch`` (this mesh's istiod connected to the peer: outbound) and ``remotes[]`` (the peer's istiod
connected to this mesh: inbound). ``lastDisconnectStatus: 503`` next to ``connected: true`` is a normal
transient and is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from . import names


@dataclass(frozen=True)
class Verdict:
    """Outcome of a predicate: ``ok`` and, when not ok, why."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def _name(resource: Mapping[str, Any]) -> str:
    metadata = resource.get("metadata") or {}
    kind = resource.get("kind") or "resource"
    return f"{kind} {metadata.get('name', '?')} in {metadata.get('namespace', '?')}"


def _discovery(resource: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    discovery = (resource.get("status") or {}).get("discoveryStatus") or {}
    return list(discovery.get("active") or []), list(discovery.get("inactive") or [])


def _inactive_note(inactive: list[Mapping[str, Any]], part: str) -> str:
    details = []
    for pod in inactive:
        entries = [pod.get("watch") or {}] if part == "watch" else list(pod.get("remotes") or [])
        for entry in entries:
            status = entry.get("lastDisconnectStatus")
            if status:
                details.append(f"{pod.get('pod', '?')}: last disconnect {status}")
    return f" (inactive: {'; '.join(details)})" if details else ""


def peer_outbound_connected(peer: Mapping[str, Any]) -> Verdict:
    """This mesh's istiod watches the peer: some ``active[].watch.connected`` is true."""
    active, inactive = _discovery(peer)
    if not active and not inactive:
        return Verdict(False, f"{_name(peer)}: no discovery status yet (istiod has not picked up this peer)")
    if any((pod.get("watch") or {}).get("connected") is True for pod in active):
        return Verdict(True)
    return Verdict(False, f"{_name(peer)}: outbound not connected: this mesh's istiod is not connected to the peer's discovery service"
                   + _inactive_note(inactive + active, "watch"))


def peer_inbound_connected(peer: Mapping[str, Any]) -> Verdict:
    """The peer's istiod is connected to this mesh: some ``active[].remotes[].connected`` is true."""
    active, inactive = _discovery(peer)
    if not active and not inactive:
        return Verdict(False, f"{_name(peer)}: no discovery status yet (istiod has not picked up this peer)")
    if any(remote.get("connected") is True for pod in active for remote in pod.get("remotes") or []):
        return Verdict(True)
    return Verdict(False, f"{_name(peer)}: inbound not connected: the peer's istiod is not connected to this mesh's discovery service"
                   + _inactive_note(inactive + active, "remotes"))


def peer_connected(peer: Mapping[str, Any]) -> Verdict:
    """Connected both ways."""
    outbound = peer_outbound_connected(peer)
    inbound = peer_inbound_connected(peer)
    if outbound and inbound:
        return Verdict(True)
    if not outbound and not inbound and outbound.reason == inbound.reason:
        return outbound
    return Verdict(False, "; ".join(verdict.reason for verdict in (outbound, inbound) if not verdict))


def troubleshooting_logs(mesh: str, peer: str, mesh_namespace: str, peer_namespace: str, smcp_name: str | None = None,
                         direction: str = "outbound") -> list[str]:
    """The logs to read when ``mesh`` cannot reach ``peer`` (outbound) or ``peer`` cannot reach ``mesh`` (inbound)."""
    if direction == "inbound":
        return [
            f"istiod-{peer} in {peer_namespace}",
            f"{names.egress_gateway(mesh)} in {peer_namespace}",
            f"{names.ingress_gateway(peer)} in {mesh_namespace}",
        ]
    return [
        f"istiod-{smcp_name or mesh} in {mesh_namespace}",
        f"{names.egress_gateway(peer)} in {mesh_namespace}",
        f"{names.ingress_gateway(mesh)} in {peer_namespace}",
    ]


def exported_services(service_set: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """``status.exportedServices`` of an ExportedServiceSet."""
    return list((service_set.get("status") or {}).get("exportedServices") or [])


def imported_services(service_set: Mapping[str, Any], only_imported: bool = True) -> list[Mapping[str, Any]]:
    """``status.importedServices`` of an ImportedServiceSet; by default only those with a local service
    (an empty ``localService.hostname`` means exported by the peer but matched by no import rule)."""
    entries = list((service_set.get("status") or {}).get("importedServices") or [])
    if only_imported:
        entries = [entry for entry in entries if (entry.get("localService") or {}).get("hostname")]
    return entries


def services_exported(service_set: Mapping[str, Any], expected: Iterable[str]) -> Verdict:
    """Every expected exported name (``<name>.<namespace>.svc.<peer>-exports.local``) is in the status."""
    present = {entry.get("exportedName") for entry in exported_services(service_set)}
    missing = [name for name in expected if name not in present]
    if missing:
        return Verdict(False, f"{_name(service_set)}: not exported yet: {', '.join(missing)}; check that the services exist, match the export "
                       "rules and are in a member namespace visible to the control plane")
    return Verdict(True)


def services_imported(service_set: Mapping[str, Any], expected: Iterable[str]) -> Verdict:
    """Every expected local host name is imported (``status.importedServices[].localService.hostname``)."""
    present = {(entry.get("localService") or {}).get("hostname") for entry in imported_services(service_set)}
    missing = [name for name in expected if name not in present]
    if missing:
        return Verdict(False, f"{_name(service_set)}: not imported yet: {', '.join(missing)}; check that the peer exports them and that "
                       "an import rule matches their exported names")
    return Verdict(True)
