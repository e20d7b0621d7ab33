# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The server-independent parts of kube.py: noise stripping, identities, error messages, bounded waits."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import kube


def _configmap(**metadata: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "green-mesh-ca-root-cert", "namespace": "red-mesh-system", **metadata},
        "data": {"root-cert.pem": "x"},
    }


def test_noise_fields_do_not_count_as_change() -> None:
    live = _configmap(resourceVersion="7", generation=2, uid="u", creationTimestamp="t", managedFields=[{"manager": "m"}])
    live["status"] = {"phase": "whatever"}
    applied = _configmap(resourceVersion="8", generation=3, uid="u", creationTimestamp="t", managedFields=[])
    assert not kube.content_changed(live, applied)
    assert kube.without_noise(live) == _configmap()
    applied["data"]["root-cert.pem"] = "y"
    assert kube.content_changed(live, applied)


def test_without_noise_does_not_touch_its_input() -> None:
    live = _configmap(resourceVersion="7")
    kube.without_noise(live)
    assert live["metadata"]["resourceVersion"] == "7"
    assert kube.without_noise(None) == {}


def test_identity_ignores_api_version_and_scope() -> None:
    ref = kube.ObjectRef.of({"apiVersion": "federation.maistra.io/v1", "kind": "ServiceMeshPeer", "metadata": {"name": "g", "namespace": "n"}})
    assert ref.group == "federation.maistra.io"
    assert ref.key() == ("federation.maistra.io", "ServiceMeshPeer", "n", "g")
    assert ref.describe() == "ServiceMeshPeer g in namespace n (federation.maistra.io/v1)"
    assert kube.ObjectRef.of(_configmap()).group == ""


