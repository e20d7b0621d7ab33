# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Jobs run the way AWX runs them: a private data directory (project/, inventory/, env/extravars,
env/envvars, env/settings) handed to ansible-runner, with the credential of the credential type in
playbooks/vars/awx_objects.yml rendered as the controller renders injectors (sandboxed Jinja, file
templates written into the private data directory, their paths in tower.filename)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import ansible_runner
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from labkit import Lab
from playbook_kit import COLLECTIONS, MODEL, REPO

AWX_OBJECTS = REPO / "playbooks" / "vars" / "awx_objects.yml"
BIN = Path(sys.executable).parent


class _Loader(yaml.SafeLoader):
    """Reads Ansible's !unsafe tag (strings Ansible must not template) as a plain string."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def awx_objects() -> dict[str, Any]:
    return yaml.load(AWX_OBJECTS.read_text(), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def merged_kubeconfig(lab: Lab) -> str:
    """One kubeconfig with one context per mesh, from the lab's least-privilege kubeconfigs."""
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": []}
    for mesh in lab.clusters:
        single = yaml.safe_load((lab.state_dir / f"{mesh}.kubeconfig").read_text())
        context = next(c for c in single["contexts"] if c["name"] == single["current-context"])["context"]
        cluster = next(c for c in single["clusters"] if c["name"] == context["cluster"])["cluster"]
        user = next(u for u in single["users"] if u["name"] == context["user"])["user"]
        user_name = f"{context['user']}@{mesh}"
        merged["clusters"].append({"name": mesh, "cluster": cluster})
        merged["users"].append({"name": user_name, "user": user})
        merged["contexts"].append({"name": mesh, "context": {"cluster": mesh, "user": user_name}})
    return yaml.safe_dump(merged, sort_keys=False)


def inject_credential(credential_type: dict[str, Any], inputs: dict[str, Any], private_data_dir: Path) -> tuple[dict, dict]:
    """(env, extra_vars) of one credential, with its files written into the private data directory."""
    fields = {field["id"] for field in credential_type["inputs"]["fields"]}
    assert set(credential_type["inputs"].get("required", [])) <= set(inputs) <= fields
    jinja = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    injectors = credential_type["injectors"]
    filenames: dict[str, str] = {}
    for key, template in injectors.get("file", {}).items():
        handle, path = tempfile.mkstemp(dir=private_data_dir / "env", prefix="tmp")
        with os.fdopen(handle, "w") as out:
            out.write(jinja.from_string(template).render(**inputs))
        os.chmod(path, 0o600)
        filenames[key.split(".", 1)[1] if "." in key else ""] = path
    tower = {"filename": filenames if "" not in filenames else filenames[""]}
    env = {name: jinja.from_string(value).render(tower=tower, **inputs) for name, value in injectors.get("env", {}).items()}
    extra_vars = {name: jinja.from_string(value).render(tower=tower, **inputs) for name, value in injectors.get("extra_vars", {}).items()}
    return env, extra_vars


def private_data_dir(base: Path, lab: Lab, answers: dict[str, Any]) -> Path:
    """A private data directory as the controller writes it for a job of the federation templates."""
    pdd = Path(tempfile.mkdtemp(prefix="awx_job_", dir=base))
    for sub in ("env", "inventory", "project/playbooks"):
        (pdd / sub).mkdir(parents=True)
    # project: the repository's playbooks by path (what the job templates name), and a one-line playbook
    # that runs the collection's playbook by name (a project of one's own)
    for playbook in ("federate.yml", "verify.yml"):
        shutil.copy(REPO / "playbooks" / playbook, pdd / "project" / "playbooks" / playbook)
    (pdd / "project" / "verify_by_name.yml").write_text(
        "---\n- name: Verify\n  ansible.builtin.import_playbook: servicemesh.federation.verify\n")
    # inventory: one host per mesh, connection local, its context in the credential's kubeconfig, no kubeconfig path
    hosts = {}
    for mesh, variables in lab.inventory()["federation"]["hosts"].items():
        variables = {k: v for k, v in variables.items() if k != "federation_kubeconfig"}
        variables.update(federation_context=mesh, ansible_python_interpreter=sys.executable)
        hosts[mesh] = variables
    (pdd / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"federation": {"hosts": hosts}}))
    shutil.copy(next(MODEL.glob("*.yml")), pdd / "inventory" / "model.yml")
    objects = awx_objects()
    env, extra_vars = inject_credential(objects["federation_awx_credential_type"], {"kubeconfig": merged_kubeconfig(lab)}, pdd)
    (pdd / "env" / "extravars").write_text(json.dumps({**answers, **extra_vars}))
    # ANSIBLE_COLLECTIONS_PATH stands in for the collections installed in the execution environment
    (pdd / "env" / "envvars").write_text(json.dumps({**env, "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
                                                     "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0"}))
    (pdd / "env" / "settings").write_text(json.dumps({"job_timeout": 900, "idle_timeout": 600}))
    return pdd


class Job:
    def __init__(self, runner: ansible_runner.Runner, pdd: Path):
        self.runner, self.pdd = runner, pdd
        self.events = list(runner.events)
        stats = [e for e in self.events if e.get("event") == "playbook_on_stats"]
        self.stats = stats[-1]["event_data"] if stats else {}

    @property
    def artifact_data(self) -> dict[str, Any]:
        return self.stats.get("artifact_data", {})

    def changed(self) -> dict[str, int]:
        return dict(self.stats.get("changed", {}))

    def failures(self) -> list[str]:
        return [f"{e['event_data'].get('host')}: {e['event_data'].get('task')}: {e['event_data'].get('res', {}).get('msg')}"
                for e in self.events if e.get("event") == "runner_on_failed" and not e["event_data"].get("ignore_errors")]

    def describe(self) -> str:
        return f"status {self.runner.status} rc {self.runner.rc}: {self.failures() or self.runner.stdout.read()[-3000:]}"


def run_job(pdd: Path, playbook: str, limit: str | None = None, job_type: str = "run") -> Job:
    # ansible-playbook of this virtualenv, as the execution environment has its own on PATH
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{path}"
    try:
        runner = ansible_runner.run(private_data_dir=str(pdd), playbook=playbook, limit=limit, quiet=True,
                                    cmdline="--check" if job_type == "check" else None)
    finally:
        os.environ["PATH"] = path
    return Job(runner, pdd)
