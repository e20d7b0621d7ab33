# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The modules' argument specs, documentation and failure paths that need no API server."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args

from ansible_collections.servicemesh.federation.plugins.modules import federation_apply, federation_status, mesh_info

MODULES = [federation_apply, federation_status, mesh_info]


def _run(module: ModuleType, args: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            module.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture(name="unreachable_kubeconfig")
def fixture_unreachable_kubeconfig(tmp_path: Path) -> str:
    """A valid kubeconfig whose server nobody listens on: the client is built, no request succeeds."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:9", "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "x",
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_documentation_matches_argspec(module: ModuleType) -> None:
    documented = yaml.safe_load(module.DOCUMENTATION)
    own = set(documented["options"])
    spec = module.argspec()
    assert own <= set(spec), own - set(spec)
    # every option that is not an auth option (documented by kubernetes.core.k8s_auth_options) is documented here
    from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC  # pylint: disable=import-outside-toplevel
    assert set(spec) - set(AUTH_ARG_SPEC) == own
    for name, option in documented["options"].items():
        assert option.get("type", "str") == spec[name].get("type", "str"), name
        assert option.get("default") == spec[name].get("default"), name
    attributes = set(documented["attributes"])
    if "servicemesh.federation.attributes.read_only" in documented["extends_documentation_fragment"]:
        from ansible_collections.servicemesh.federation.plugins.doc_fragments.attributes import ModuleDocFragment  # pylint: disable=import-outside-toplevel
        attributes |= set(yaml.safe_load(ModuleDocFragment.READ_ONLY)["attributes"])
    assert {"check_mode", "diff_mode"} <= attributes
    assert "kubernetes.core.k8s_auth_options" in documented["extends_documentation_fragment"]
    yaml.safe_load(module.RETURN)
    for task in yaml.safe_load(module.EXAMPLES):
        assert any(key.startswith("servicemesh.federation.") or key.startswith("ansible.builtin.") for key in task), task


def test_bad_kubeconfig_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(mesh_info, {"kubeconfig": str(tmp_path / "missing"), "namespace": "red-mesh-system"}, capsys)
    assert result["failed"] and "Could not create the Kubernetes API client" in result["msg"]


def test_apply_refuses_objects_without_identity_before_any_request(unreachable_kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = {"kubeconfig": unreachable_kubeconfig, "resources": [{"apiVersion": "v1", "metadata": {"name": "x"}}]}
    result = _run(federation_apply, args, capsys)
    assert result["failed"] and "resources[0] lacks kind" in result["msg"]


def test_apply_refuses_duplicates(unreachable_kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "n"}}
    result = _run(federation_apply, {"kubeconfig": unreachable_kubeconfig, "resources": [obj, obj]}, capsys)
    assert result["failed"] and "resources[1] repeats resources[0]" in result["msg"]


def test_unreachable_api_server_is_named(unreachable_kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(mesh_info, {"kubeconfig": unreachable_kubeconfig, "namespace": "red-mesh-system"}, capsys)
    assert result["failed"] and "Could not create the Kubernetes API client (is the API server reachable" in result["msg"]


def test_status_rejects_a_bad_poll_interval(unreachable_kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = {"kubeconfig": unreachable_kubeconfig, "mesh": "red-mesh", "peers": [{"name": "green-mesh"}], "poll_interval": 0}
    result = _run(federation_status, args, capsys)
    assert result["failed"] and "poll_interval" in result["msg"]
