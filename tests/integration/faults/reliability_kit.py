# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the reliability and security tests: the playbook tests' `fresh_lab` fixture, a snapshot of
every object federation could touch in every namespace of every cluster, the API audit log of the
least-privilege user, playbook runs in the background, and a way to make a mesh publish a given root
certificate."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from kubernetes.client.exceptions import ApiException

from labkit import Lab, wait_until
from playbook_kit import COLLECTIONS, MODEL, REPO, PlaybookRun

_spec = importlib.util.spec_from_file_location("playbooks_conftest", Path(__file__).resolve().parents[1] / "playbooks" / "conftest.py")
_playbooks_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_playbooks_conftest)
fresh_lab = _playbooks_conftest.fresh_lab

AUTOMATION_USER = "federation-automation"
WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
MESH_NAMES = ("red-mesh", "green-mesh", "blue-mesh")
# (group, version, plural) of every namespaced custom kind federation reads or writes
CUSTOM_KINDS = (
    ("maistra.io", "v2", "servicemeshcontrolplanes"),
    ("maistra.io", "v1", "servicemeshmemberrolls"),
    ("federation.maistra.io", "v1", "servicemeshpeers"),
    ("federation.maistra.io", "v1", "exportedservicesets"),
    ("federation.maistra.io", "v1", "importedservicesets"),
    ("networking.istio.io", "v1", "destinationrules"),
)


def namespaces_of(cluster) -> list[str]:
    return [cluster.namespace, *cluster.members]


def full_snapshot(lab: Lab) -> dict[str, Any]:
    """Name and resourceVersion of every object of every kind federation touches, in the control plane and
    member namespaces of every cluster (ConfigMaps, Services, ServiceAccounts, the custom kinds, the SMCP)."""
    state: dict[str, Any] = {}
    for name, cluster in lab.clusters.items():
        entry: dict[str, dict[str, str]] = {}
        for namespace in namespaces_of(cluster):
            for kind, lister in (("configmaps", cluster.core.list_namespaced_config_map),
                                 ("services", cluster.core.list_namespaced_service),
                                 ("serviceaccounts", cluster.core.list_namespaced_service_account)):
                entry[f"{namespace}/{kind}"] = {item.metadata.name: item.metadata.resource_version for item in lister(namespace).items}
            for group, version, plural in CUSTOM_KINDS:
                try:
                    items = cluster.custom.list_namespaced_custom_object(group, version, namespace, plural)["items"]
                except ApiException as exc:
                    if exc.status != 404:
                        raise
                    items = [{"metadata": {"name": "<kind not served>", "resourceVersion": ""}}]
                entry[f"{namespace}/{plural}"] = {item["metadata"]["name"]: item["metadata"]["resourceVersion"] for item in items}
        state[name] = entry
    return state


def settled_snapshot(lab: Lab, timeout: float = 20) -> dict[str, Any]:
    """A snapshot that two reads one emulator cycle apart agree on (the emulator writes twice a second)."""
    previous = full_snapshot(lab)

    def same():
        nonlocal previous
        current = full_snapshot(lab)
        agreed, previous = current == previous, current
        return agreed

    # polled once per emulator cycle and more, so that agreeing reads mean no write in between
    wait_until(same, timeout=timeout, interval=0.6, what="the lab to settle")
    return previous


def audit_paths(lab: Lab) -> dict[str, Path]:
    return {name: lab.state_dir / "clusters" / name / "audit.log" for name in lab.clusters}


def audit_marks(lab: Lab) -> dict[str, int]:
    """Current size of each cluster's audit log, to read only what comes after."""
    return {name: path.stat().st_size if path.exists() else 0 for name, path in audit_paths(lab).items()}


def audit_events(lab: Lab, marks: dict[str, int], user: str = AUTOMATION_USER) -> dict[str, list[dict]]:
    """Audit events of `user` written since `marks`, by cluster."""
    found: dict[str, list[dict]] = {}
    for name, path in audit_paths(lab).items():
        with open(path, "rb") as handle:
            handle.seek(marks.get(name, 0))
            lines = handle.read().decode("utf-8", "replace").splitlines()
        events = [json.loads(line) for line in lines if line.strip()]
        found[name] = [event for event in events if event.get("user", {}).get("username") == user]
    return found


