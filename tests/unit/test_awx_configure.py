# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/awx_configure.yml against the awx.awx modules it calls (no controller here): every argument
is an option of its module, and the controller settings reach the modules."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PLAYBOOK = REPO / "playbooks" / "awx_configure.yml"


def _tasks() -> list[dict]:
    return [task for play in yaml.safe_load(PLAYBOOK.read_text()) for task in play["tasks"]]


def test_every_argument_is_an_option_of_its_module():
    tasks = [t for t in _tasks() if any(key.startswith("awx.awx.") for key in t)]
    modules = sorted({next(key for key in t if key.startswith("awx.awx.")) for t in tasks})
    proc = subprocess.run([str(BIN / "ansible-doc"), "-j", *modules], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    options = {}
    for module in modules:
        spec = docs[module]["doc"]["options"]
        options[module] = set(spec) | {alias for option in spec.values() for alias in option.get("aliases", [])}
    for task in tasks:
        module = next(key for key in task if key.startswith("awx.awx."))
        assert set(task[module]) <= options[module], f"{task['name']}: {set(task[module]) - options[module]}"
    defaults = yaml.safe_load(PLAYBOOK.read_text())[0]["module_defaults"]["group/awx.awx.controller"]
    for module in modules:
        assert set(defaults) <= options[module], module


def test_controller_settings_reach_the_modules(tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    for name in ("CONTROLLER_HOST", "CONTROLLER_OAUTH_TOKEN", "CONTROLLER_USERNAME", "CONTROLLER_PASSWORD"):
        env.pop(name, None)
    base = [str(BIN / "ansible-playbook"), str(PLAYBOOK), "-e", f"controller_host=https://127.0.0.1:{port}",
            "-e", "controller_oauthtoken=not-a-token"]
    refused = subprocess.run([*base, "-e", '{"federation_awx_execution_environment": {"name": "EE", "image": "example/ee:1", "pull": "missing"}}'],
                             capture_output=True, text=True, timeout=180, env=env, check=False)
    assert refused.returncode != 0
    assert "Create the credential type" in refused.stdout and f"127.0.0.1:{port}" in refused.stdout, refused.stdout[-3000:]
    assert "not-a-token" not in refused.stdout
    without_image = subprocess.run(base, capture_output=True, text=True, timeout=180, env=env, check=False)
    assert without_image.returncode != 0 and "federation_awx_execution_environment.image" in without_image.stdout, without_image.stdout[-3000:]
