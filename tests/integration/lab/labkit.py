# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test support for the lab: admin clients per cluster, bounded waits, and a federation
pair written by hand after the reference procedure (independent of the collection's code)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

REPO = Path(__file__).resolve().parents[3]
LAB_DIR = REPO / "tests" / "lab"
MESHES = ("red-mesh:aws", "green-mesh:baremetal", "blue-mesh:gcp")
MERGE = "application/merge-patch+json"


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.25, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except ApiException as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


def holds_for(predicate, seconds: float, interval: float = 0.5):
    """Assert that a predicate stays true for `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        assert value, f"condition stopped holding: {value!r}"
        time.sleep(interval)


class Cluster:
    """Admin access to one mesh's cluster through the kubernetes client."""

    def __init__(self, lab: "Lab", name: str, info: dict):
        self.lab, self.name, self.info = lab, name, info
        self.namespace = info["namespace"]
        self.members = info["members"]
        self.platform = info["platform"]
        self.api = config.new_client_from_config(str(lab.state_dir / f"admin-{name}.kubeconfig"))
        self.core = client.CoreV1Api(self.api)
        self.custom = client.CustomObjectsApi(self.api)
        self.ext = client.ApiextensionsV1Api(self.api)

    # custom resources
    def get(self, group: str, version: str, plural: str, name: str, namespace: str | None = None) -> dict:
        return self.custom.get_namespaced_custom_object(group, version, namespace or self.namespace, plural, name)

    def get_or_none(self, *args, **kwargs):
        try:
            return self.get(*args, **kwargs)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def create(self, group: str, version: str, plural: str, body: dict, namespace: str | None = None) -> dict:
        return self.custom.create_namespaced_custom_object(group, version, namespace or self.namespace, plural, body)

    def delete(self, group: str, version: str, plural: str, name: str, namespace: str | None = None) -> None:
        try:
            self.custom.delete_namespaced_custom_object(group, version, namespace or self.namespace, plural, name)
        except ApiException as exc:
            if exc.status != 404:
                raise

    def smcp(self) -> dict:
        return self.get("maistra.io", "v2", "servicemeshcontrolplanes", self.name)

    def patch_smcp(self, patch: dict) -> dict:
        return self.custom.patch_namespaced_custom_object(
            "maistra.io", "v2", self.namespace, "servicemeshcontrolplanes", self.name, patch, _content_type=MERGE)

    def trust_domain(self) -> str:
        return self.smcp()["spec"].get("security", {}).get("trust", {}).get("domain") or "cluster.local"

    def peer(self, name: str) -> dict | None:
        return self.get_or_none("federation.maistra.io", "v1", "servicemeshpeers", name)

    def root_cert(self) -> str:
        return self.core.read_namespaced_config_map("istio-ca-root-cert", self.namespace).data["root-cert.pem"]

    def service(self, name: str, namespace: str | None = None):
        try:
            return self.core.read_namespaced_service(name, namespace or self.namespace)
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise

    def node_addresses(self, kind: str = "ExternalIP") -> list[str]:
        return [a.address for n in self.core.list_node().items for a in n.status.addresses if a.type == kind]


class Lab:
    def __init__(self, state_dir: Path, owned: bool):
        self.state_dir = Path(state_dir)
        self.owned = owned
        self.info = json.loads((self.state_dir / "lab.json").read_text())
        self.clusters = {name: Cluster(self, name, m) for name, m in self.info["meshes"].items()}

    def __getitem__(self, name: str) -> Cluster:
        return self.clusters[name]

    def labctl(self, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        return run_labctl(self.state_dir, *args, check=check, timeout=timeout)

    def reload(self) -> None:
        self.info = json.loads((self.state_dir / "lab.json").read_text())

    def inventory(self) -> dict:
        return yaml.safe_load((self.state_dir / "inventory.yml").read_text())


def run_labctl(state_dir: Path, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(LAB_DIR))
    proc = subprocess.run([sys.executable, "-m", "labctl", "--state-dir", str(state_dir), *args], cwd=LAB_DIR,
                          env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"labctl {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def lab_running(state_dir: Path) -> bool:
    try:
        info = json.loads((state_dir / "lab.json").read_text())
    except (OSError, ValueError):
        return False
    pids = [m.get("api_pid") for m in info.get("meshes", {}).values()] + [info.get("emulator", {}).get("pid")]
    return all(p and Path(f"/proc/{p}").exists() for p in pids)


# --- federation resources written by hand, after the reference procedure ---------------------------

NODE_PORTS = {  # (mesh, peer) -> (service node port, discovery node port), for meshes without load balancer
    ("green-mesh", "red-mesh"): (32110, 32111),
    ("green-mesh", "blue-mesh"): (32112, 32113),
    ("red-mesh", "green-mesh"): (32120, 32121),
    ("red-mesh", "blue-mesh"): (32122, 32123),
    ("blue-mesh", "red-mesh"): (32130, 32131),
    ("blue-mesh", "green-mesh"): (32132, 32133),
}
FED = ("federation.maistra.io", "v1")


def gateway_patch(m: Cluster, peer: str, network_view: bool = True) -> dict:
    ingress_service: dict = {
        "metadata": {"labels": {"federation.maistra.io/ingress-for": f"ingress-{peer}"}},
        "ports": [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "https-discovery"}],
    }
    if m.platform in ("aws", "gcp", "azure", "baremetal-lb"):
        ingress_service["type"] = "LoadBalancer"
        if m.platform == "aws":
            ingress_service["metadata"]["annotations"] = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}
    else:
        ingress_service["type"] = "NodePort"
        service_np, discovery_np = NODE_PORTS[(m.name, peer)]
        ingress_service["ports"][0]["nodePort"] = service_np
        ingress_service["ports"][1]["nodePort"] = discovery_np
    egress = {"enabled": True, "routerMode": "sni-dnat",
              "service": {"metadata": {"labels": {"federation.maistra.io/egress-for": f"egress-{peer}"}},
                          "ports": [{"port": 15443, "name": "tls"}, {"port": 8188, "name": "http-discovery"}]}}
    if network_view:
        egress["requestedNetworkView"] = [f"network-{peer}"]
    return {"spec": {"gateways": {
        "additionalEgress": {f"egress-{peer}": egress},
        "additionalIngress": {f"ingress-{peer}": {"enabled": True, "routerMode": "sni-dnat",
                                                  "service": ingress_service}},
    }}}


def ingress_address(m: Cluster, peer: str, timeout: float = 30) -> tuple[str, int, int]:
    """(address, discovery port, service port) of m's ingress gateway for peer, as the peer must use it."""
    def read():
        svc = m.service(f"ingress-{peer}")
        if svc is None:
            return None
        if svc.spec.type == "LoadBalancer":
            ingress = (svc.status.load_balancer.ingress or []) if svc.status.load_balancer else []
            if ingress:
                return ingress[0].hostname or ingress[0].ip, 8188, 15443
            return None
        ports = {p.port: p.node_port for p in svc.spec.ports}
        if ports.get(8188):
            return m.node_addresses()[0], ports[8188], ports[15443]
        return None

    return wait_until(read, timeout, what=f"address of ingress-{peer} in {m.name}")


class Pair:
    """Federation between two meshes a and b, each side written like the procedure says.

    `broken` names one deliberate mistake on side a: wrong_address, wrong_root, missing_root,
    wrong_client_id, no_network_view, equal_trust_domains."""

    def __init__(self, lab: Lab, a: str, b: str):
        self.lab, self.a, self.b = lab, lab[a], lab[b]
        self.saved_domains = {c.name: c.smcp()["spec"].get("security", {}).get("trust", {}).get("domain")
                              for c in (self.a, self.b)}

    def sides(self):
        return ((self.a, self.b), (self.b, self.a))

    def setup(self, broken: str | None = None, exports: dict | None = None, imports: dict | None = None) -> None:
        domains = {c.name: f"{c.name}.local" for c in (self.a, self.b)}
        if broken == "equal_trust_domains":
            domains = {c.name: "shared.local" for c in (self.a, self.b)}
        for m, p in self.sides():
            patch = gateway_patch(m, p.name, network_view=not (broken == "no_network_view" and m is self.a))
            patch["spec"]["security"] = {"trust": {"domain": domains[m.name]}}
            m.patch_smcp(patch)
        addresses = {(m.name, p.name): ingress_address(m, p.name) for m, p in self.sides()}
        for m, p in self.sides():
            wait_until(lambda p=p: p.smcp()["spec"]["security"]["trust"]["domain"] == domains[p.name],
                       what="trust domain")
            root = p.root_cert()
            if broken == "wrong_root" and m is self.a:
                other = next(c for c in self.lab.clusters.values() if c.name not in (self.a.name, self.b.name))
                root = other.root_cert()
            if not (broken == "missing_root" and m is self.a):
                body = {"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": f"{p.name}-ca-root-cert", "namespace": m.namespace},
                        "data": {"root-cert.pem": root}}
                try:
                    m.core.create_namespaced_config_map(m.namespace, body)
                except ApiException as exc:
                    if exc.status != 409:
                        raise
                    m.core.replace_namespaced_config_map(f"{p.name}-ca-root-cert", m.namespace, body)
            address, discovery, service = addresses[(p.name, m.name)]
            if broken == "wrong_address" and m is self.a:
                address = "127.99.99.99"
            client_id = f"{domains[p.name]}/ns/{p.namespace}/sa/egress-{m.name}-service-account"
            if broken == "wrong_client_id" and m is self.a:
                client_id = f"{domains[p.name]}/ns/{p.namespace}/sa/default"
            m.create(*FED, "servicemeshpeers", {
                "apiVersion": "federation.maistra.io/v1", "kind": "ServiceMeshPeer",
                "metadata": {"name": p.name, "namespace": m.namespace},
                "spec": {
                    "remote": {"addresses": [address], "discoveryPort": discovery, "servicePort": service},
                    "gateways": {"ingress": {"name": f"ingress-{p.name}"}, "egress": {"name": f"egress-{p.name}"}},
                    "security": {"trustDomain": domains[p.name], "clientID": client_id,
                                 "certificateChain": {"kind": "ConfigMap", "name": f"{p.name}-ca-root-cert"}},
                }})
            if exports and m.name in exports:
                m.create(*FED, "exportedservicesets", {
                    "apiVersion": "federation.maistra.io/v1", "kind": "ExportedServiceSet",
                    "metadata": {"name": p.name, "namespace": m.namespace}, "spec": {"exportRules": exports[m.name]}})
            if imports and m.name in imports:
                m.create(*FED, "importedservicesets", {
                    "apiVersion": "federation.maistra.io/v1", "kind": "ImportedServiceSet",
                    "metadata": {"name": p.name, "namespace": m.namespace}, "spec": {"importRules": imports[m.name]}})

    def watch(self, m: Cluster, p: Cluster) -> dict:
        """m's view of its own outbound connection to p, and of p's inbound one."""
        peer = m.peer(p.name) or {}
        active = (peer.get("status", {}).get("discoveryStatus", {}).get("active") or [{}])[0]
        return active

    def connected(self, m: Cluster, p: Cluster) -> bool:
        """m -> p: m's istiod watches p, and p sees m as a connected remote."""
        caller, callee = m, p
        outbound = self.watch(caller, callee).get("watch", {}).get("connected", False)
        inbound = any(r.get("connected") for r in self.watch(callee, caller).get("remotes", []))
        return bool(outbound and inbound)

    def teardown(self) -> None:
        for m, p in self.sides():
            for plural in ("servicemeshpeers", "exportedservicesets", "importedservicesets"):
                m.delete(*FED, plural, p.name)
            try:
                m.core.delete_namespaced_config_map(f"{p.name}-ca-root-cert", m.namespace)
            except ApiException as exc:
                if exc.status != 404:
                    raise
            m.patch_smcp({"spec": {
                "security": {"trust": {"domain": self.saved_domains[m.name]}},
                "gateways": {"additionalEgress": {f"egress-{p.name}": None},
                             "additionalIngress": {f"ingress-{p.name}": None}}}})
        for m, p in self.sides():
            wait_until(lambda m=m, p=p: m.service(f"ingress-{p.name}") is None and m.service(f"egress-{p.name}") is None,
                       what=f"federation gateways of {m.name} removed")
