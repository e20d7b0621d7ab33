# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection
"""The federation status report: a Graphviz DOT topology and a Markdown page, from the results of
``federation_check`` (one per mesh). Pure: no Ansible, no cluster, no Graphviz (the role renders the DOT)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional

from . import names

CONNECTED = "connected"
ONE_WAY = "one-way"
DOWN = "down"
UNKNOWN = "unknown"

STATE_COLOURS = {CONNECTED: "#2e7d32", ONE_WAY: "#ef6c00", DOWN: "#c62828", UNKNOWN: "#9e9e9e"}
STATE_TEXT = {CONNECTED: "connected both ways", ONE_WAY: "connected one way", DOWN: "down", UNKNOWN: "not checked"}
MESH_FILL = {"pass": "#e8f5e9", "warn": "#fff8e1", "fail": "#ffebee"}

Obj = Mapping[str, Any]


def results_by_mesh(results: Iterable[Obj]) -> dict[str, Obj]:
    by_mesh: dict[str, Obj] = {}
    for index, item in enumerate(results):
        if not isinstance(item, Mapping) or not isinstance(item.get("mesh"), str):
            raise TypeError(f"results[{index}] must be a federation_check result (a dict with mesh, checks, summary, links)")
        by_mesh[item["mesh"]] = item
    return by_mesh


def _link(result: Optional[Obj], peer: str) -> Optional[Obj]:
    for link in (result or {}).get("links") or []:
        if link.get("peer") == peer:
            return link
    return None


def direction_up(results: Mapping[str, Obj], source: str, target: str) -> Optional[bool]:
    """Whether ``source``'s istiod watches ``target`` (source's outbound, or else target's inbound); None when unread."""
    own = _link(results.get(source), target)
    if own is not None:
        return bool(own.get("outbound_connected"))
    other = _link(results.get(target), source)
    if other is not None:
        return bool(other.get("inbound_connected"))
    return None


def link_state(results: Mapping[str, Obj], mesh_a: str, mesh_b: str) -> str:
    """``connected`` (both ways), ``one-way``, ``down`` or ``unknown`` (neither side was read)."""
    ups = [direction_up(results, mesh_a, mesh_b), direction_up(results, mesh_b, mesh_a)]
    if all(up is None for up in ups):
        return UNKNOWN
    if all(ups):
        return CONNECTED
    if any(ups):
        return ONE_WAY
    return DOWN


def short_export(name: str, peer: str) -> str:
    """``ratings.bookinfo`` for ``ratings.bookinfo.svc.<peer>-exports.local``."""
    suffix = "." + names.exports_domain_suffix(peer)
    return name[: -len(suffix)] if name.endswith(suffix) else name


def shared(results: Mapping[str, Obj], exporter: str, importer: str) -> dict[str, list[str]]:
    """What ``exporter`` exports to ``importer`` and what ``importer`` imports from ``exporter``."""
    exported = list((_link(results.get(exporter), importer) or {}).get("exported") or [])
    imported = list((_link(results.get(importer), exporter) or {}).get("imported") or [])
    return {"exported": sorted(str(item) for item in exported if item), "imported": sorted(str(item) for item in imported if item)}


def links(results: Mapping[str, Obj]) -> list[dict[str, Any]]:
    """Every peer pair once (sorted names), with its state and the services shared each way."""
    pairs = set()
    for mesh, result in results.items():
        for link in result.get("links") or []:
            peer = link.get("peer")
            if isinstance(peer, str):
                pairs.add(tuple(sorted((mesh, peer))))
        for check in result.get("checks") or []:
            if check.get("peer"):
                pairs.add(tuple(sorted((mesh, str(check["peer"])))))
    found = []
    for mesh_a, mesh_b in sorted(pairs):
        found.append({
            "id": f"link-{mesh_a}--{mesh_b}",
            "meshes": [mesh_a, mesh_b],
            "state": link_state(results, mesh_a, mesh_b),
            "up": {f"{mesh_a} -> {mesh_b}": direction_up(results, mesh_a, mesh_b), f"{mesh_b} -> {mesh_a}": direction_up(results, mesh_b, mesh_a)},
            "shared": {f"{mesh_a} -> {mesh_b}": shared(results, mesh_a, mesh_b), f"{mesh_b} -> {mesh_a}": shared(results, mesh_b, mesh_a)},
        })
    return found


def mesh_state(result: Obj) -> str:
    """``fail`` when a check of the mesh fails, else ``warn`` when one warns, else ``pass``."""
    summary = result.get("summary") or {}
    if summary.get("fail"):
        return "fail"
    if summary.get("warn"):
        return "warn"
    return "pass"


