# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""servicemesh.federation.federation_apply against a real kube-apiserver of the lab."""

from __future__ import annotations

import copy
from typing import Any

from kubernetes.client.exceptions import ApiException

MANAGED = {"app.kubernetes.io/managed-by": "servicemesh.federation"}


def _configmap(name: str, namespace: str, value: str = "one", labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED if labels is None else labels)},
            "data": {"root-cert.pem": value}}


def _exported_set(name: str, namespace: str) -> dict[str, Any]:
    return {"apiVersion": "federation.maistra.io/v1", "kind": "ExportedServiceSet",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED)},
            "spec": {"exportRules": [{"type": "NameSelector", "nameSelector": {"namespace": "red-mesh-bookinfo", "name": "ratings"}}]}}


def _versions(cluster: Any, namespace: str, names: list[str]) -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = cluster.core.read_namespaced_config_map(name, namespace).metadata.resource_version
        except ApiException as exc:
            assert exc.status == 404
            versions[name] = None
    return versions


def test_check_mode_first_run_second_run_and_diff(lab: Any, run: Any, admin_kubeconfig: Any, scratch_namespace: str) -> None:
    red = lab["red-mesh"]
    resources = [_configmap("green-mesh-ca-root-cert", scratch_namespace), _exported_set("green-mesh", scratch_namespace)]
    args = {"kubeconfig": admin_kubeconfig("red-mesh"), "resources": resources}

    preview = run("federation_apply", args, check=True, diff=True)
    assert preview["changed"] is True, preview
    assert [r["action"] for r in preview["results"]] == ["created", "created"]
    assert preview["diff"][0]["after"]["data"] == {"root-cert.pem": "one"}
    assert _versions(red, scratch_namespace, ["green-mesh-ca-root-cert"]) == {"green-mesh-ca-root-cert": None}
    assert red.get_or_none("federation.maistra.io", "v1", "exportedservicesets", "green-mesh", scratch_namespace) is None

    first = run("federation_apply", args)
    assert first["changed"] is True and [r["action"] for r in first["results"]] == ["created", "created"]
    assert "diff" not in first
    created = red.core.read_namespaced_config_map("green-mesh-ca-root-cert", scratch_namespace)
    assert created.data == {"root-cert.pem": "one"} and created.metadata.labels == MANAGED
    assert {m.manager for m in created.metadata.managed_fields} == {"servicemesh.federation"}

    before = _versions(red, scratch_namespace, ["green-mesh-ca-root-cert"])
    second = run("federation_apply", args, diff=True)
    assert second["changed"] is False and [r["action"] for r in second["results"]] == ["unchanged", "unchanged"]
    assert second["diff"] == []
    assert run("federation_apply", args, check=True)["changed"] is False
    assert _versions(red, scratch_namespace, ["green-mesh-ca-root-cert"]) == before

    changed = copy.deepcopy(args)
    changed["resources"][0]["data"]["root-cert.pem"] = "two"
    preview = run("federation_apply", changed, check=True, diff=True)
    assert [r["action"] for r in preview["results"]] == ["updated", "unchanged"]
    assert len(preview["diff"]) == 1
    assert preview["diff"][0]["before"]["data"] == {"root-cert.pem": "one"}
    assert preview["diff"][0]["after"]["data"] == {"root-cert.pem": "two"}
    for noise in ("resourceVersion", "managedFields", "uid", "creationTimestamp", "generation"):
        assert noise not in preview["diff"][0]["before"]["metadata"] and noise not in preview["diff"][0]["after"]["metadata"]
    assert _versions(red, scratch_namespace, ["green-mesh-ca-root-cert"]) == before

    updated = run("federation_apply", changed)
    assert [r["action"] for r in updated["results"]] == ["updated", "unchanged"]
    assert red.core.read_namespaced_config_map("green-mesh-ca-root-cert", scratch_namespace).data == {"root-cert.pem": "two"}


