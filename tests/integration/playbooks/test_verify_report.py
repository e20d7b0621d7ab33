# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""verify.yml and report.yml on a fresh, federated lab of three meshes (red aws, green baremetal, blue gcp).

The tests run in order on one lab: federate, verify passes, the report renders; then one fault at a time
(wrong certificate, missing gateway, address changed, link down), each restored before the next; then a
certificate near expiry, which warns without failing.
"""

from __future__ import annotations

import html
import time

import pytest

from labkit import wait_until
from playbook_kit import run_playbook

MESH_NAMES = ("red-mesh", "green-mesh", "blue-mesh")
PAIRS = (("blue-mesh", "green-mesh"), ("blue-mesh", "red-mesh"), ("green-mesh", "red-mesh"))
PER_MESH_CHECKS = 3 + 11 * 2  # api, crds, smcp_version; eleven checks for each of two peers
CONNECTED_COLOUR = "#2e7d32"
ONE_WAY_COLOUR = "#ef6c00"


@pytest.fixture(autouse=True)
def custom_stats(monkeypatch):
    """The JSON callback prints set_stats data only with show_custom_stats."""
    monkeypatch.setenv("ANSIBLE_SHOW_CUSTOM_STATS", "1")


def check_results(run) -> dict[tuple, dict]:
    """Every check result of the run, by (mesh, peer, check)."""
    found = {}
    for play in run.result.get("plays", []):
        for task in play.get("tasks", []):
            for res in task.get("hosts", {}).values():
                for check in res.get("checks") or []:
                    found[(check["mesh"], check["peer"], check["check"])] = check
    return found


def failing(run) -> set[tuple]:
    return {key for key, check in check_results(run).items() if check["result"] == "fail"}


def not_connected(lab) -> list[str]:
    """Directions that are not connected, read with the admin client (empty when the federation is healthy)."""
    down = []
    for name, cluster in lab.clusters.items():
        for peer in set(MESH_NAMES) - {name}:
            obj = cluster.peer(peer) or {}
            active = ((obj.get("status") or {}).get("discoveryStatus") or {}).get("active") or [{}]
            if not any((pod.get("watch") or {}).get("connected") for pod in active):
                down.append(f"{name} -> {peer}")
    return down


def verify(lab, *args):
    return run_playbook("verify.yml", lab.state_dir / "inventory.yml", *args)


def assert_names_failing_check(run, key):
    assert run.returncode != 0, "verify passed with a fault in place"
    assert key in failing(run), f"{key} did not fail; failing: {sorted(failing(run), key=str)}"
    mesh, peer, check = key
    message = " ".join(run.failures())
    assert f"{mesh}/{peer} {check}:" in message if peer else f"{mesh} {check}:" in message, message


def wait_healthy(lab, timeout=90):
    wait_until(lambda: not not_connected(lab), timeout=timeout, interval=0.5, what="every link connected again")


def test_verify_passes_on_a_healthy_federation(fresh_lab):
    federate = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml")
    assert federate.returncode == 0, federate.failures() or federate.stderr[-3000:]
    started = time.monotonic()
    run = verify(fresh_lab)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.failures() or run.stderr[-3000:]
    results = check_results(run)
    assert len(results) == PER_MESH_CHECKS * len(MESH_NAMES)
    assert {key for key, check in results.items() if check["result"] != "pass"} == set()
    for mesh in MESH_NAMES:
        for peer in set(MESH_NAMES) - {mesh}:
            assert results[(mesh, peer, "root_cert")]["result"] == "pass"
            assert results[(mesh, peer, "connection")]["result"] == "pass"
    assert run.changed() == {name: 0 for name in MESH_NAMES}
    stats = run.result.get("global_custom_stats") or {}
    assert stats.get("federation_check_fail") == 0, stats
    assert stats.get("federation_check_pass") == PER_MESH_CHECKS * len(MESH_NAMES), stats
    assert sorted(stats.get("federation_check", {})) == sorted(MESH_NAMES), stats
    assert len(stats.get("federation_check_results", [])) == PER_MESH_CHECKS * len(MESH_NAMES)
    print(f"verify.yml on three meshes: {elapsed:.1f}s")


def test_verify_in_check_mode_reads_the_same(fresh_lab):
    run = verify(fresh_lab, "--check")
    assert run.returncode == 0, run.failures()
    assert all(check["result"] == "pass" for check in check_results(run).values())
    assert run.changed() == {name: 0 for name in MESH_NAMES}


def _report_files(tmp_path, lab):
    run = run_playbook("report.yml", lab.state_dir / "inventory.yml", "-e", f"report_dir={tmp_path}")
    assert run.returncode == 0, run.failures() or run.stderr[-3000:]
    svg = tmp_path / "federation.svg"
    png = tmp_path / "federation.png"
    markdown = tmp_path / "federation.md"
    for path in (svg, png, markdown):
        assert path.is_file(), f"{path.name} was not written"
    return html.unescape(svg.read_text()), png.read_bytes(), markdown.read_text()


def _edge_colour(svg: str, link_id: str) -> str:
    start = svg.index(f'id="{link_id}"')
    group = svg[start:svg.index("</g>", start)]
    return group.split('stroke="', 1)[1].split('"', 1)[0]


def test_report_renders_every_mesh_and_link(fresh_lab, tmp_path):
    svg, png, markdown = _report_files(tmp_path, fresh_lab)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000, len(png)
    for mesh in MESH_NAMES:
        assert f">{mesh}</text>" in svg, mesh
        assert f"| {mesh} |" in markdown, mesh
    for mesh_a, mesh_b in PAIRS:
        assert _edge_colour(svg, f"link-{mesh_a}--{mesh_b}") == CONNECTED_COLOUR
        assert f"| {mesh_a} -- {mesh_b} | connected both ways |" in markdown
    assert "red-ratings.bookinfo.svc.red-mesh-imports.local" in markdown
    assert "red-ratings.bookinfo.svc.red-mesh-imports.local" in svg
    assert f"All {PER_MESH_CHECKS * len(MESH_NAMES)} checks pass." in markdown


def test_wrong_certificate_fails_root_cert(fresh_lab):
    green = fresh_lab["green-mesh"]
    name = "red-mesh-ca-root-cert"
    original = green.core.read_namespaced_config_map(name, green.namespace).data

    def touch():
        # istiod does not watch the ConfigMap: touch the peer so that the certificate is loaded again
        green.custom.patch_namespaced_custom_object("federation.maistra.io", "v1", green.namespace, "servicemeshpeers", "red-mesh",
                                                    {"metadata": {"annotations": {"test.servicemesh.io/touched": str(time.time())}}})

    green.core.patch_namespaced_config_map(name, green.namespace, {"data": {"root-cert.pem": fresh_lab["blue-mesh"].root_cert()}})
    touch()
    try:
        wait_until(lambda: "green-mesh -> red-mesh" in not_connected(fresh_lab), timeout=30, what="green-mesh -> red-mesh down")
        run = verify(fresh_lab)
        assert_names_failing_check(run, ("green-mesh", "red-mesh", "root_cert"))
        assert ("green-mesh", "red-mesh", "connection") in failing(run)
        assert ("red-mesh", "green-mesh", "root_cert") not in failing(run)
    finally:
        green.core.patch_namespaced_config_map(name, green.namespace, {"data": original})
        touch()
    wait_healthy(fresh_lab)


def test_missing_gateway_fails_ingress_gateway(fresh_lab):
    red = fresh_lab["red-mesh"]
    entry = red.smcp()["spec"]["gateways"]["additionalIngress"]["ingress-green-mesh"]
    red.patch_smcp({"spec": {"gateways": {"additionalIngress": {"ingress-green-mesh": None}}}})
    try:
        wait_until(lambda: red.service("ingress-green-mesh") is None, timeout=30, what="ingress-green-mesh removed")
        run = verify(fresh_lab)
        assert_names_failing_check(run, ("red-mesh", "green-mesh", "ingress_gateway"))
        assert "does not exist" in check_results(run)[("red-mesh", "green-mesh", "ingress_gateway")]["reason"]
        assert ("red-mesh", "blue-mesh", "ingress_gateway") not in failing(run)
    finally:
        red.patch_smcp({"spec": {"gateways": {"additionalIngress": {"ingress-green-mesh": entry}}}})
    wait_healthy(fresh_lab)


def test_address_changed_fails_address_and_the_report_shows_one_way(fresh_lab, tmp_path):
    red = fresh_lab["red-mesh"]
    new = f"127.{100 + fresh_lab.info['slot']}.9.250"
    fresh_lab.labctl("set-address", "red-mesh", "ingress-green-mesh", new)
    try:
        wait_until(lambda: "green-mesh -> red-mesh" in not_connected(fresh_lab), timeout=30, what="green-mesh -> red-mesh down")
        run = verify(fresh_lab)
        assert_names_failing_check(run, ("green-mesh", "red-mesh", "address"))
        assert new in check_results(run)[("green-mesh", "red-mesh", "address")]["reason"]
        assert ("red-mesh", "green-mesh", "address") not in failing(run)
        svg, _png, markdown = _report_files(tmp_path, fresh_lab)
        assert _edge_colour(svg, "link-green-mesh--red-mesh") == ONE_WAY_COLOUR
        assert _edge_colour(svg, "link-blue-mesh--red-mesh") == CONNECTED_COLOUR
        assert "| green-mesh -- red-mesh | connected one way |" in markdown
    finally:
        fresh_lab.labctl("set-address", "red-mesh", "ingress-green-mesh", "auto")
    wait_until(lambda: red.service("ingress-green-mesh").status.load_balancer.ingress[0].hostname, timeout=30, what="address back")
    wait_healthy(fresh_lab)


def test_link_down_fails_the_checks_that_need_the_cluster(fresh_lab):
    fresh_lab.labctl("stop-api", "red-mesh")
    try:
        run = verify(fresh_lab)
        assert_names_failing_check(run, ("red-mesh", None, "api"))
        assert_names_failing_check(run, ("green-mesh", "red-mesh", "root_cert"))
        assert "cannot read the peer's cluster" in check_results(run)[("blue-mesh", "red-mesh", "address")]["reason"]
        assert ("green-mesh", "blue-mesh", "connection") not in failing(run)
    finally:
        fresh_lab.labctl("start-api", "red-mesh")
    wait_healthy(fresh_lab)


def test_certificate_near_expiry_warns_without_failing(fresh_lab):
    run = verify(fresh_lab, "-e", "verify_cert_expiry_warn_days=100000")
    assert run.returncode == 0, run.failures()
    results = check_results(run)
    expiry = {key: check for key, check in results.items() if key[2] == "cert_expiry"}
    assert len(expiry) == 6
    assert all(check["result"] == "warn" and "expires on" in check["reason"] for check in expiry.values()), expiry
    assert not failing(run)
    assert (run.result.get("global_custom_stats") or {}).get("federation_check_warn") == 6