def dot_quote(text: str) -> str:
    """A DOT double-quoted string (``\\n`` and ``\\l`` escapes are written by the caller)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _edge_label(link: Obj) -> str:
    lines = [STATE_TEXT[link["state"]]]
    mesh_a, mesh_b = link["meshes"]
    for exporter, importer in ((mesh_a, mesh_b), (mesh_b, mesh_a)):
        flow = link["shared"][f"{exporter} -> {importer}"]
        if flow["exported"] or flow["imported"]:
            lines.append(f"{exporter} exports to {importer}: {', '.join(short_export(item, importer) for item in flow['exported']) or '-'}")
            lines.append(f"{importer} imports: {', '.join(flow['imported']) or '-'}")
    return "".join(line.replace("\\", "\\\\").replace('"', '\\"') + "\\l" for line in lines)


def to_dot(results: Iterable[Obj], title: str = "Service mesh federation") -> str:
    """The topology as a Graphviz graph: meshes as nodes, one edge per peer pair coloured by state."""
    by_mesh = results_by_mesh(results)
    all_links = links(by_mesh)
    meshes = sorted(set(by_mesh) | {mesh for link in all_links for mesh in link["meshes"]})
    out = [
        "graph federation {",
        f"  label={dot_quote(title)}; labelloc=t; fontname=\"Helvetica\"; fontsize=18; pad=0.4; nodesep=1.0; ranksep=1.6;",
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=12, margin=\"0.25,0.15\"];",
        "  edge [fontname=\"Helvetica\", fontsize=10, penwidth=3];",
    ]
    for mesh in meshes:
        result = by_mesh.get(mesh)
        if result is None:
            label = f"{mesh}\\nnot checked"
            fill = "#eeeeee"
        else:
            summary = result.get("summary") or {}
            label = "\\n".join([
                mesh.replace("\\", "\\\\").replace('"', '\\"'),
                f"trust domain {result.get('trust_domain') or '?'}",
                f"SMCP {result.get('smcp_version') or '?'}",
                f"{summary.get('pass', 0)} pass, {summary.get('warn', 0)} warn, {summary.get('fail', 0)} fail",
            ])
            fill = MESH_FILL[mesh_state(result)]
        out.append(f"  {dot_quote(mesh)} [id={dot_quote('mesh-' + mesh)}, label=\"{label}\", fillcolor={dot_quote(fill)}];")
    for link in all_links:
        mesh_a, mesh_b = link["meshes"]
        style = "solid" if link["state"] == CONNECTED else "dashed"
        out.append(
            f"  {dot_quote(mesh_a)} -- {dot_quote(mesh_b)} [id={dot_quote(link['id'])}, class={dot_quote(link['state'])}, "
            f"color={dot_quote(STATE_COLOURS[link['state']])}, fontcolor={dot_quote(STATE_COLOURS[link['state']])}, style={style}, "
            f"tooltip={dot_quote(mesh_a + ' -- ' + mesh_b + ': ' + STATE_TEXT[link['state']])}, label=\"{_edge_label(link)}\"];"
        )
    out.append("}")
    return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _up_text(value: Optional[bool]) -> str:
    return "not read" if value is None else ("up" if value else "down")


def to_markdown(results: Iterable[Obj], picture: str = "federation.svg", generated: Optional[str] = None,
                title: str = "Service mesh federation") -> str:
    """The status page: meshes, links with their state, services shared, and every check that does not pass."""
    by_mesh = results_by_mesh(results)
    all_links = links(by_mesh)
    checks = [check for mesh in sorted(by_mesh) for check in by_mesh[mesh].get("checks") or []]
    out = [f"# {title}", ""]
    if generated:
        out += [f"Generated {generated} from the read-only federation check of {len(by_mesh)} mesh(es).", ""]
    out += [f"![Federation topology]({picture})", ""]
    out += ["Links: green, connected both ways; orange, connected one way; red, down; grey, not checked.", ""]
    out += ["## Meshes", ""]
    out += _table(["mesh", "trust domain", "SMCP", "pass", "warn", "fail"], [
        [mesh, by_mesh[mesh].get("trust_domain"), by_mesh[mesh].get("smcp_version"),
         (by_mesh[mesh].get("summary") or {}).get("pass", 0), (by_mesh[mesh].get("summary") or {}).get("warn", 0),
         (by_mesh[mesh].get("summary") or {}).get("fail", 0)]
        for mesh in sorted(by_mesh)
    ])
    out += ["", "## Links", "", "A direction `a -> b` is up when the istiod of `a` is connected to the discovery service of `b`.", ""]
    out += _table(["link", "state", "directions"], [
        [f"{link['meshes'][0]} -- {link['meshes'][1]}", STATE_TEXT[link["state"]],
         ", ".join(f"{direction}: {_up_text(up)}" for direction, up in link["up"].items())]
        for link in all_links
    ])
    out += ["", "## Services shared", ""]
    rows = []
    for link in all_links:
        for direction, flow in link["shared"].items():
            exporter, importer = direction.split(" -> ")
            rows.append([exporter, importer, ", ".join(flow["exported"]) or "-", ", ".join(flow["imported"]) or "-"])
    out += _table(["exported by", "to", "exported names", "imported by the peer as"], rows)
    not_passing = [check for check in checks if check.get("result") != "pass"]
    out += ["", "## Checks that warn or fail", ""]
    if not_passing:
        out += _table(["mesh", "peer", "check", "result", "reason"],
                      [[check.get("mesh"), check.get("peer") or "-", check.get("check"), check.get("result"), check.get("reason")] for check in not_passing])
    else:
        out += [f"All {len(checks)} checks pass."]
    out += ["", "## All checks", ""]
    out += _table(["mesh", "peer", "check", "result", "reason"],
                  [[check.get("mesh"), check.get("peer") or "-", check.get("check"), check.get("result"), check.get("reason")] for check in checks])
    return "\n".join(out) + "\n"
