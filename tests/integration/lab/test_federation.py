# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Federation on the lab: a correct pair connects both ways and shares services; each mistake of
the procedure leaves the meshes disconnected."""

from __future__ import annotations

import pytest

from labkit import FED, holds_for, wait_until

RED_EXPORTS = [
    {"type": "NameSelector",
     "nameSelector": {"namespace": "red-mesh-bookinfo", "name": "ratings",
                      "alias": {"namespace": "bookinfo", "name": "red-ratings"}}},
    {"type": "LabelSelector",
     "labelSelector": {"namespace": "red-mesh-bookinfo", "selector": {"matchLabels": {"export-service": "true"}}}},
]
GREEN_IMPORTS = [
    {"type": "NameSelector", "importAsLocal": False,
     "nameSelector": {"namespace": "bookinfo", "name": "red-ratings", "alias": {"namespace": "bookinfo", "name": "ratings"}}},
]
GREEN_EXPORTS = [{"type": "NameSelector", "nameSelector": {"namespace": "green-mesh-bookinfo", "name": "*"}}]
RED_IMPORTS = [
    {"type": "NameSelector", "importAsLocal": True,
     "nameSelector": {"namespace": "green-mesh-bookinfo", "name": "details",
                      "alias": {"namespace": "red-mesh-bookinfo", "name": "details"}}},
    {"type": "NameSelector", "nameSelector": {"namespace": "green-mesh-bookinfo", "name": "*"}},
]


def status_of(cluster, plural, name, key):
    obj = cluster.get_or_none(*FED, plural, name) or {}
    return {e["exportedName"]: e["localService"] for e in obj.get("status", {}).get(key, [])}


def test_correct_pair_connects_both_ways_and_shares_services(lab, pair_factory):
    red, green = lab["red-mesh"], lab["green-mesh"]
    pair = pair_factory("red-mesh", "green-mesh")
    pair.setup(exports={"red-mesh": RED_EXPORTS, "green-mesh": GREEN_EXPORTS},
               imports={"green-mesh": GREEN_IMPORTS, "red-mesh": RED_IMPORTS})
    wait_until(lambda: pair.connected(red, green) and pair.connected(green, red), 30, what="red <-> green connected")

    # the status shape of the reference procedure
    active = pair.watch(red, green)
    assert active["pod"].startswith("istiod-red-mesh-")
    assert active["watch"]["lastConnected"] and active["watch"]["lastFullSync"]
    green_ingress = green.node_addresses()[0]
    assert active["remotes"][0]["source"] == green_ingress  # red's peer names green's ingress address
    assert active["remotes"][0]["connected"] is True

    # exports: first matching rule wins, aliases, exportTo "." is never exported, unlabelled not matched
    exported = wait_until(lambda: status_of(red, "exportedservicesets", "green-mesh", "exportedServices"),
                          what="red exports")
    assert exported == {
        "red-ratings.bookinfo.svc.green-mesh-exports.local": {
            "hostname": "ratings.red-mesh-bookinfo.svc.cluster.local", "name": "ratings", "namespace": "red-mesh-bookinfo"},
        "reviews.red-mesh-bookinfo.svc.green-mesh-exports.local": {
            "hostname": "reviews.red-mesh-bookinfo.svc.cluster.local", "name": "reviews", "namespace": "red-mesh-bookinfo"},
    }
    green_exported = wait_until(lambda: status_of(green, "exportedservicesets", "red-mesh", "exportedServices"),
                                what="green exports")
    assert sorted(green_exported) == [f"{n}.green-mesh-bookinfo.svc.red-mesh-exports.local"
                                      for n in ("details", "ratings", "reviews")]

    # imports arrive over the discovery connection
    imported = wait_until(lambda: status_of(green, "importedservicesets", "red-mesh", "importedServices"),
                          what="green imports")
    assert imported == {
        "red-ratings.bookinfo.svc.green-mesh-exports.local": {
            "hostname": "ratings.bookinfo.svc.red-mesh-imports.local", "name": "ratings", "namespace": "bookinfo"},
        "reviews.red-mesh-bookinfo.svc.green-mesh-exports.local": {"hostname": "", "name": "", "namespace": ""},
    }
    red_imported = wait_until(lambda: status_of(red, "importedservicesets", "green-mesh", "importedServices"),
                              what="red imports")
    assert red_imported["details.green-mesh-bookinfo.svc.red-mesh-exports.local"]["hostname"] == \
        "details.red-mesh-bookinfo.svc.cluster.local"
    assert red_imported["ratings.green-mesh-bookinfo.svc.red-mesh-exports.local"]["hostname"] == \
        "ratings.green-mesh-bookinfo.svc.green-mesh-imports.local"

    # rules istiod ignores have no effect
    iss = green.get(*FED, "importedservicesets", "red-mesh")
    iss["spec"]["importRules"] = [
        {"type": "LabelSelector", "nameSelector": {"namespace": "*", "name": "*"}},
        {"type": "NameSelector", "importAsLocal": True, "nameSelector": {"namespace": "*", "name": "*"}},
        {"type": "NameSelector", "domainSuffix": "svc.cluster.local", "nameSelector": {"namespace": "*", "name": "*"}},
    ]
    green.custom.replace_namespaced_custom_object(*FED, green.namespace, "importedservicesets", "red-mesh", iss)
    wait_until(lambda: all(not v["hostname"] for v in
                           status_of(green, "importedservicesets", "red-mesh", "importedServices").values()),
               what="ignored import rules import nothing")

    # status is written only on change: the peer's resourceVersion settles
    version = red.peer("green-mesh")["metadata"]["resourceVersion"]
    holds_for(lambda: red.peer("green-mesh")["metadata"]["resourceVersion"] == version, 3)


# broken on side a (first mesh); which directions must still connect, to show the failure is specific
VARIANTS = {
    "wrong_address": {"b_to_a": True},
    "wrong_root": {"b_to_a": False},
    "missing_root": {"b_to_a": False},
    "wrong_client_id": {"a_to_b": True},
    "no_network_view": {"b_to_a": True},
    "equal_trust_domains": {"b_to_a": False},
}


@pytest.mark.parametrize("broken", list(VARIANTS))
def test_each_mistake_stays_disconnected(lab, pair_factory, broken):
    a, b = lab["green-mesh"], lab["blue-mesh"]
    pair = pair_factory("green-mesh", "blue-mesh")
    pair.setup(broken=broken)
    expect = VARIANTS[broken]
    if expect.get("b_to_a"):
        wait_until(lambda: pair.connected(b, a), 30, what="the healthy direction connects")
    if expect.get("a_to_b"):
        wait_until(lambda: pair.connected(a, b), 30, what="the healthy direction connects")
    broken_directions = []
    if broken not in ("wrong_client_id",):
        broken_directions.append((a, b))
    if not expect.get("b_to_a"):
        broken_directions.append((b, a))
    if broken == "wrong_client_id":
        broken_directions.append((b, a))
    holds_for(lambda: not any(pair.connected(x, y) for x, y in broken_directions), 5)
