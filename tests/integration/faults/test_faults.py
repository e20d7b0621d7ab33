# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Faults through the lab's fault verbs, each test on a fresh lab of its own (the `fresh_lab` fixture is
module-scoped, so the tests of this file share one: they run in the order written and each starts from the
state the previous one left, which is stated in its docstring)."""

from __future__ import annotations

import time

from labkit import wait_until
from playbook_kit import run_playbook
from reliability_kit import MESH_NAMES, BackgroundRun, audit_events, audit_marks, failed_results, failure_text

PEER_KINDS = ("servicemeshpeers", "exportedservicesets", "importedservicesets")


def _objects(lab) -> dict[str, dict[str, list[str]]]:
    """Our objects by cluster and kind (names), and the SMCP's federation gateways."""
    found: dict[str, dict[str, list[str]]] = {}
    for name in MESH_NAMES:
        cluster = lab[name]
        entry = {plural: sorted(item["metadata"]["name"] for item in cluster.custom.list_namespaced_custom_object(
            "federation.maistra.io", "v1", cluster.namespace, plural)["items"]) for plural in PEER_KINDS}
        entry["ca_configmaps"] = sorted(cm.metadata.name for cm in cluster.core.list_namespaced_config_map(cluster.namespace).items
                                        if cm.metadata.name.endswith("-ca-root-cert") and cm.metadata.name != "istio-ca-root-cert")
        gateways = cluster.smcp()["spec"].get("gateways", {})
        entry["gateways"] = sorted(key for kind in ("additionalIngress", "additionalEgress") for key in gateways.get(kind, {})
                                   if key.split("-", 1)[1] in MESH_NAMES)
        found[name] = entry
    return found


def _expected() -> dict[str, dict[str, list[str]]]:
    expected = {}
    for name in MESH_NAMES:
        peers = sorted(set(MESH_NAMES) - {name})
        entry = {plural: peers for plural in PEER_KINDS}
        entry["ca_configmaps"] = [f"{peer}-ca-root-cert" for peer in peers]
        entry["gateways"] = sorted([f"ingress-{peer}" for peer in peers] + [f"egress-{peer}" for peer in peers])
        expected[name] = entry
    return expected


def _not_connected(lab) -> list[str]:
    missing = []
    for name in MESH_NAMES:
        cluster = lab[name]
        for peer in cluster.custom.list_namespaced_custom_object("federation.maistra.io", "v1", cluster.namespace, "servicemeshpeers")["items"]:
            active = ((peer.get("status") or {}).get("discoveryStatus") or {}).get("active") or [{}]
            outbound = any((pod.get("watch") or {}).get("connected") for pod in active)
            inbound = any(remote.get("connected") for pod in active for remote in pod.get("remotes") or [])
            if not (outbound and inbound):
                missing.append(f"{name}->{peer['metadata']['name']}")
    return missing


def test_lb_without_address_fails_with_the_platform_hint_within_the_timeout(fresh_lab, tmp_path):
    """Fresh lab: red-mesh (aws) load balancers are delayed beyond the run, green-mesh (bare metal, no load
    balancer) is asked for a LoadBalancer ingress; the run fails within its timeouts with both hints."""
    overlay = tmp_path / "overlay.yml"
    overlay.write_text("federation:\n  hosts:\n    green-mesh:\n      federation_ingress_service_type: LoadBalancer\n", encoding="utf-8")
    fresh_lab.labctl("set-delay", "red-mesh", "100000")
    try:
        started = time.monotonic()
        run = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml", "-i", str(overlay),
                           "-e", "control_plane_wait_timeout=10", "-e", "discover_wait_timeout=10")
        elapsed = time.monotonic() - started
    finally:
        fresh_lab.labctl("set-delay", "red-mesh", "0")
    assert run.returncode != 0
    by_host = {row[2]: failure_text(row[3]) for row in failed_results(run)}
    assert "Timed out after 10s" in by_host.get("red-mesh", ""), by_host
    assert "AWS network load balancer" in by_host["red-mesh"] or "aws-load-balancer-type" in by_host["red-mesh"], by_host
    assert "federation_ingress_service_type: NodePort" in by_host.get("green-mesh", ""), by_host
    assert elapsed < 120, elapsed


def test_two_runs_at_once_end_in_the_correct_state_and_a_third_changes_nothing(fresh_lab):
    """After the load balancer test: two federate.yml runs at the same time, then a third."""
    runs = [BackgroundRun("federate.yml", fresh_lab.state_dir / "inventory.yml") for _run in range(2)]
    results = [run.finish() for run in runs]
    assert [result.returncode for result in results] == [0, 0], [result.failures() for result in results]
    assert _objects(fresh_lab) == _expected()
    third = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml")
    assert third.returncode == 0, third.failures()
    assert third.changed() == {name: 0 for name in MESH_NAMES}
    wait_until(lambda: not _not_connected(fresh_lab), timeout=60, what="every link connected both ways")


def test_api_server_stopped_mid_run_fails_clearly_and_a_rerun_converges(fresh_lab):
    """Federated lab (the previous test): blue-mesh's API server stops after the run's first write; the run fails naming it."""
    cluster = fresh_lab["blue-mesh"]
    for plural in PEER_KINDS:  # so that the run has writes left to make when the server stops
        for item in cluster.custom.list_namespaced_custom_object("federation.maistra.io", "v1", cluster.namespace, plural)["items"]:
            cluster.delete("federation.maistra.io", "v1", plural, item["metadata"]["name"])
    marks = audit_marks(fresh_lab)
    run = BackgroundRun("federate.yml", fresh_lab.state_dir / "inventory.yml")
    try:
        wait_until(lambda: any(e["verb"] == "patch" for items in audit_events(fresh_lab, marks).values() for e in items)
                   or run.proc.poll() is not None, timeout=300, interval=0.2, what="the run's first write")
        assert run.proc.poll() is None, "the run ended before its first write"
        fresh_lab.labctl("stop-api", "blue-mesh")
        result = run.finish()
    finally:
        if run.proc.poll() is None:
            run.proc.kill()
    try:
        assert result.returncode != 0
        failed = failed_results(result)
        assert failed
        text = " ".join(failure_text(row[3]) for row in failed)
        port = str(fresh_lab.info["meshes"]["blue-mesh"]["api_port"])
        assert "blue-mesh" in text or port in text, text
        assert "Cannot reach the API server" in text or "blue-mesh" in text, text
        assert "Traceback (most recent call last)" not in text, text
    finally:
        fresh_lab.labctl("start-api", "blue-mesh")
    rerun = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml")
    assert rerun.returncode == 0, rerun.failures()
    assert _objects(fresh_lab) == _expected()
    wait_until(lambda: not _not_connected(fresh_lab), timeout=60, what="every link connected both ways")
