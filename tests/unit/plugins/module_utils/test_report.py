# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report: link states from check results, the DOT topology and the Markdown page."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.servicemesh.federation.plugins.filter.federation_report import FilterModule
from ansible_collections.servicemesh.federation.plugins.module_utils._federation import report

from ansible.errors import AnsibleFilterError


def _link(peer: str, out: bool = True, into: bool = True, exported: tuple = (), imported: tuple = ()) -> dict[str, Any]:
    return {"peer": peer, "exists": True, "outbound_connected": out, "inbound_connected": into,
            "exported": list(exported), "imported": list(imported)}


def _result(mesh: str, links: list[dict[str, Any]], fail: int = 0, warn: int = 0) -> dict[str, Any]:
    checks = [{"mesh": mesh, "peer": None, "check": "api", "result": "pass", "reason": "the API server answers"}]
    if fail:
        checks.append({"mesh": mesh, "peer": links[0]["peer"], "check": "root_cert", "result": "fail", "reason": "wrong | root"})
    return {"mesh": mesh, "checks": checks, "links": links, "trust_domain": f"{mesh}.local", "smcp_version": "v2.6",
            "summary": {"pass": 1, "warn": warn, "fail": fail}}


def three_meshes() -> list[dict[str, Any]]:
    return [
        _result("red-mesh", [_link("green-mesh", exported=["red-ratings.bookinfo.svc.green-mesh-exports.local"]), _link("blue-mesh")]),
        # green cannot reach blue: green -> blue down, blue -> green up (seen from green as inbound)
        _result("green-mesh", [_link("red-mesh", imported=["red-ratings.bookinfo.svc.red-mesh-imports.local"]),
                               _link("blue-mesh", out=False)], fail=1),
        _result("blue-mesh", [_link("red-mesh", out=False, into=False), _link("green-mesh", into=False)]),
    ]


def by_mesh() -> dict[str, Any]:
    return report.results_by_mesh(three_meshes())


def test_link_states():
    results = by_mesh()
    assert report.link_state(results, "green-mesh", "red-mesh") == report.CONNECTED
    assert report.link_state(results, "blue-mesh", "green-mesh") == report.ONE_WAY
    # red says it watches blue; blue says it does not watch red: one way
    assert report.link_state(results, "blue-mesh", "red-mesh") == report.ONE_WAY
    assert report.link_state(results, "red-mesh", "purple-mesh") == report.UNKNOWN
    results["blue-mesh"]["links"][0]["outbound_connected"] = False
    results["red-mesh"]["links"][1]["outbound_connected"] = False
    assert report.link_state(results, "blue-mesh", "red-mesh") == report.DOWN


def test_direction_falls_back_to_the_peers_view():
    results = {"red-mesh": _result("red-mesh", [_link("green-mesh", into=False)])}
    assert report.direction_up(results, "green-mesh", "red-mesh") is False
    assert report.direction_up(results, "red-mesh", "green-mesh") is True
    assert report.link_state(results, "red-mesh", "green-mesh") == report.ONE_WAY


def test_links_list_every_pair_once_with_the_services_each_way():
    links = report.links(by_mesh())
    assert [link["id"] for link in links] == ["link-blue-mesh--green-mesh", "link-blue-mesh--red-mesh", "link-green-mesh--red-mesh"]
    green_red = links[2]
    assert green_red["shared"]["red-mesh -> green-mesh"] == {
        "exported": ["red-ratings.bookinfo.svc.green-mesh-exports.local"],
        "imported": ["red-ratings.bookinfo.svc.red-mesh-imports.local"],
    }
    assert green_red["shared"]["green-mesh -> red-mesh"] == {"exported": [], "imported": []}


def test_dot_has_each_mesh_and_link_coloured_by_state():
    dot = report.to_dot(three_meshes())
    assert dot.startswith("graph federation {") and dot.rstrip().endswith("}")
    for mesh in ("red-mesh", "green-mesh", "blue-mesh"):
        assert f'"{mesh}" [id="mesh-{mesh}"' in dot
    assert '"green-mesh" -- "red-mesh" [id="link-green-mesh--red-mesh", class="connected", color="#2e7d32"' in dot
    assert '"blue-mesh" -- "green-mesh" [id="link-blue-mesh--green-mesh", class="one-way", color="#ef6c00"' in dot
    assert "red-mesh exports to green-mesh: red-ratings.bookinfo\\l" in dot
    assert "green-mesh imports: red-ratings.bookinfo.svc.red-mesh-imports.local\\l" in dot
    # a mesh with a failing check is filled red, the others green
    assert 'fillcolor="#ffebee"' in dot.split('"green-mesh" [', 1)[1].split("\n", 1)[0]
    assert 'fillcolor="#e8f5e9"' in dot.split('"red-mesh" [', 1)[1].split("\n", 1)[0]


def test_dot_quotes_what_it_embeds():
    assert report.dot_quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    dot = report.to_dot([_result("red-mesh", [_link("green-mesh")])], title='the "prod" federation')
    assert 'label="the \\"prod\\" federation"' in dot
    assert '"green-mesh" [id="mesh-green-mesh", label="green-mesh\\nnot checked"' in dot


def test_markdown_page():
    page = report.to_markdown(three_meshes(), picture="federation.svg", generated="2026-06-01 12:00:00 UTC")
    assert page.startswith("# Service mesh federation\n")
    assert "Generated 2026-06-01 12:00:00 UTC from the read-only federation check of 3 mesh(es)." in page
    assert "![Federation topology](federation.svg)" in page
    assert "| green-mesh | green-mesh.local | v2.6 | 1 | 0 | 1 |" in page
    assert "| green-mesh -- red-mesh | connected both ways | green-mesh -> red-mesh: up, red-mesh -> green-mesh: up |" in page
    assert "| blue-mesh -- green-mesh | connected one way | blue-mesh -> green-mesh: up, green-mesh -> blue-mesh: down |" in page
    assert ("| red-mesh | green-mesh | red-ratings.bookinfo.svc.green-mesh-exports.local | "
            "red-ratings.bookinfo.svc.red-mesh-imports.local |") in page
    # pipes in reasons do not break the table
    assert "| green-mesh | red-mesh | root_cert | fail | wrong \\| root |" in page


def test_markdown_says_when_everything_passes():
    page = report.to_markdown([_result("red-mesh", [_link("green-mesh")]), _result("green-mesh", [_link("red-mesh")])])
    assert "All 2 checks pass." in page
    assert "Generated" not in page


def test_filter_returns_dot_markdown_and_links():
    federation_report = FilterModule().filters()["federation_report"]
    built = federation_report(three_meshes(), generated="now")
    assert set(built) == {"dot", "markdown", "links"}
    assert len(built["links"]) == 3
    assert "Generated now" in built["markdown"]


@pytest.mark.parametrize("value, message", [
    ({"mesh": "red-mesh"}, "the input must be a list of federation_check results, got dict"),
    ("red-mesh", "the input must be a list of federation_check results, got str"),
    ([{"checks": []}], r"results\[0\] must be a federation_check result"),
])
def test_filter_errors(value, message):
    federation_report = FilterModule().filters()["federation_report"]
    with pytest.raises(AnsibleFilterError, match="servicemesh.federation.federation_report: " + message):
        federation_report(value)


def test_filter_checks_options():
    federation_report = FilterModule().filters()["federation_report"]
    with pytest.raises(AnsibleFilterError, match="picture must be a string, got"):
        federation_report([], picture=3)
