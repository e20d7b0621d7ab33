# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the playbook tests: a runner for the collection's playbooks with the JSON callback, and
a snapshot of every object federation could touch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from labkit import Lab

REPO = Path(__file__).resolve().parents[3]
COLLECTIONS = REPO / ".build" / "collections"
MODEL = REPO / "molecule" / "three_meshes" / "inventory"
FEDERATION_KINDS = ("servicemeshpeers", "exportedservicesets", "importedservicesets")


class PlaybookRun:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode = proc.returncode
        self.stderr = proc.stderr
        try:
            self.result = json.loads(proc.stdout)
        except ValueError as exc:
            raise AssertionError(f"ansible-playbook printed no JSON ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}") from exc
        self.stats: dict[str, dict[str, int]] = self.result.get("stats", {})

    def changed(self) -> dict[str, int]:
        return {host: counts.get("changed", 0) for host, counts in self.stats.items()}

    def failures(self) -> list[str]:
        """Messages of every failed task result."""
        found = []
        for play in self.result.get("plays", []):
            for task in play.get("tasks", []):
                for host, res in task.get("hosts", {}).items():
                    if res.get("failed") and not res.get("ignore_errors"):
                        found.append(f"{host}: {task['task']['name']}: {res.get('msg')}")
        return found


def run_playbook(playbook: str, inventory: Path, *args: str, model: Path = MODEL, overrides: tuple[Path, ...] = ()) -> PlaybookRun:
    """Run a playbook of the collection on the lab's inventory plus a model; ``overrides`` are further
    inventory files whose host variables replace the model's (one variable at a time)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_NOCOLOR="1", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), "-i", str(model),
               *[part for extra in overrides for part in ("-i", str(extra))], str(REPO / "playbooks" / playbook), *args]
    return PlaybookRun(subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200, check=False))


def snapshot(lab: Lab) -> dict[str, Any]:
    """Every object federation could touch, by cluster, with its resourceVersion."""
    state: dict[str, Any] = {}
    for name, cluster in lab.clusters.items():
        smcp = cluster.smcp()
        entry = {"smcp": smcp["metadata"]["resourceVersion"],
                 "configmaps": {cm.metadata.name: cm.metadata.resource_version
                                for cm in cluster.core.list_namespaced_config_map(cluster.namespace).items}}
        for plural in FEDERATION_KINDS:
            items = cluster.custom.list_namespaced_custom_object("federation.maistra.io", "v1", cluster.namespace, plural)["items"]
            entry[plural] = {item["metadata"]["name"]: item["metadata"]["resourceVersion"] for item in items}
        state[name] = entry
    return state
