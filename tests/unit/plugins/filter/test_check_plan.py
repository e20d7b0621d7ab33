# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""check_plan: the peers option of federation_check, with each peer's connection."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.filter.check_plan import FilterModule

check_plan = FilterModule().filters()["check_plan"]

HOSTVARS = {
    "red-mesh": {"federation_platform": "aws", "federation_kubeconfig": "red.kubeconfig",
                 "federation_exports": {"green-mesh": [{"namespace": "bookinfo", "name": "ratings"}]}},
    "green-mesh": {"federation_platform": "baremetal", "federation_context": "green", "federation_api_key": "secret",
                   "federation_host": "https://green:6443", "federation_smcp_name": "basic", "federation_namespace": "istio-system"},
    "blue-mesh": {"federation_platform": "gcp",
                  "federation_imports": {"red-mesh": [{"namespace": "bookinfo", "name": "*"}]}},
}


def test_peers_with_plan_rules_and_connection():
    plan = check_plan(HOSTVARS, "red-mesh", ["red-mesh", "green-mesh", "blue-mesh"])
    assert plan == [
        {"name": "green-mesh", "namespace": "istio-system", "exports": ["ratings.bookinfo.svc.green-mesh-exports.local"], "imports": [],
         "smcp_name": "basic", "export_rules": 1, "import_rules": 0,
         "context": "green", "host": "https://green:6443", "api_key": "secret"},
        {"name": "blue-mesh", "namespace": "blue-mesh-system", "exports": [], "imports": [], "smcp_name": "blue-mesh",
         "export_rules": 0, "import_rules": 0},
    ]


def test_rule_counts_include_wildcards():
    by_name = {peer["name"]: peer for peer in check_plan(HOSTVARS, "blue-mesh", ["red-mesh", "green-mesh", "blue-mesh"])}
    assert by_name["red-mesh"]["import_rules"] == 1 and by_name["red-mesh"]["imports"] == []
    assert by_name["red-mesh"]["kubeconfig"] == "red.kubeconfig"


def test_unknown_mesh_is_an_error():
    with pytest.raises(AnsibleFilterError, match="servicemesh.federation.check_plan: "):
        check_plan(HOSTVARS, "purple-mesh", ["red-mesh", "green-mesh", "blue-mesh"])
