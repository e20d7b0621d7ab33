# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
# PRIVATE: not a public API of this collection

"""Kubernetes plumbing of the collection's modules, built on kubernetes.core's client.

One :class:`Kube` wraps one kubernetes.core ``K8SClient`` (and so its cached discovery) for the
whole module run. Writes are server-side applies under the field manager ``servicemesh.federation``;
check mode is a server-side dry run (``dryRun=All``), so the API server validates and authorises the
change without storing it. An object counts as changed only when its content (without the noise
fields of :data:`NOISE_METADATA` and ``status``) differs before and after the apply.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import inspect as live
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.names import (
    FEDERATION_API_VERSION,
    FIELD_MANAGER,
    INGRESS_FOR_LABEL,
    ISTIO_CA_ROOT_CERT_CONFIGMAP,
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    SMCP_API_VERSION,
    default_namespace,
)

try:
    from ansible_collections.kubernetes.core.plugins.module_utils.args_common import AUTH_ARG_SPEC
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.client import get_api_client
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.core import AnsibleK8SModule
    from ansible_collections.kubernetes.core.plugins.module_utils.k8s.exceptions import CoreException
    HAS_KUBERNETES_CORE = True
    KUBERNETES_CORE_IMPORT_ERROR: Optional[str] = None
except ImportError as _exc:  # pragma: no cover - depends on the controller's collections
    HAS_KUBERNETES_CORE = False
    KUBERNETES_CORE_IMPORT_ERROR = str(_exc)
    AUTH_ARG_SPEC = {}
    AnsibleK8SModule = None  # type: ignore[assignment,misc]

    class CoreException(Exception):  # type: ignore[no-redef]
        """Stand-in so that this file imports without kubernetes.core."""

try:
    from kubernetes.dynamic.exceptions import DynamicApiError, ResourceNotFoundError, ResourceNotUniqueError
    HAS_KUBERNETES = True
except ImportError:  # pragma: no cover - depends on the controller's Python packages
    HAS_KUBERNETES = False

    class DynamicApiError(Exception):  # type: ignore[no-redef]
        """Stand-in so that this file imports without the kubernetes client."""
        status = 0
        body = ""

    class ResourceNotFoundError(Exception):  # type: ignore[no-redef]
        """Stand-in so that this file imports without the kubernetes client."""

    class ResourceNotUniqueError(Exception):  # type: ignore[no-redef]
        """Stand-in so that this file imports without the kubernetes client."""


MANAGED_BY_SELECTOR = f"{MANAGED_BY_LABEL}={MANAGED_BY_VALUE}"
NOISE_METADATA = ("resourceVersion", "generation", "managedFields", "uid", "creationTimestamp")
DRY_RUN_ALL = "All"

ACTION_CREATED = "created"
ACTION_UPDATED = "updated"
ACTION_UNCHANGED = "unchanged"
ACTION_DELETED = "deleted"

MISSING_LIBRARY_MSG = (
    "The servicemesh.federation modules need the kubernetes.core collection (>= 5.0.0) and the Python "
    "package 'kubernetes' (>= 24.2.0) on the host that runs the module (usually the controller)."
)


class KubeError(Exception):
    """A Kubernetes API call failed; the message names the object and, on 403, the permission."""

    def __init__(self, message: str, status: Optional[int] = None, results: Optional[list[dict[str, Any]]] = None) -> None:
        super().__init__(message)
        self.status = status
        self.results = results or []


@dataclass(frozen=True)
class ObjectRef:
    """Identity of one Kubernetes object."""

    api_version: str
    kind: str
    name: str
    namespace: Optional[str] = None

    @classmethod
    def of(cls, obj: Mapping[str, Any]) -> ObjectRef:
        metadata = obj.get("metadata") or {}
        return cls(
            api_version=str(obj.get("apiVersion") or ""),
            kind=str(obj.get("kind") or ""),
            name=str(metadata.get("name") or ""),
            namespace=metadata.get("namespace") or None,
        )

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0] if "/" in self.api_version else ""

    def key(self) -> tuple[str, str, str, str]:
        """Identity regardless of the API version, so v1 and v1beta1 of one kind are one object."""
        return (self.group, self.kind, self.namespace or "", self.name)

    def describe(self) -> str:
        where = f" in namespace {self.namespace}" if self.namespace else ""
        return f"{self.kind} {self.name}{where} ({self.api_version})"


@dataclass
class ObjectResult:
    """What happened (or, in check mode, would happen) to one object."""

    ref: ObjectRef
    action: str
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.action != ACTION_UNCHANGED

    def summary(self) -> dict[str, Any]:
        return {
            "api_version": self.ref.api_version,
            "kind": self.ref.kind,
            "name": self.ref.name,
            "namespace": self.ref.namespace,
            "action": self.action,
        }

    def diff(self) -> dict[str, Any]:
        header = self.ref.describe()
        return {
            "before": self.before,
            "after": self.after,
            "before_header": header,
            "after_header": header,
        }


# --- pure functions -----------------------------------------------------------------------------------


def without_noise(obj: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """A copy of ``obj`` without server bookkeeping: status and the metadata in NOISE_METADATA."""
    if not obj:
        return {}
    clean = json.loads(json.dumps(obj))
    clean.pop("status", None)
    metadata = clean.get("metadata")
    if isinstance(metadata, dict):
        for key in NOISE_METADATA:
            metadata.pop(key, None)
        annotations = metadata.get("annotations")
        if isinstance(annotations, dict) and not annotations:
            metadata.pop("annotations")
    return clean


def content_changed(before: Optional[Mapping[str, Any]], after: Optional[Mapping[str, Any]]) -> bool:
    return without_noise(before) != without_noise(after)


def _holds(live: Any, desired: Any) -> bool:
    """Whether ``live`` holds ``desired``: every key of a dict with the same value, lists of the same length
    element by element (the server may default fields inside list entries, as ``protocol`` in ports), anything
    else equal."""
    if isinstance(desired, Mapping):
        return isinstance(live, Mapping) and all(key in live and _holds(live[key], value) for key, value in desired.items())
    if isinstance(desired, list):
        return isinstance(live, list) and len(live) == len(desired) and all(_holds(a, b) for a, b in zip(live, desired))
    return bool(live == desired)


def _desired_paths(value: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Paths of the fields of a desired object, lists and empty dicts taken as leaves."""
    if not isinstance(value, Mapping) or not value:
        return {prefix}
    paths: set[tuple[str, ...]] = set()
    for key, sub in value.items():
        paths |= _desired_paths(sub, prefix + (str(key),))
    return paths


