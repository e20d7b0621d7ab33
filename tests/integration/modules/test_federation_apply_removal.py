# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""federation_apply removal against the lab: state=absent with delete_labels deletes only our objects,
and a fragment without our SMCP fields releases them."""

from __future__ import annotations

from typing import Any

from kubernetes.client.exceptions import ApiException

MANAGED = {"app.kubernetes.io/managed-by": "servicemesh.federation"}


def _configmap(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "data": {"root-cert.pem": "x"}}


def _exists(cluster: Any, name: str, namespace: str) -> bool:
    try:
        cluster.core.read_namespaced_config_map(name, namespace)
    except ApiException as exc:
        assert exc.status == 404
        return False
    return True


def test_absent_with_delete_labels_leaves_other_objects_alone(lab: Any, run: Any, admin_kubeconfig: Any, scratch_namespace: str) -> None:
    red = lab["red-mesh"]
    red.core.create_namespaced_config_map(scratch_namespace, _configmap("ours", scratch_namespace, MANAGED))
    red.core.create_namespaced_config_map(scratch_namespace, _configmap("theirs", scratch_namespace, {"app": "mine"}))
    identities = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": scratch_namespace}}
                  for name in ("ours", "theirs", "missing")]
    args = {"kubeconfig": admin_kubeconfig("red-mesh"), "state": "absent", "delete_labels": MANAGED, "resources": identities}

    preview = run("federation_apply", args, check=True, diff=True)
    assert preview["changed"] is True
    assert {r["name"]: r["action"] for r in preview["results"]} == {"ours": "deleted", "theirs": "unchanged", "missing": "unchanged"}
    assert [d["before"]["metadata"]["name"] for d in preview["diff"]] == ["ours"] and preview["diff"][0]["after"] == {}
    assert any("theirs" in warning and "left alone" in warning for warning in preview.get("warnings", [])), preview
    assert _exists(red, "ours", scratch_namespace) and _exists(red, "theirs", scratch_namespace)

    first = run("federation_apply", args)
    assert first["changed"] is True
    assert not _exists(red, "ours", scratch_namespace)
    assert _exists(red, "theirs", scratch_namespace)

    second = run("federation_apply", args)
    assert second["changed"] is False
    assert [r["action"] for r in second["results"]] == ["unchanged", "unchanged", "unchanged"]
    assert _exists(red, "theirs", scratch_namespace)
