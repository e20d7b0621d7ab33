# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""federation_check as a module: documentation against its argument spec, and an unreachable cluster."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ansible.module_utils.testing import patch_module_args

from ansible_collections.servicemesh.federation.plugins.modules import federation_check


def _run(args: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            federation_check.main()
    return json.loads(capsys.readouterr().out)


def test_documentation_matches_argspec() -> None:
    documented = yaml.safe_load(federation_check.DOCUMENTATION)
    spec = federation_check.argspec()
    from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC  # pylint: disable=import-outside-toplevel
    assert set(spec) - set(AUTH_ARG_SPEC) == set(documented["options"])
    for name, option in documented["options"].items():
        assert option.get("type", "str") == spec[name].get("type", "str"), name
        assert option.get("default") == spec[name].get("default"), name
    peers = documented["options"]["peers"]["suboptions"]
    assert set(peers) == set(spec["peers"]["options"])
    for name, option in peers.items():
        assert option.get("type", "str") == spec["peers"]["options"][name].get("type", "str"), name
    assert spec["peers"]["options"]["api_key"]["no_log"] is True
    assert "servicemesh.federation.attributes.read_only" in documented["extends_documentation_fragment"]
    returned = yaml.safe_load(federation_check.RETURN)
    assert {"checks", "summary", "links", "mesh"} <= set(returned)
    for task in yaml.safe_load(federation_check.EXAMPLES):
        assert any(key.startswith("servicemesh.federation.") or key.startswith("ansible.builtin.") for key in task), task


def test_unreachable_cluster_is_a_failing_check_not_a_failing_module(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:9", "insecure-skip-tls-verify": True}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}],
        "current-context": "x",
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    result = _run({"kubeconfig": str(path), "mesh": "red-mesh", "peers": [{"name": "green-mesh", "kubeconfig": str(path)}]}, capsys)
    assert not result.get("failed") and result["changed"] is False
    assert [(check["check"], check["result"]) for check in result["checks"]] == [("api", "fail")]
    assert result["summary"]["fail"] == 1 and result["summary"]["failed"][0].startswith("red-mesh api: cannot")


def test_negative_limits_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run({"mesh": "red-mesh", "cert_expiry_warn_days": -1}, capsys)
    assert result["failed"] and "must be 0 or more" in result["msg"]