def _owned_paths(fields: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Paths of a managedFields ``fieldsV1`` tree, list fields (``k:``/``v:``/``i:`` entries) taken as leaves."""
    subfields = {key: sub for key, sub in (fields or {}).items() if key.startswith("f:")} if isinstance(fields, Mapping) else {}
    if not subfields:
        return {prefix}
    paths: set[tuple[str, ...]] = set()
    for key, sub in subfields.items():
        paths |= _owned_paths(sub, prefix + (key[2:],))
    return paths


def already_applied(live: Optional[Mapping[str, Any]], desired: Mapping[str, Any], manager: str = FIELD_MANAGER) -> bool:
    """Whether a server-side apply of ``desired`` by ``manager`` would change nothing, so it can be skipped.

    True only when ``live`` holds every desired value and ``manager``'s Apply entry in managedFields owns
    exactly the desired fields (no more: fields dropped from ``desired`` must be removed by an apply; no
    fewer: fields we do not own yet must be taken over). Any doubt answers False, and the apply is sent.
    """
    if not live:
        return False
    body = {key: value for key, value in desired.items() if key not in ("apiVersion", "kind")}
    metadata = {key: value for key, value in (body.get("metadata") or {}).items() if key not in ("name", "namespace")}
    if metadata:
        body["metadata"] = metadata
    else:
        body.pop("metadata", None)
    if not _holds(live, body):
        return False
    entries = [
        entry for entry in (live.get("metadata") or {}).get("managedFields") or []
        if entry.get("manager") == manager and entry.get("operation") == "Apply" and not entry.get("subresource")
    ]
    if len(entries) != 1:
        return False
    return _owned_paths(entries[0].get("fieldsV1")) == _desired_paths(body)


def has_labels(obj: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether ``obj`` carries every label of ``labels`` with the same value."""
    present = (obj.get("metadata") or {}).get("labels") or {}
    return all(present.get(key) == value for key, value in labels.items())


def selector_string(labels: Optional[Mapping[str, str]] = None) -> str:
    """The label selector of our own objects, narrowed by ``labels``."""
    parts = [MANAGED_BY_SELECTOR]
    for key, value in sorted((labels or {}).items()):
        if key != MANAGED_BY_LABEL:
            parts.append(f"{key}={value}")
    return ",".join(parts)


def check_definition(obj: Any, index: int) -> ObjectRef:
    """Refuse a desired object that the API would reject for want of identity."""
    if not isinstance(obj, Mapping):
        raise KubeError(f"resources[{index}] must be a dict (a Kubernetes object), got {type(obj).__name__}")
    ref = ObjectRef.of(obj)
    missing = [name for name, value in (("apiVersion", ref.api_version), ("kind", ref.kind), ("metadata.name", ref.name)) if not value]
    if missing:
        raise KubeError(f"resources[{index}] lacks {', '.join(missing)}: every object needs apiVersion, kind and metadata.name")
    return ref


def check_definitions(resources: list[Any]) -> list[ObjectRef]:
    """Identities of a batch; refuses objects without identity and repeated objects."""
    refs = [check_definition(obj, index) for index, obj in enumerate(resources)]
    seen: dict[tuple[str, str, str, str], int] = {}
    for index, ref in enumerate(refs):
        if ref.key() in seen:
            raise KubeError(f"resources[{index}] repeats resources[{seen[ref.key()]}]: {ref.describe()}")
        seen[ref.key()] = index
    return refs


def _server_message(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str) and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            return body.strip()
        if isinstance(parsed, dict) and parsed.get("message"):
            return str(parsed["message"])
        return body.strip()
    return str(exc)


def describe_api_error(exc: Exception, action: str, ref: ObjectRef, verbs: Iterable[str], resource_plural: str) -> KubeError:
    """Turn an API error into a message that names the object and, on 403, the missing permission."""
    status = getattr(exc, "status", None)
    server = _server_message(exc)
    if status == 403:
        group = ref.group or '"" (core)'
        scope = f"in namespace {ref.namespace}" if ref.namespace else "cluster-wide"
        verb_list = " and ".join(verbs)
        message = (
            f"Forbidden to {action} {ref.describe()}: the credential lacks the permission to {verb_list} "
            f"{resource_plural} (API group {group}) {scope}. Grant it (see docs/rbac/servicemesh-federation.yml). "
            f"API server: {server}"
        )
    elif status == 401:
        message = f"Unauthorized to {action} {ref.describe()}: the API server rejected the credential. API server: {server}"
    elif status == 409:
        message = (
            f"Conflict while trying to {action} {ref.describe()}: another field manager owns some of these fields "
            f"(use force_conflicts to take them over). API server: {server}"
        )
    elif status:
        message = f"Failed to {action} {ref.describe()} (HTTP {status}). API server: {server}"
    else:
        message = f"Failed to {action} {ref.describe()}: {server}"
    return KubeError(message, status=status)


# --- the client ---------------------------------------------------------------------------------------


def auth_argument_spec() -> dict[str, Any]:
    """kubernetes.core's connection options (documented by the fragment kubernetes.core.k8s_auth_options)."""
    return json.loads(json.dumps(AUTH_ARG_SPEC))


def make_module(argument_spec: dict[str, Any], **kwargs: Any) -> Any:
    """An AnsibleK8SModule (checks the kubernetes and PyYAML packages), or a plain module that fails clearly."""
    if not HAS_KUBERNETES_CORE:
        from ansible.module_utils.basic import AnsibleModule  # pylint: disable=import-outside-toplevel

        module = AnsibleModule(argument_spec=argument_spec, **kwargs)
        module.fail_json(msg=f"{MISSING_LIBRARY_MSG} Import error: {KUBERNETES_CORE_IMPORT_ERROR}")
    return AnsibleK8SModule(argument_spec=argument_spec, **kwargs)


class Kube:
    """One API client (and its discovery) for a whole module run."""

    def __init__(self, k8s_client: Any, dry_run: bool = False) -> None:
        self.k8s_client = k8s_client
        self.dynamic = k8s_client.client
        self.dry_run = dry_run
        self._resources: dict[tuple[str, str], Any] = {}

    @classmethod
    def from_module(cls, module: Any) -> Kube:
        """Client from the module's auth options (or K8S_AUTH_* variables), dry run in check mode."""
        if not HAS_KUBERNETES:
            module.fail_json(msg=MISSING_LIBRARY_MSG)
        try:
            k8s_client = get_api_client(module=module)
        except CoreException as exc:
            module.fail_json(msg=f"Could not create the Kubernetes API client: {exc}")
        except Exception as exc:  # pylint: disable=broad-except
            # kubeconfig problems surface as several exception types of the kubernetes package
            module.fail_json(msg=f"Could not create the Kubernetes API client (is the API server reachable, are kubeconfig and context right?): {exc}")
        return cls(k8s_client, dry_run=bool(module.check_mode))

    # discovery

    def resource(self, api_version: str, kind: str) -> Any:
        """The discovered API resource of a kind (cached for the run)."""
        cache_key = (api_version, kind)
        if cache_key not in self._resources:
            try:
                self._resources[cache_key] = self.k8s_client.resource(kind, api_version)
            except (ResourceNotFoundError, ResourceNotUniqueError) as exc:
                raise KubeError(
                    f"The API server does not serve kind {kind} in {api_version}: is its CustomResourceDefinition installed? ({exc})"
                ) from exc
            except DynamicApiError as exc:
                raise KubeError(f"API discovery of {api_version} failed: {_server_message(exc)}", status=exc.status) from exc
            except Exception as exc:  # pylint: disable=broad-except
                raise KubeError(f"Cannot reach the API server for discovery of {kind} in {api_version}: {exc}") from exc
        return self._resources[cache_key]

    def has_api_group_version(self, group_version: str) -> Optional[list[str]]:
        """Kinds served by a group/version (read fresh from the server), or None when it is not served."""
        try:
            resp = self.dynamic.request("get", f"/apis/{group_version}", serialize=False)
        except DynamicApiError as exc:
            if exc.status == 404:
                return None
            raise KubeError(f"Cannot list the API resources of {group_version}: {_server_message(exc)}", status=exc.status) from exc
        except Exception as exc:  # pylint: disable=broad-except
            raise KubeError(f"Cannot reach the API server to list the API resources of {group_version}: {exc}") from exc
        data = json.loads(resp.data.decode("utf-8"))
        return sorted({item["kind"] for item in data.get("resources", []) if "/" not in item.get("name", "")})

    # reads

    def get(self, api_version: str, kind: str, name: str, namespace: Optional[str] = None) -> Optional[dict[str, Any]]:
        """One object, or None when it does not exist."""
        resource = self.resource(api_version, kind)
        ref = ObjectRef(api_version, kind, name, namespace if resource.namespaced else None)
        try:
            resp = self.dynamic.get(resource, name=name, namespace=ref.namespace, serialize=False)
        except DynamicApiError as exc:
            if exc.status == 404:
                return None
            raise describe_api_error(exc, "read", ref, ["get"], resource.name) from exc
        except Exception as exc:  # pylint: disable=broad-except
            raise KubeError(f"Cannot reach the API server to read {ref.describe()}: {exc}") from exc
        return json.loads(resp.data.decode("utf-8"))

    def list_objects(self, api_version: str, kind: str, namespace: Optional[str] = None, label_selector: Optional[str] = None) -> list[dict[str, Any]]:
        """Objects of a kind in a namespace (all namespaces when None), optionally by label selector."""
        resource = self.resource(api_version, kind)
        ref = ObjectRef(api_version, kind, "*", namespace if resource.namespaced else None)
        params: dict[str, Any] = {"serialize": False}
        if label_selector:
            params["label_selector"] = label_selector
        try:
            resp = self.dynamic.get(resource, namespace=ref.namespace, **params)
        except DynamicApiError as exc:
            if exc.status == 404:
                return []
            raise describe_api_error(exc, "list", ref, ["list"], resource.name) from exc
        except Exception as exc:  # pylint: disable=broad-except
            raise KubeError(f"Cannot reach the API server to list {ref.describe()}: {exc}") from exc
        data = json.loads(resp.data.decode("utf-8"))
        items = data.get("items") or []
        for item in items:
            # list items carry no apiVersion/kind of their own
            item.setdefault("apiVersion", api_version)
            item.setdefault("kind", kind)
        return items

    # writes

    def apply(self, desired: Mapping[str, Any], force_conflicts: bool = False) -> ObjectResult:
        """Server-side apply of one object: one GET and one PATCH (a dry run in check mode)."""
        ref = ObjectRef.of(desired)
        resource = self.resource(ref.api_version, ref.kind)
        if not resource.namespaced:
            ref = ObjectRef(ref.api_version, ref.kind, ref.name, None)
        live = self.get(ref.api_version, ref.kind, ref.name, ref.namespace)
        if live is not None and already_applied(live, desired):
            # nothing to change: no write request, so that a second run writes nothing
            return ObjectResult(ref=ref, action=ACTION_UNCHANGED, before=without_noise(live), after=without_noise(live))
        verbs = ["patch"] if live else ["patch", "create"]
        params: dict[str, Any] = {"field_manager": FIELD_MANAGER, "serialize": False}
        if force_conflicts:
            params["force_conflicts"] = True
        if self.dry_run:
            params["dry_run"] = DRY_RUN_ALL
        try:
            resp = self.dynamic.server_side_apply(resource, body=dict(desired), name=ref.name, namespace=ref.namespace, **params)
        except DynamicApiError as exc:
            raise describe_api_error(exc, "apply", ref, verbs, resource.name) from exc
        except Exception as exc:  # pylint: disable=broad-except
            raise KubeError(f"Cannot reach the API server to apply {ref.describe()}: {exc}") from exc
        applied = json.loads(resp.data.decode("utf-8"))
        warnings = _response_warnings(resp)
        if live is None:
            action = ACTION_CREATED
        elif content_changed(live, applied):
            action = ACTION_UPDATED
        else:
            action = ACTION_UNCHANGED
        return ObjectResult(ref=ref, action=action, before=without_noise(live), after=without_noise(applied), warnings=warnings)

    def delete(
        self, ref: ObjectRef, live: Optional[Mapping[str, Any]] = None, known: bool = False, labels: Optional[Mapping[str, str]] = None
    ) -> ObjectResult:
        """Delete one object (dry run in check mode); unchanged when it does not exist, or when ``labels``
        are given and the object does not carry every one of them (somebody else's object: left alone)."""
        resource = self.resource(ref.api_version, ref.kind)
        if not resource.namespaced:
            ref = ObjectRef(ref.api_version, ref.kind, ref.name, None)
        if not known:
            live = self.get(ref.api_version, ref.kind, ref.name, ref.namespace)
        if live is None:
            return ObjectResult(ref=ref, action=ACTION_UNCHANGED)
        if labels and not has_labels(live, labels):
            wanted = ", ".join(f"{key}={value}" for key, value in sorted(labels.items()))
            return ObjectResult(ref=ref, action=ACTION_UNCHANGED, warnings=[f"{ref.describe()} left alone: it does not carry the label(s) {wanted}"])
        params: dict[str, Any] = {"serialize": False}
        if self.dry_run:
            params["dry_run"] = DRY_RUN_ALL
        try:
            self.dynamic.delete(resource, name=ref.name, namespace=ref.namespace, **params)
        except DynamicApiError as exc:
            if exc.status == 404:
                return ObjectResult(ref=ref, action=ACTION_UNCHANGED)
            raise describe_api_error(exc, "delete", ref, ["delete"], resource.name) from exc
        except Exception as exc:  # pylint: disable=broad-except
            raise KubeError(f"Cannot reach the API server to delete {ref.describe()}: {exc}") from exc
        return ObjectResult(ref=ref, action=ACTION_DELETED, before=without_noise(live), after={})

    # batches

    def apply_batch(self, objects: Iterable[Mapping[str, Any]], force_conflicts: bool = False) -> list[ObjectResult]:
        """Apply objects in order; on an error, the KubeError carries the results so far."""
        return self._batch(objects, lambda obj: self.apply(obj, force_conflicts=force_conflicts))

    def delete_batch(self, objects: Iterable[Mapping[str, Any]], labels: Optional[Mapping[str, str]] = None) -> list[ObjectResult]:
        """Delete objects in reverse order (dependents first); with ``labels``, only objects carrying them."""
        return self._batch(list(objects)[::-1], lambda obj: self.delete(ObjectRef.of(obj), labels=labels))

    def prune(
        self,
        kinds: Iterable[tuple[str, str]],
        namespaces: Iterable[Optional[str]],
        keep: Iterable[ObjectRef],
        labels: Optional[Mapping[str, str]] = None,
    ) -> list[ObjectResult]:
        """Delete our objects (by the managed-by label, narrowed by ``labels``) that are not in ``keep``."""
        kept = {ref.key() for ref in keep}
        selector = selector_string(labels)
        results: list[ObjectResult] = []
        namespace_list = list(namespaces) or [None]
        for api_version, kind in kinds:
            resource = self.resource(api_version, kind)
            scopes = namespace_list if resource.namespaced else [None]
            for namespace in scopes:
                for item in self.list_objects(api_version, kind, namespace=namespace, label_selector=selector):
                    ref = ObjectRef.of(item)
                    if ref.key() in kept:
                        continue
                    try:
                        results.append(self.delete(ref, live=item, known=True))
                    except KubeError as exc:
                        raise KubeError(str(exc), status=exc.status, results=[r.summary() for r in results]) from exc
        return results

    @staticmethod
    def _batch(objects: Iterable[Mapping[str, Any]], operation: Callable[[Mapping[str, Any]], ObjectResult]) -> list[ObjectResult]:
        results: list[ObjectResult] = []
        for obj in objects:
            try:
                results.append(operation(obj))
            except KubeError as exc:
                raise KubeError(str(exc), status=exc.status, results=[r.summary() for r in results]) from exc
        return results


def _response_warnings(resp: Any) -> list[str]:
    headers = getattr(resp, "headers", None) or {}
    raw = headers.get("warning") if hasattr(headers, "get") else None
    if not raw:
        return []
    # RFC 7234 warnings: 299 - "text"
    return [part.split(" ", 2)[-1].strip().strip('"') for part in raw.split(", ") if part]


# --- module backends ----------------------------------------------------------------------------------


def run_apply(
    kube: Kube,
    resources: list[Any],
    state: str = "present",
    prune: Optional[Mapping[str, Any]] = None,
    force_conflicts: bool = False,
    delete_labels: Optional[Mapping[str, str]] = None,
) -> dict[str, Any]:
    """federation_apply: apply (or delete) a batch, then prune our objects that are not in it.

    With ``state="absent"`` and ``delete_labels``, an object is deleted only when it carries every one of
    those labels. Returns ``changed``, ``results`` (one summary per object touched), ``diffs``
    (before/after of the changed ones) and ``warnings`` (from the API server, and objects left alone).
    """
    refs = check_definitions(resources)

    if state == "absent":
        outcomes = kube.delete_batch(resources, labels=delete_labels)
    else:
        outcomes = kube.apply_batch(resources, force_conflicts=force_conflicts)
        if prune:
            kinds = [(str(kind["api_version"]), str(kind["kind"])) for kind in prune.get("kinds") or []]
            namespaces = list(prune.get("namespaces") or []) or sorted({ref.namespace for ref in refs if ref.namespace}) or [None]
            try:
                outcomes += kube.prune(kinds, namespaces, keep=[o.ref for o in outcomes], labels=prune.get("labels"))
            except KubeError as exc:
                raise KubeError(str(exc), status=exc.status, results=[o.summary() for o in outcomes] + exc.results) from exc
    return {
        "changed": any(outcome.changed for outcome in outcomes),
        "results": [outcome.summary() for outcome in outcomes],
        "diffs": [outcome.diff() for outcome in outcomes if outcome.changed],
        "warnings": [warning for outcome in outcomes for warning in outcome.warnings],
    }


Clock = Callable[[], float]
Sleep = Callable[[float], None]
POLL_FIRST = 0.25
POLL_MAX = 1.0


def _next_interval(interval: float, limit: float = POLL_MAX) -> float:
    return min(interval * 2, limit)


class WaitTimeout(KubeError):
    """A bounded wait ended before its predicate held; ``partial`` holds what was seen last."""

    def __init__(self, message: str, partial: dict[str, Any]) -> None:
        super().__init__(message)
        self.partial = partial


def _smcp(kube: Kube, namespace: str, smcp_name: Optional[str]) -> Optional[dict[str, Any]]:
    if smcp_name:
        return kube.get(SMCP_API_VERSION, "ServiceMeshControlPlane", smcp_name, namespace)
    found = kube.list_objects(SMCP_API_VERSION, "ServiceMeshControlPlane", namespace=namespace)
    if len(found) > 1:
        names = ", ".join(sorted(str(item["metadata"]["name"]) for item in found))
        raise KubeError(f"Namespace {namespace} holds several ServiceMeshControlPlanes ({names}): set smcp_name")
    return found[0] if found else None


def _read_gateways(
    kube: Kube, namespace: str, names: Optional[list[str]], platform: Optional[str], nodes: Optional[list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], Optional[list[dict[str, Any]]]]:
    """Resolve the ingress gateways; node objects are listed once, and only for NodePort Services."""
    if names is None:
        services = kube.list_objects("v1", "Service", namespace=namespace, label_selector=INGRESS_FOR_LABEL)
        found: list[tuple[str, Optional[dict[str, Any]]]] = [(str(s["metadata"]["name"]), s) for s in services]
    else:
        found = [(name, kube.get("v1", "Service", name, namespace)) for name in names]
    if nodes is None and any(service and service.get("spec", {}).get("type") == "NodePort" for _name, service in found):
        nodes = kube.list_objects("v1", "Node")
    gateways = [
        live.gateway_address(service, nodes or [], platform) if service else live.missing_gateway(name, namespace)
        for name, service in found
    ]
    return gateways, nodes


def read_mesh(
    kube: Kube,
    namespace: str,
    smcp_name: Optional[str] = None,
    gateways: Optional[list[str]] = None,
    platform: Optional[str] = None,
    wait: bool = False,
    wait_timeout: float = 300,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> dict[str, Any]:
    """mesh_info: everything a peer needs to know about one mesh, read from its own cluster."""
    crds = {
        SMCP_API_VERSION: kube.has_api_group_version(SMCP_API_VERSION),
        FEDERATION_API_VERSION: kube.has_api_group_version(FEDERATION_API_VERSION),
    }
    smcp_kinds = crds[SMCP_API_VERSION] or []
    federation_kinds = crds[FEDERATION_API_VERSION] or []
    result: dict[str, Any] = {
        "crds": {group: kinds or [] for group, kinds in crds.items()},
        "crds_present": "ServiceMeshControlPlane" in smcp_kinds and "ServiceMeshPeer" in federation_kinds,
        "smcp": None,
        "root_certificate": None,
        "gateways": [],
        "peers": [],
    }
    if "ServiceMeshControlPlane" in smcp_kinds:
        result["smcp"] = live.smcp_summary(_smcp(kube, namespace, smcp_name))
    result["root_certificate"] = live.root_certificate(kube.get("v1", "ConfigMap", ISTIO_CA_ROOT_CERT_CONFIGMAP, namespace))
    if "ServiceMeshPeer" in federation_kinds:
        peers = kube.list_objects(FEDERATION_API_VERSION, "ServiceMeshPeer", namespace=namespace)
        result["peers"] = [live.peer_summary(peer) for peer in sorted(peers, key=lambda p: str(p["metadata"]["name"]))]

    resolved, nodes = _read_gateways(kube, namespace, gateways, platform, None)
    if wait:
        deadline = clock() + wait_timeout
        interval = POLL_FIRST
        while not all(gateway["ready"] for gateway in resolved):
            if clock() >= deadline:
                result["gateways"] = resolved
                pending = [f"{gateway['name']}: {gateway['hint']}" for gateway in resolved if not gateway["ready"]]
                raise WaitTimeout(
                    f"Timed out after {wait_timeout}s waiting for the address of the federation ingress gateway(s) in {namespace}. "
                    + " ".join(pending),
                    result,
                )
            sleep(min(interval, max(deadline - clock(), 0)))
            interval = _next_interval(interval)
            pending_names = [str(gateway["name"]) for gateway in resolved if not gateway["ready"]]
            refreshed, nodes = _read_gateways(kube, namespace, pending_names, platform, None if nodes is None else nodes)
            by_name = {str(gateway["name"]): gateway for gateway in refreshed}
            resolved = [by_name.get(str(gateway["name"]), gateway) for gateway in resolved]
    result["gateways"] = resolved
    return result


def federation_status(
    kube: Kube,
    mesh: str,
    namespace: Optional[str],
    peers: list[Mapping[str, Any]],
    wait_timeout: float = 300,
    poll_interval: float = 1.0,
    smcp_name: Optional[str] = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> dict[str, Any]:
    """federation_status: wait until every peer is connected both ways and its services are there.

    Each poll is three LIST calls (peers, exported and imported sets of the namespace), whatever the
    number of peers. Raises WaitTimeout naming peer, direction and logs when the time is up.
    """
    namespace = namespace or default_namespace(mesh)
    start = clock()
    deadline = start + wait_timeout
    interval = min(POLL_FIRST, poll_interval)
    polls = 0
    while True:
        polls += 1
        by_kind = {
            kind: {str(obj["metadata"]["name"]): obj for obj in kube.list_objects(FEDERATION_API_VERSION, kind, namespace=namespace)}
            for kind in ("ServiceMeshPeer", "ExportedServiceSet", "ImportedServiceSet")
        }
        statuses = []
        for peer in peers:
            name = str(peer["name"])
            statuses.append(live.peer_status(
                name,
                by_kind["ServiceMeshPeer"].get(name),
                by_kind["ExportedServiceSet"].get(name),
                by_kind["ImportedServiceSet"].get(name),
                expected_exports=peer.get("exports") or [],
                expected_imports=peer.get("imports") or [],
            ))
        result = {"peers": statuses, "ready": all(s["ready"] for s in statuses), "polls": polls, "elapsed": round(clock() - start, 3)}
        if result["ready"]:
            return result
        if clock() >= deadline:
            problems = []
            for peer, status in zip(peers, statuses):
                if not status["ready"]:
                    peer_namespace = str(peer.get("namespace") or default_namespace(str(peer["name"])))
                    problems.extend(live.peer_problems(status, mesh, namespace, peer_namespace, smcp_name=smcp_name))
            raise WaitTimeout(
                f"Federation of mesh {mesh} not ready after {wait_timeout}s: " + "; ".join(problems),
                result,
            )
        sleep(min(interval, max(deadline - clock(), 0)))
        interval = _next_interval(interval, poll_interval)
