# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""federate.yml end to end on a fresh lab of three meshes (red aws, green baremetal, blue gcp).

The tests run in order on one lab: check mode on the untouched lab, then mesh-by-mesh runs with
--limit, then a full run that must change nothing, then the user's SMCP settings, then a broken link.
"""

from __future__ import annotations

import copy
import time

from kubernetes.client.exceptions import ApiException

from labkit import wait_until
from playbook_kit import FEDERATION_KINDS, run_playbook, snapshot

MESH_NAMES = ("red-mesh", "green-mesh", "blue-mesh")
STATE: dict = {}


def _connected_both_ways(lab) -> dict[str, list[str]]:
    """Peers not connected both ways, by mesh (empty lists when all are)."""
    missing: dict[str, list[str]] = {}
    for name, cluster in lab.clusters.items():
        peers = cluster.custom.list_namespaced_custom_object("federation.maistra.io", "v1", cluster.namespace, "servicemeshpeers")["items"]
        missing[name] = sorted(set(MESH_NAMES) - {name} - {p["metadata"]["name"] for p in peers})
        for peer in peers:
            active = ((peer.get("status") or {}).get("discoveryStatus") or {}).get("active") or [{}]
            outbound = any((pod.get("watch") or {}).get("connected") for pod in active)
            inbound = any(r.get("connected") for pod in active for r in pod.get("remotes") or [])
            if not (outbound and inbound):
                missing[name].append(peer["metadata"]["name"])
    return missing


def test_check_mode_previews_and_writes_nothing(fresh_lab):
    STATE["smcp_before"] = {name: copy.deepcopy(fresh_lab[name].smcp()) for name in MESH_NAMES}
    before = snapshot(fresh_lab)
    run = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml", "--check", "--diff")
    assert run.returncode == 0, run.failures() or run.stderr[-3000:]
    assert all(count > 0 for count in run.changed().values()), run.changed()
    assert snapshot(fresh_lab) == before
    for name in MESH_NAMES:
        for plural in FEDERATION_KINDS:
            assert before[name][plural] == {}, f"{name} had {plural} before any run"


def test_limit_mesh_by_mesh_reaches_the_full_state(fresh_lab):
    inventory = fresh_lab.state_dir / "inventory.yml"
    for name in MESH_NAMES:
        run = run_playbook("federate.yml", inventory, "--limit", name)
        assert run.returncode == 0, run.failures() or run.stderr[-3000:]
    deadline = time.monotonic() + 60
    while any(_connected_both_ways(fresh_lab).values()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(_connected_both_ways(fresh_lab).values()), _connected_both_ways(fresh_lab)
    full = run_playbook("federate.yml", inventory)
    assert full.returncode == 0, full.failures()
    assert full.changed() == {name: 0 for name in MESH_NAMES}, "a full run after the mesh-by-mesh runs still changed something"


def test_second_run_changes_nothing_and_writes_nothing(fresh_lab):
    before = snapshot(fresh_lab)
    run = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml")
    assert run.returncode == 0, run.failures()
    assert run.changed() == {name: 0 for name in MESH_NAMES}
    after = snapshot(fresh_lab)
    for name in MESH_NAMES:
        # status writes by the emulator change resourceVersions of peers and service sets; what we write does not
        assert after[name]["smcp"] == before[name]["smcp"]
        assert after[name]["configmaps"] == before[name]["configmaps"]


def test_user_settings_of_the_smcp_are_kept(fresh_lab):
    for name in MESH_NAMES:
        before = STATE["smcp_before"][name]["spec"]
        after = copy.deepcopy(fresh_lab[name].smcp()["spec"])
        peers = set(MESH_NAMES) - {name}
        gateways = after.get("gateways", {})
        for kind, prefix in (("additionalIngress", "ingress-"), ("additionalEgress", "egress-")):
            entries = gateways.get(kind, {})
            assert {prefix + peer for peer in peers} <= set(entries), f"{name}: {kind} lacks federation gateways"
            for peer in peers:
                entries.pop(prefix + peer)
            if not entries and kind not in before.get("gateways", {}):
                gateways.pop(kind)
        trust = after.get("security", {}).get("trust", {})
        assert trust.pop("domain") == f"{name}.local"
        if not trust and "trust" not in before.get("security", {}):
            after["security"].pop("trust")
        if not after.get("security") and "security" not in before:
            after.pop("security")
        assert after == before, f"{name}: settings other than federation changed"


def test_broken_link_fails_verify_with_peer_direction_and_logs(fresh_lab):
    green = fresh_lab["green-mesh"]
    name = "red-mesh-ca-root-cert"
    original = green.core.read_namespaced_config_map(name, green.namespace)
    wrong = fresh_lab["blue-mesh"].root_cert()
    green.core.patch_namespaced_config_map(name, green.namespace, {"data": {"root-cert.pem": wrong}})
    # istiod does not watch the ConfigMap: touch the peer so that the wrong certificate is loaded
    green.custom.patch_namespaced_custom_object("federation.maistra.io", "v1", green.namespace, "servicemeshpeers", "red-mesh",
                                                {"metadata": {"annotations": {"test.servicemesh.io/touched": str(time.time())}}})
    try:
        def disconnected() -> bool:
            return not any((pod.get("watch") or {}).get("connected") for pod in green.peer("red-mesh")["status"]["discoveryStatus"]["active"])

        wait_until(disconnected, timeout=30, what="green-mesh -> red-mesh to disconnect")
        run = run_playbook("verify.yml", fresh_lab.state_dir / "inventory.yml", "-e", "verify_timeout=20")
        assert run.returncode != 0
        message = " ".join(run.failures())
        assert "green-mesh -> red-mesh" in message, message
        assert "istiod-green-mesh" in message and "egress-red-mesh" in message and "ingress-green-mesh in red-mesh-system" in message, message
    finally:
        try:
            green.core.patch_namespaced_config_map(name, green.namespace, {"data": original.data})
        except ApiException:
            pass