def write_requests(events: dict[str, list[dict]]) -> list[str]:
    return [f"{name}: {event['verb']} {event.get('requestURI')}" for name, items in events.items()
            for event in items if event.get("verb") in WRITE_VERBS]


def playbook_command(playbook: str, inventory: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    link = COLLECTIONS / "ansible_collections" / "servicemesh" / "federation"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(REPO, link, target_is_directory=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_NOCOLOR="1", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory), "-i", str(MODEL),
               str(REPO / "playbooks" / playbook), *args]
    return command, env


class BackgroundRun:
    """ansible-playbook started with Popen, so a test can act while it runs."""

    def __init__(self, playbook: str, inventory: Path, *args: str, env: dict[str, str] | None = None):
        command, base_env = playbook_command(playbook, inventory, *args)
        base_env.update(env or {})
        self.proc = subprocess.Popen(command, env=base_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def finish(self, timeout: float = 600) -> PlaybookRun:
        stdout, stderr = self.proc.communicate(timeout=timeout)
        return PlaybookRun(subprocess.CompletedProcess(self.proc.args, self.proc.returncode, stdout, stderr))


def task_results(run: PlaybookRun) -> list[tuple[str, str, str, dict]]:
    """(play, task, host, result) of every task result of a run."""
    rows = []
    for play in run.result.get("plays", []):
        for task in play.get("tasks", []):
            for host, result in task.get("hosts", {}).items():
                rows.append((play["play"]["name"], task["task"]["name"], host, result))
    return rows


def failed_results(run: PlaybookRun) -> list[tuple[str, str, str, dict]]:
    return [row for row in task_results(run) if row[3].get("failed") and not row[3].get("ignore_errors")]


def failure_text(result: dict) -> str:
    """Every message of a failed result, its loop items included."""
    parts = [result.get("msg")]
    parts += [item.get("msg") for item in result.get("results", []) if item.get("failed")]
    return json.dumps([part for part in parts if part])


# --- a mesh's published root certificate ------------------------------------------------------------


def mesh_ca_file(lab: Lab, mesh: str) -> Path:
    return lab.state_dir / "mesh-ca" / f"{mesh}.json"


def publish_root(lab: Lab, mesh: str, root_text: str, intermediate_text: str = "") -> None:
    """Make the mesh's emulated CA publish `root_text` (+ `intermediate_text`) in istio-ca-root-cert and wait
    until the control plane namespace shows it. The CA file keeps its keys; only what is published changes."""
    path = mesh_ca_file(lab, mesh)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["root_pem"], data["intermediate_pem"] = root_text, intermediate_text
    path.write_text(json.dumps(data), encoding="utf-8")
    stamp = time.time() + 1
    os.utime(path, (stamp, stamp))  # the emulator reloads on a changed mtime
    cluster = lab[mesh]
    wait_until(lambda: cluster.core.read_namespaced_config_map("istio-ca-root-cert", cluster.namespace).data.get("root-cert.pem")
               == root_text + intermediate_text, timeout=30, what=f"{mesh} to publish the new root certificate")


class PublishedRoot:
    """Context manager: a mesh publishes a given root certificate, then its own again."""

    def __init__(self, lab: Lab, mesh: str, root_text: str):
        self.lab, self.mesh, self.root_text = lab, mesh, root_text
        self.original = mesh_ca_file(lab, mesh).read_text(encoding="utf-8")

    def __enter__(self):
        publish_root(self.lab, self.mesh, self.root_text)
        return self

    def __exit__(self, *exc):
        data = json.loads(self.original)
        publish_root(self.lab, self.mesh, data["root_pem"], data.get("intermediate_pem", ""))
        mesh_ca_file(self.lab, self.mesh).write_text(self.original, encoding="utf-8")
        stamp = time.time() + 2
        os.utime(mesh_ca_file(self.lab, self.mesh), (stamp, stamp))
        return False
