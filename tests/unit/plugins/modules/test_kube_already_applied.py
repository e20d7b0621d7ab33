# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""kube.already_applied: a server-side apply is skipped only when it provably changes nothing."""

from __future__ import annotations

import copy
from typing import Any

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import kube

LABEL = "app.kubernetes.io/managed-by"
DESIRED: dict[str, Any] = {
    "apiVersion": "federation.maistra.io/v1",
    "kind": "ServiceMeshPeer",
    "metadata": {"name": "green-mesh", "namespace": "red-mesh-system", "labels": {LABEL: "servicemesh.federation"}},
    "spec": {
        "remote": {"addresses": ["10.0.0.1"], "discoveryPort": 8188},
        "security": {"trustDomain": "green-mesh.local"},
    },
}
OURS = {
    "manager": kube.FIELD_MANAGER,
    "operation": "Apply",
    "apiVersion": "federation.maistra.io/v1",
    "fieldsType": "FieldsV1",
    "fieldsV1": {
        "f:metadata": {"f:labels": {"f:" + LABEL: {}}},
        "f:spec": {"f:remote": {"f:addresses": {}, "f:discoveryPort": {}}, "f:security": {"f:trustDomain": {}}},
    },
}


def _live(**changes: Any) -> dict[str, Any]:
    live = copy.deepcopy(DESIRED)
    live["metadata"].update(uid="u", resourceVersion="9", managedFields=[copy.deepcopy(OURS)])
    live["spec"]["remote"]["servicePort"] = 15443  # defaulted by somebody else: not ours, not in the way
    live["status"] = {"discoveryStatus": {}}
    for key, value in changes.items():
        live[key] = value
    return live


def test_unchanged_object_owned_by_us_is_already_applied() -> None:
    assert kube.already_applied(_live(), DESIRED)


def test_missing_object_is_not() -> None:
    assert not kube.already_applied(None, DESIRED)


def test_a_different_value_is_not() -> None:
    live = _live()
    live["spec"]["remote"]["addresses"] = ["10.0.0.2"]
    assert not kube.already_applied(live, DESIRED)


def test_a_list_must_match_whole() -> None:
    live = _live()
    live["spec"]["remote"]["addresses"] = ["10.0.0.1", "10.0.0.3"]
    assert not kube.already_applied(live, DESIRED)


def test_a_field_we_own_but_no_longer_want_must_be_removed_by_an_apply() -> None:
    live = _live()
    live["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:remote"]["f:servicePort"] = {}
    assert not kube.already_applied(live, DESIRED)


def test_values_set_by_another_manager_are_taken_over_by_an_apply() -> None:
    live = _live()
    live["metadata"]["managedFields"] = [dict(OURS, manager="kubectl-edit", operation="Update")]
    assert not kube.already_applied(live, DESIRED)


def test_list_entries_in_managed_fields_count_as_the_list_field() -> None:
    live = _live()
    live["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:remote"]["f:addresses"] = {".": {}, 'v:"10.0.0.1"': {}}
    assert kube.already_applied(live, DESIRED)


def test_a_status_entry_of_ours_is_ignored_and_two_apply_entries_are_doubt() -> None:
    live = _live()
    live["metadata"]["managedFields"].append(dict(OURS, subresource="status", fieldsV1={"f:status": {}}))
    assert kube.already_applied(live, DESIRED)
    live["metadata"]["managedFields"].append(copy.deepcopy(OURS))
    assert not kube.already_applied(live, DESIRED)


def test_a_string_where_the_server_holds_a_number_is_not() -> None:
    desired = copy.deepcopy(DESIRED)
    desired["spec"]["remote"]["discoveryPort"] = "8188"
    assert not kube.already_applied(_live(), desired)


def test_fields_defaulted_inside_list_entries_do_not_count() -> None:
    desired = copy.deepcopy(DESIRED)
    desired["spec"]["ports"] = [{"name": "tls", "port": 15443}]
    live = _live()
    live["spec"]["ports"] = [{"name": "tls", "port": 15443, "protocol": "TCP"}]
    live["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:ports"] = {'k:{"port":15443,"protocol":"TCP"}': {".": {}, "f:name": {}, "f:port": {}}}
    assert kube.already_applied(live, desired)
    live["spec"]["ports"][0]["name"] = "other"
    assert not kube.already_applied(live, desired)