def test_selector_always_holds_the_managed_by_label() -> None:
    assert kube.selector_string() == "app.kubernetes.io/managed-by=servicemesh.federation"
    assert kube.selector_string({"b": "2", "a": "1", "app.kubernetes.io/managed-by": "other"}) == (
        "app.kubernetes.io/managed-by=servicemesh.federation,a=1,b=2"
    )


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ("text", "resources[3] must be a dict"),
        ({"kind": "ConfigMap", "metadata": {"name": "x"}}, "resources[3] lacks apiVersion"),
        ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}, "lacks metadata.name"),
    ],
)
def test_definitions_without_identity_are_refused(obj: Any, message: str) -> None:
    with pytest.raises(kube.KubeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        kube.check_definition(obj, 3)


class _ApiError(Exception):
    def __init__(self, status: int, body: str) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


def test_forbidden_names_object_verb_group_resource_and_namespace() -> None:
    ref = kube.ObjectRef("federation.maistra.io/v1", "ServiceMeshPeer", "green-mesh", "red-mesh-system")
    body = '{"kind":"Status","message":"servicemeshpeers.federation.maistra.io \\"green-mesh\\" is forbidden"}'
    error = kube.describe_api_error(_ApiError(403, body), "apply", ref, ["patch", "create"], "servicemeshpeers")
    message = str(error)
    assert error.status == 403
    for part in ("ServiceMeshPeer green-mesh in namespace red-mesh-system", "patch and create", "servicemeshpeers",
                 "API group federation.maistra.io", "in namespace red-mesh-system", "is forbidden"):
        assert part in message, part


def test_forbidden_core_group_and_cluster_scope() -> None:
    ref = kube.ObjectRef("v1", "Node", "*")
    message = str(kube.describe_api_error(_ApiError(403, "nope"), "list", ref, ["list"], "nodes"))
    assert 'API group "" (core)' in message and "cluster-wide" in message and "nope" in message


def test_conflict_suggests_force_conflicts() -> None:
    ref = kube.ObjectRef("maistra.io/v2", "ServiceMeshControlPlane", "red-mesh", "red-mesh-system")
    assert "force_conflicts" in str(kube.describe_api_error(_ApiError(409, "{}"), "apply", ref, ["patch"], "servicemeshcontrolplanes"))


# --- bounded waits, on a fake clock -------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class _Objects:
    """Answers list_objects/get/has_api_group_version from a dict; counts calls."""

    def __init__(self, objects: dict[str, list[dict[str, Any]]]) -> None:
        self.objects = objects
        self.calls: list[tuple[str, str]] = []

    def list_objects(self, api_version: str, kind: str, namespace: Optional[str] = None, label_selector: Optional[str] = None) -> list[dict[str, Any]]:
        self.calls.append(("list", kind))
        return [obj for obj in self.objects.get(kind, []) if namespace in (None, obj["metadata"].get("namespace"))]

    def get(self, api_version: str, kind: str, name: str, namespace: Optional[str] = None) -> Optional[dict[str, Any]]:
        self.calls.append(("get", kind))
        for obj in self.objects.get(kind, []):
            if obj["metadata"]["name"] == name:
                return obj
        return None

    def has_api_group_version(self, group_version: str) -> Optional[list[str]]:
        return {"maistra.io/v2": ["ServiceMeshControlPlane"], "federation.maistra.io/v1": ["ServiceMeshPeer"]}.get(group_version)


def _not_connected_peer() -> dict[str, Any]:
    return {"kind": "ServiceMeshPeer", "metadata": {"name": "green-mesh", "namespace": "red-mesh-system"},
            "status": {"discoveryStatus": {"inactive": [{"pod": "istiod-red-mesh-1", "watch": {"connected": False}}]}}}


def test_status_times_out_with_peer_direction_and_logs_without_long_sleeps() -> None:
    clock = _Clock()
    objects = _Objects({"ServiceMeshPeer": [_not_connected_peer()]})
    with pytest.raises(kube.WaitTimeout) as caught:
        kube.federation_status(objects, "red-mesh", None, [{"name": "green-mesh"}],  # type: ignore[arg-type]
                               wait_timeout=5, poll_interval=1.0, clock=clock, sleep=clock.sleep)
    message = str(caught.value)
    assert "not ready after 5s" in message
    assert "outbound red-mesh -> green-mesh" in message and "inbound green-mesh -> red-mesh" in message
    assert "istiod-red-mesh in red-mesh-system" in message and "ingress-red-mesh in green-mesh-system" in message
    assert max(clock.sleeps) <= 1.0 and clock.sleeps[0] <= 0.25
    assert 5.0 <= clock.now - 1000.0 < 6.0
    assert caught.value.partial["peers"][0]["peer"] == "green-mesh"
    # three lists per poll, whatever the number of peers
    assert len(objects.calls) == 3 * caught.value.partial["polls"]


def test_status_zero_timeout_checks_once() -> None:
    clock = _Clock()
    objects = _Objects({"ServiceMeshPeer": [_not_connected_peer()]})
    with pytest.raises(kube.WaitTimeout):
        kube.federation_status(objects, "red-mesh", "red-mesh-system", [{"name": "green-mesh"}],  # type: ignore[arg-type]
                               wait_timeout=0, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == [] and len(objects.calls) == 3


def test_mesh_info_wait_times_out_with_the_platform_hint() -> None:
    clock = _Clock()
    service = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": "ingress-green-mesh", "namespace": "red-mesh-system"}, "spec": {"type": "LoadBalancer"}}
    objects = _Objects({"Service": [service]})
    with pytest.raises(kube.WaitTimeout) as caught:
        kube.read_mesh(objects, "red-mesh-system", smcp_name="red-mesh", gateways=["ingress-green-mesh"],  # type: ignore[arg-type]
                       platform="aws", wait=True, wait_timeout=3, clock=clock, sleep=clock.sleep)
    assert "aws-load-balancer-type: nlb" in str(caught.value)
    assert caught.value.partial["gateways"][0]["ready"] is False
    assert max(clock.sleeps) <= 1.0


def test_mesh_info_wait_returns_once_the_address_appears() -> None:
    clock = _Clock()
    service: dict[str, Any] = {"apiVersion": "v1", "kind": "Service",
                               "metadata": {"name": "ingress-green-mesh", "namespace": "red-mesh-system"}, "spec": {"type": "LoadBalancer"}}
    objects = _Objects({"Service": [service]})

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if clock.now - 1000.0 > 2:
            service["status"] = {"loadBalancer": {"ingress": [{"ip": "192.0.2.7"}]}}

    info = kube.read_mesh(objects, "red-mesh-system", smcp_name="red-mesh", gateways=["ingress-green-mesh"],  # type: ignore[arg-type]
                          platform="gcp", wait=True, wait_timeout=60, clock=clock, sleep=sleep)
    assert info["gateways"][0]["addresses"] == ["192.0.2.7"]
    assert clock.now - 1000.0 < 4
