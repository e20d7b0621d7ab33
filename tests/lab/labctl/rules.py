# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How Maistra 2.x evaluates ExportedServiceSet and ImportedServiceSet rules (an independent model).

Pure functions over plain dicts, so that they can be read and tested on their own."""

from __future__ import annotations

import re

CLUSTER_DOMAINS = ("svc.cluster.local", "cluster.local")


def wildcard(pattern: str | None, value: str) -> bool:
    """`*` matches any run of characters; an empty pattern matches everything."""
    if not pattern or pattern == "*":
        return True
    regex = "^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$"
    return re.match(regex, value) is not None


def visible_to(service: dict, control_plane_ns: str) -> bool:
    """A service is a candidate for export only if the control plane namespace can see it."""
    meta = service.get("metadata", {})
    raw = (meta.get("annotations") or {}).get("networking.istio.io/exportTo")
    if raw is None:
        raw = (meta.get("labels") or {}).get("networking.istio.io/exportTo")
    if raw is None:
        return True
    targets = {t.strip() for t in raw.split(",") if t.strip()}
    if "*" in targets or control_plane_ns in targets:
        return True
    if "." in targets and meta.get("namespace") == control_plane_ns:
        return True
    return False


def selector_matches(selector: dict | None, labels: dict) -> bool:
    selector = selector or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
        if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True


def _alias(alias: dict | None, namespace: str, name: str) -> tuple[str, str]:
    alias = alias or {}
    ns = alias.get("namespace") or namespace
    nm = alias.get("name") or name
    return (namespace if ns == "*" else ns), (name if nm == "*" else nm)


def match_export(rule: dict, service: dict) -> tuple[str, str] | None:
    """The (namespace, name) under which a rule exports a service, or None if it does not match."""
    meta = service["metadata"]
    ns, name = meta["namespace"], meta["name"]
    kind = rule.get("type")
    if kind == "NameSelector":
        sel = rule.get("nameSelector") or {}
        if wildcard(sel.get("namespace"), ns) and wildcard(sel.get("name"), name):
            return _alias(sel.get("alias"), ns, name)
        return None
    if kind == "LabelSelector":
        sel = rule.get("labelSelector") or {}
        if not wildcard(sel.get("namespace"), ns):
            return None
        if not selector_matches(sel.get("selector"), meta.get("labels") or {}):
            return None
        for alias in sel.get("aliases") or []:
            if wildcard(alias.get("namespace"), ns) and wildcard(alias.get("name"), name):
                return _alias(alias.get("alias"), ns, name)
        return ns, name
    return None


def exports(ess: dict | None, services: list[dict], members: list[str], control_plane_ns: str,
            peer: str) -> list[dict]:
    """ExportedServiceSet status entries: first matching rule wins per service."""
    if not ess:
        return []
    rules = (ess.get("spec") or {}).get("exportRules") or []
    out: dict[str, dict] = {}
    for svc in sorted(services, key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"])):
        meta = svc["metadata"]
        if meta["namespace"] not in members or not visible_to(svc, control_plane_ns):
            continue
        for rule in rules:
            target = match_export(rule, svc)
            if target is None:
                continue
            exported = f"{target[1]}.{target[0]}.svc.{peer}-exports.local"
            out.setdefault(exported, {
                "exportedName": exported,
                "localService": {"hostname": f"{meta['name']}.{meta['namespace']}.svc.cluster.local",
                                 "name": meta["name"], "namespace": meta["namespace"]},
                # what travels to the peer: the exported identity of the service
                "_exported": {"name": target[1], "namespace": target[0]},
            })
            break
    return list(out.values())


def rule_ignored(rule: dict) -> bool:
    """Rules that istiod drops without a word."""
    if rule.get("type") != "NameSelector":
        return True
    if (rule.get("domainSuffix") or "") in CLUSTER_DOMAINS:
        return True
    if rule.get("importAsLocal"):
        alias_ns = ((rule.get("nameSelector") or {}).get("alias") or {}).get("namespace")
        if not alias_ns or "*" in alias_ns:
            return True
    return False


def imports(iss: dict | None, offered: list[dict], exporting_mesh: str) -> list[dict]:
    """ImportedServiceSet status entries for the services a peer offers (name, namespace, exportedName)."""
    if not iss:
        return []
    spec = iss.get("spec") or {}
    rules = [r for r in spec.get("importRules") or [] if not rule_ignored(r)]
    default_suffix = spec.get("domainSuffix") or ""
    if default_suffix in CLUSTER_DOMAINS:
        default_suffix = ""
    default_suffix = default_suffix or f"svc.{exporting_mesh}-imports.local"
    out = []
    for item in sorted(offered, key=lambda o: o["exportedName"]):
        local = {"hostname": "", "name": "", "namespace": ""}
        for rule in rules:
            sel = rule.get("nameSelector") or {}
            if not (wildcard(sel.get("namespace"), item["namespace"]) and wildcard(sel.get("name"), item["name"])):
                continue
            ns, name = _alias(sel.get("alias"), item["namespace"], item["name"])
            suffix = "svc.cluster.local" if rule.get("importAsLocal") else (rule.get("domainSuffix") or default_suffix)
            local = {"hostname": f"{name}.{ns}.{suffix}", "name": name, "namespace": ns}
            break
        out.append({"exportedName": item["exportedName"], "localService": local})
    return out


def locality_effective(locality: dict | None) -> dict:
    """The locality istiod uses: a zone without a region (or a subzone without a zone) is dropped."""
    locality = locality or {}
    out = {}
    if locality.get("region"):
        out["region"] = locality["region"]
        if locality.get("zone"):
            out["zone"] = locality["zone"]
            if locality.get("subzone"):
                out["subzone"] = locality["subzone"]
    return out
