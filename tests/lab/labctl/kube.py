# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small Kubernetes REST client (bearer token, JSON, keep-alive) for the lab and the emulator.

The lab keeps its own client so that it stays independent of the collection and light enough for
the emulator to poll three API servers twice a second."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import urllib.parse


class ApiError(Exception):
    def __init__(self, status: int, body: str, method: str = "", path: str = ""):
        super().__init__(f"{method} {path}: HTTP {status}: {body[:500]}")
        self.status = status
        self.body = body


class Unreachable(Exception):
    pass


# (group, version, plural, namespaced) for the kinds the lab touches
KINDS = {
    "Namespace": ("", "v1", "namespaces", False),
    "Node": ("", "v1", "nodes", False),
    "Service": ("", "v1", "services", True),
    "ServiceAccount": ("", "v1", "serviceaccounts", True),
    "ConfigMap": ("", "v1", "configmaps", True),
    "Secret": ("", "v1", "secrets", True),
    "CustomResourceDefinition": ("apiextensions.k8s.io", "v1", "customresourcedefinitions", False),
    "ClusterRole": ("rbac.authorization.k8s.io", "v1", "clusterroles", False),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", False),
    "Role": ("rbac.authorization.k8s.io", "v1", "roles", True),
    "RoleBinding": ("rbac.authorization.k8s.io", "v1", "rolebindings", True),
    "ServiceMeshControlPlane": ("maistra.io", "v2", "servicemeshcontrolplanes", True),
    "ServiceMeshMemberRoll": ("maistra.io", "v1", "servicemeshmemberrolls", True),
    "ServiceMeshPeer": ("federation.maistra.io", "v1", "servicemeshpeers", True),
    "ExportedServiceSet": ("federation.maistra.io", "v1", "exportedservicesets", True),
    "ImportedServiceSet": ("federation.maistra.io", "v1", "importedservicesets", True),
    "DestinationRule": ("networking.istio.io", "v1beta1", "destinationrules", True),
}


def path_for(kind: str, namespace: str | None = None, name: str | None = None, sub: str | None = None,
             query: dict | None = None) -> str:
    group, version, plural, namespaced = KINDS[kind]
    base = f"/api/{version}" if not group else f"/apis/{group}/{version}"
    if namespaced and namespace:
        base += f"/namespaces/{namespace}"
    base += f"/{plural}"
    if name:
        base += f"/{name}"
    if sub:
        base += f"/{sub}"
    if query:
        base += "?" + urllib.parse.urlencode(query)
    return base


class Client:
    def __init__(self, server: str, token: str, ca_pem: str, timeout: float = 10.0):
        url = urllib.parse.urlparse(server)
        self.host, self.port = url.hostname, url.port or 443
        self.token = token
        self.timeout = timeout
        self._ctx = ssl.create_default_context()
        self._ctx.load_verify_locations(cadata=ca_pem)
        self._ctx.check_hostname = False
        self._local = threading.local()

    @classmethod
    def from_kubeconfig(cls, path: str, timeout: float = 10.0) -> "Client":
        import yaml  # only the CLI needs it

        with open(path, encoding="utf-8") as fh:
            cfg = yaml.safe_load(fh)
        import base64

        cluster = cfg["clusters"][0]["cluster"]
        user = cfg["users"][0]["user"]
        return cls(cluster["server"], user["token"],
                   base64.b64decode(cluster["certificate-authority-data"]).decode(), timeout)

    def _conn(self) -> http.client.HTTPSConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPSConnection(self.host, self.port, context=self._ctx, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
        self._local.conn = None

    def request(self, method: str, path: str, body=None, content_type: str = "application/json"):
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            headers["Content-Type"] = content_type
        for attempt in range(2):
            conn = self._conn()
            try:
                conn.request(method, path, body=data, headers=headers)
                resp = conn.getresponse()
                raw = resp.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                if attempt == 1 or isinstance(exc, (ConnectionRefusedError, TimeoutError)):
                    raise Unreachable(f"{self.host}:{self.port}: {exc}") from exc
        if resp.status >= 400:
            raise ApiError(resp.status, raw, method, path)
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    # conveniences
    def get(self, kind, namespace=None, name=None, sub=None):
        return self.request("GET", path_for(kind, namespace, name, sub))

    def get_or_none(self, kind, namespace=None, name=None):
        try:
            return self.get(kind, namespace, name)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def list(self, kind, namespace=None, label_selector: str | None = None) -> list[dict]:
        query = {"labelSelector": label_selector} if label_selector else None
        return self.request("GET", path_for(kind, namespace, query=query)).get("items", [])

    def create(self, obj: dict):
        kind = obj["kind"]
        return self.request("POST", path_for(kind, obj["metadata"].get("namespace")), obj)

    def apply(self, obj: dict, manager: str, sub: str | None = None, force: bool = True):
        meta = obj["metadata"]
        query = {"fieldManager": manager, "force": "true" if force else "false"}
        return self.request("PATCH", path_for(obj["kind"], meta.get("namespace"), meta["name"], sub, query),
                            obj, "application/apply-patch+yaml")

    def merge_patch(self, kind, namespace, name, patch: dict, sub: str | None = None):
        return self.request("PATCH", path_for(kind, namespace, name, sub), patch, "application/merge-patch+json")

    def delete(self, kind, namespace=None, name=None):
        try:
            return self.request("DELETE", path_for(kind, namespace, name))
        except ApiError as exc:
            if exc.status != 404:
                raise
            return None

    def raw_get(self, path: str):
        return self.request("GET", path)
