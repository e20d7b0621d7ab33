# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the collection's modules through real `ansible` ad-hoc runs against the lab shared by the test run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Callable

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException

REPO = Path(__file__).resolve().parents[3]
COLLECTIONS = REPO / ".build" / "collections"
ANSIBLE = Path(sys.executable).parent / "ansible"


def _collection_tree() -> Path:
    """The tree tests/conftest.py links the repository into."""
    return COLLECTIONS


def run_module(name: str, args: dict[str, Any], check: bool = False, diff: bool = False) -> dict[str, Any]:
    """One `ansible localhost -m servicemesh.federation.<name>` run; returns the module's result."""
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(_collection_tree()),
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_NOCOLOR="1",
    )
    command = [str(ANSIBLE), "localhost", "-c", "local", "-e", f"ansible_python_interpreter={sys.executable}",
               "-m", f"servicemesh.federation.{name}", "-a", json.dumps(args)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    try:
        output = json.loads(proc.stdout)
        return output["plays"][0]["tasks"][0]["hosts"]["localhost"]
    except (ValueError, KeyError, IndexError) as exc:
        raise AssertionError(f"no module result from ansible ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}") from exc


@pytest.fixture(name="run")
def fixture_run() -> Callable[..., dict[str, Any]]:
    return run_module


@pytest.fixture(name="admin_kubeconfig")
def fixture_admin_kubeconfig(lab: Any) -> Callable[[str], str]:
    return lambda mesh: str(lab.state_dir / f"admin-{mesh}.kubeconfig")


@pytest.fixture(name="kubeconfig")
def fixture_kubeconfig(lab: Any) -> Callable[[str], str]:
    """The least-privilege kubeconfig of a mesh (the one its inventory host uses)."""
    return lambda mesh: str(lab.state_dir / f"{mesh}.kubeconfig")


@pytest.fixture(name="scratch")
def fixture_scratch(lab: Any) -> Any:
    """Factory of fresh namespaces in a mesh's cluster (``scratch("green-mesh")``), deleted afterwards."""
    created: list[tuple[str, str]] = []

    def make(mesh: str = "red-mesh") -> str:
        name = f"modtest-{uuid.uuid4().hex[:8]}"
        lab[mesh].core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=name)))
        created.append((mesh, name))
        return name

    yield make
    # The lab runs no namespace controller: a deleted namespace keeps its objects (and their node
    # ports) until they are deleted one by one, so empty it first.
    for mesh, name in created:
        cluster = lab[mesh]
        for group, version, plural in CUSTOM_KINDS:
            for item in cluster.custom.list_namespaced_custom_object(group, version, name, plural)["items"]:
                cluster.delete(group, version, plural, item["metadata"]["name"], name)
        for service in cluster.core.list_namespaced_service(name).items:
            _ignore_missing(cluster.core.delete_namespaced_service, service.metadata.name, name)
        for configmap in cluster.core.list_namespaced_config_map(name).items:
            _ignore_missing(cluster.core.delete_namespaced_config_map, configmap.metadata.name, name)
        _ignore_missing(cluster.core.delete_namespace, name)


CUSTOM_KINDS = [
    ("maistra.io", "v2", "servicemeshcontrolplanes"),
    ("federation.maistra.io", "v1", "servicemeshpeers"),
    ("federation.maistra.io", "v1", "exportedservicesets"),
    ("federation.maistra.io", "v1", "importedservicesets"),
]


def _ignore_missing(delete: Callable[..., Any], *args: Any) -> None:
    try:
        delete(*args)
    except ApiException as exc:
        if exc.status != 404:
            raise


@pytest.fixture(name="scratch_namespace")
def fixture_scratch_namespace(scratch: Any) -> str:
    """A fresh namespace in red-mesh's cluster, deleted afterwards."""
    return scratch("red-mesh")