def test_smcp_user_fields_survive_our_fragment(lab: Any, run: Any, admin_kubeconfig: Any, scratch_namespace: str) -> None:
    red = lab["red-mesh"]
    user_smcp = {
        "apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
        "metadata": {"name": "user-mesh", "namespace": scratch_namespace},
        "spec": {
            "version": "v2.5",
            "addons": {"kiali": {"enabled": True}, "grafana": {"enabled": False}},
            "tracing": {"type": "Jaeger", "sampling": 500},
            "profiles": ["default"],
            "gateways": {"additionalIngress": {"public": {"enabled": True, "service": {"type": "ClusterIP"}}},
                         "egress": {"enabled": False}},
        },
    }
    red.create("maistra.io", "v2", "servicemeshcontrolplanes", user_smcp, scratch_namespace)
    original = red.get("maistra.io", "v2", "servicemeshcontrolplanes", "user-mesh", scratch_namespace)["spec"]
    fragment = {
        "apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
        "metadata": {"name": "user-mesh", "namespace": scratch_namespace},
        "spec": {
            "gateways": {
                "additionalEgress": {"egress-green-mesh": {"enabled": True, "requestedNetworkView": ["network-green-mesh"],
                                                           "routerMode": "sni-dnat",
                                                           "service": {"metadata": {"labels": {"federation.maistra.io/egress-for": "egress-green-mesh"}},
                                                                       "ports": [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "http-discovery"}]}}},
                "additionalIngress": {"ingress-green-mesh": {
                    "enabled": True, "routerMode": "sni-dnat",
                    "service": {"type": "LoadBalancer",
                                "metadata": {"labels": {"federation.maistra.io/ingress-for": "ingress-green-mesh"}},
                                "ports": [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "https-discovery"}]}}},
            },
            "security": {"trust": {"domain": "user-mesh.local"}},
        },
    }
    args = {"kubeconfig": admin_kubeconfig("red-mesh"), "resources": [fragment]}

    result = run("federation_apply", args, diff=True)
    assert [r["action"] for r in result["results"]] == ["updated"], result
    spec = red.get("maistra.io", "v2", "servicemeshcontrolplanes", "user-mesh", scratch_namespace)["spec"]
    assert spec["gateways"]["additionalIngress"]["ingress-green-mesh"]["service"]["type"] == "LoadBalancer"
    assert spec["security"]["trust"]["domain"] == "user-mesh.local"
    mine = copy.deepcopy(spec)
    del mine["gateways"]["additionalIngress"]["ingress-green-mesh"]
    del mine["gateways"]["additionalEgress"]
    del mine["security"]
    assert mine == original

    assert run("federation_apply", args)["changed"] is False

    # applying the bare object under our field manager gives back exactly what the user had
    bare = {"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane", "metadata": {"name": "user-mesh", "namespace": scratch_namespace}}
    removed = run("federation_apply", {"kubeconfig": admin_kubeconfig("red-mesh"), "resources": [bare]})
    assert [r["action"] for r in removed["results"]] == ["updated"]
    assert red.get("maistra.io", "v2", "servicemeshcontrolplanes", "user-mesh", scratch_namespace)["spec"] == original


def test_prune_deletes_only_our_objects_not_in_the_batch(lab: Any, run: Any, admin_kubeconfig: Any, scratch_namespace: str) -> None:
    red = lab["red-mesh"]
    kubeconfig = admin_kubeconfig("red-mesh")
    keep, gone = _configmap("keep", scratch_namespace), _configmap("gone", scratch_namespace)
    foreign = _configmap("foreign", scratch_namespace, labels={})
    run("federation_apply", {"kubeconfig": kubeconfig, "resources": [keep, gone, foreign]})
    prune = {"kinds": [{"api_version": "v1", "kind": "ConfigMap"}]}

    preview = run("federation_apply", {"kubeconfig": kubeconfig, "resources": [keep], "prune": prune}, check=True)
    assert preview["changed"] is True
    assert [(r["name"], r["action"]) for r in preview["results"]] == [("keep", "unchanged"), ("gone", "deleted")]
    assert red.core.read_namespaced_config_map("gone", scratch_namespace)

    pruned = run("federation_apply", {"kubeconfig": kubeconfig, "resources": [keep], "prune": prune})
    assert [(r["name"], r["action"]) for r in pruned["results"]] == [("keep", "unchanged"), ("gone", "deleted")]
    left = {cm.metadata.name for cm in red.core.list_namespaced_config_map(scratch_namespace).items}
    assert {"keep", "foreign"} <= left and "gone" not in left
    assert run("federation_apply", {"kubeconfig": kubeconfig, "resources": [keep], "prune": prune})["changed"] is False


def test_state_absent_deletes_then_changes_nothing(lab: Any, run: Any, admin_kubeconfig: Any, scratch_namespace: str) -> None:
    args = {"kubeconfig": admin_kubeconfig("red-mesh"), "resources": [_configmap("a", scratch_namespace), _exported_set("b", scratch_namespace)]}
    run("federation_apply", args)
    absent = dict(args, state="absent")
    preview = run("federation_apply", absent, check=True)
    assert [r["action"] for r in preview["results"]] == ["deleted", "deleted"]
    assert _versions(lab["red-mesh"], scratch_namespace, ["a"])["a"] is not None
    deleted = run("federation_apply", absent)
    assert [(r["kind"], r["action"]) for r in deleted["results"]] == [("ExportedServiceSet", "deleted"), ("ConfigMap", "deleted")]
    assert run("federation_apply", absent)["changed"] is False


def test_forbidden_names_the_missing_permission(run: Any, kubeconfig: Any) -> None:
    # the least-privilege credential of red-mesh has no rights in the namespace "default"
    result = run("federation_apply", {"kubeconfig": kubeconfig("red-mesh"), "resources": [_configmap("x", "default")]})
    assert result["failed"] is True
    message = result["msg"]
    assert "ConfigMap x in namespace default" in message
    assert 'configmaps (API group "" (core)) in namespace default' in message
    assert "get" in message


def test_conflict_with_another_manager_and_force(lab: Any, run: Any, admin_kubeconfig: Any, scratch_namespace: str) -> None:
    red = lab["red-mesh"]
    red.core.create_namespaced_config_map(
        scratch_namespace, {"metadata": {"name": "shared"}, "data": {"root-cert.pem": "theirs"}}, field_manager="someone-else")
    args = {"kubeconfig": admin_kubeconfig("red-mesh"), "resources": [_configmap("shared", scratch_namespace, value="ours")]}
    conflict = run("federation_apply", args)
    assert conflict["failed"] is True and "force_conflicts" in conflict["msg"] and "ConfigMap shared" in conflict["msg"]
    forced = run("federation_apply", dict(args, force_conflicts=True))
    assert [r["action"] for r in forced["results"]] == ["updated"]
    assert red.core.read_namespaced_config_map("shared", scratch_namespace).data == {"root-cert.pem": "ours"}
