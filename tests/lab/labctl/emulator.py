# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Maistra emulator: one process that plays the Maistra operator, istiod's federation discovery and
a cloud load balancer controller for every cluster of the lab.

- Control plane: each ServiceMeshControlPlane's gateways become Services and ServiceAccounts; the
  mesh's root CA is published in `istio-ca-root-cert`; the SMCP and the member roll get a status.
- Load balancers by platform, with an optional provisioning delay and address overrides.
- Federation: every federation ingress gateway is a real TLS listener on a loopback address; for every
  ServiceMeshPeer, the mesh's istiod dials the peer's address with mutual TLS and receives the
  services the peer exports to it. Status of peers and service sets is written from what happened.

Each mesh only reads its own cluster; meshes learn about each other only through the sockets.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import hashlib
import ipaddress
import json
import logging
import os
import signal
import socket
import ssl
import threading
import time
from pathlib import Path

from . import pki, rules
from .kube import ApiError, Client, Unreachable
from .state import State, address, read_json, write_json

LOG = logging.getLogger("emulator")
MANAGER = "maistra-istio-operator"
OPERATOR_VERSION = "2.6.5"
CHART_VERSIONS = {"v2.1": "2.1.6", "v2.2": "2.2.12", "v2.3": "2.3.11", "v2.4": "2.4.12", "v2.5": "2.5.9",
                  "v2.6": "2.6.5"}
DISCOVERY_PORT = 8188
INGRESS_FOR = "federation.maistra.io/ingress-for"
NLB = ("service.beta.kubernetes.io/aws-load-balancer-type", "nlb")
LOOP = 0.5
FEDERATION_EVERY = 1.0
REMOTE_STALE = 3.5
UNAVAILABLE = "503 Service Unavailable"
FORBIDDEN = "403 Forbidden"


def now_ts() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def short_hash(*parts: str, n: int = 10) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:n]


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return False


class Network:
    """What the lab's 'network' knows: host names of load balancers (the emulator's own DNS)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.dns: dict[str, str] = {}

    def resolve(self, host: str) -> str | None:
        if is_ip(host):
            return host
        with self.lock:
            return self.dns.get(host.lower().rstrip("."))

    def set(self, host: str, ip: str) -> None:
        with self.lock:
            self.dns[host.lower()] = ip


class Link:
    """The state of one discovery connection (one direction), as istiod reports it."""

    def __init__(self):
        self.connected = False
        self.last_connected = None
        self.last_disconnect = None
        self.last_disconnect_status = None
        self.last_full_sync = None
        self.last_event = None
        self.last_ok = 0.0
        self.offered: list[dict] | None = None
        self.reason = ""

    def success(self, offered: list[dict] | None = None) -> None:
        ts = now_ts()
        if not self.connected:
            self.connected = True
            self.last_connected = ts
            self.last_full_sync = ts
            self.last_event = ts
        if offered is not None and offered != self.offered:
            self.offered = offered
            self.last_full_sync = ts
            self.last_event = ts
        self.last_ok = time.monotonic()
        self.reason = ""

    def failure(self, status: str, reason: str) -> None:
        if self.connected:
            self.connected = False
            self.last_disconnect = now_ts()
            self.last_disconnect_status = status
        elif self.last_connected is None:
            self.last_disconnect_status = None
        self.reason = reason

    def as_watch(self) -> dict:
        out = {"connected": self.connected}
        for key, value in (("lastConnected", self.last_connected), ("lastDisconnect", self.last_disconnect),
                           ("lastDisconnectStatus", self.last_disconnect_status),
                           ("lastFullSync", self.last_full_sync), ("lastEvent", self.last_event)):
            if value:
                out[key] = value
        return out


class Mesh:
    """One cluster and its emulated Maistra."""

    def __init__(self, emu: "Emulator", info: dict):
        self.emu = emu
        self.name = info["name"]
        self.info = info
        self.index = info["index"]
        self.platform = info["platform"]
        self.lb = info["lb"]
        self.client = Client(f"https://127.0.0.1:{info['api_port']}", info["tokens"]["emulator"],
                             info["ca_pem"], timeout=3)
        self.snap: dict | None = None
        self.api_up = False
        self.applied: dict[str, str] = {}  # object key -> hash of what we last applied
        self.first_seen: dict[str, float] = {}
        self.ca: pki.MeshCA | None = None
        self.ca_generation = 0
        self.ca_mtime = 0.0
        self.leaf_cache: dict[tuple, tuple[str, str]] = {}
        self.trust_cache: dict[str, tuple[str, str | None]] = {}
        self.lock = threading.Lock()
        self.watch: dict[str, Link] = {}  # peer resource key -> outbound link
        self.remotes: dict[str, Link] = {}  # peer resource key -> inbound link

    # --- reading the cluster -------------------------------------------------------------------
    def fetch(self) -> None:
        c = self.client
        snap = {
            "smcps": c.list("ServiceMeshControlPlane"),
            "smmrs": c.list("ServiceMeshMemberRoll"),
            "services": c.list("Service"),
            "serviceaccounts": c.list("ServiceAccount", label_selector="maistra.io/gateway"),
            "configmaps": c.list("ConfigMap"),
            "namespaces": c.list("Namespace"),
            "nodes": c.list("Node"),
            "peers": c.list("ServiceMeshPeer"),
            "exports": c.list("ExportedServiceSet"),
            "imports": c.list("ImportedServiceSet"),
        }
        self.snap = snap
        self.api_up = True

    def find(self, kind: str, namespace: str, name: str) -> dict | None:
        for item in (self.snap or {}).get(kind, []):
            if item["metadata"].get("namespace") == namespace and item["metadata"]["name"] == name:
                return item
        return None

    def smcp_in(self, namespace: str) -> dict | None:
        for smcp in (self.snap or {}).get("smcps", []):
            if smcp["metadata"]["namespace"] == namespace:
                return smcp
        return None

    def members(self, namespace: str) -> list[str]:
        existing = {n["metadata"]["name"] for n in (self.snap or {}).get("namespaces", [])}
        roll = self.find("smmrs", namespace, "default")
        wanted = ((roll or {}).get("spec") or {}).get("members") or []
        return [m for m in wanted if m in existing and m != namespace]

    @staticmethod
    def trust_domain(smcp: dict | None) -> str:
        spec = (smcp or {}).get("spec") or {}
        return ((spec.get("security") or {}).get("trust") or {}).get("domain") or "cluster.local"

    # --- the mesh CA -------------------------------------------------------------------------------
    def load_ca(self) -> None:
        path = self.emu.state.mesh_ca_file(self.name)
        mtime = path.stat().st_mtime
        if mtime == self.ca_mtime and self.ca is not None:
            return
        data = read_json(path)
        generation = data.pop("generation", 1)
        self.ca = pki.MeshCA.from_dict(data)
        self.ca_generation = generation
        self.ca_mtime = mtime
        LOG.info("%s: root CA #%s loaded", self.name, generation)

    def leaf(self, spiffe_id: str) -> tuple[str, str]:
        """Files (cert, key) of a workload certificate issued by the mesh's current CA."""
        key = (self.ca_generation, spiffe_id)
        with self.lock:
            if key not in self.leaf_cache:
                cert, pkey = self.ca.workload(spiffe_id)
                base = self.emu.certs_dir / f"{self.name}-{short_hash(str(self.ca_generation), spiffe_id)}"
                Path(f"{base}.crt").write_text(cert, encoding="utf-8")
                Path(f"{base}.key").write_text(pkey, encoding="utf-8")
                os.chmod(f"{base}.key", 0o600)
                self.leaf_cache[key] = (f"{base}.crt", f"{base}.key")
            return self.leaf_cache[key]

    def peer_trust(self, peer: dict) -> str | None:
        """The root certificate(s) istiod trusts for a peer. Like istiod, the ConfigMap is read when the
        ServiceMeshPeer changes (spec or annotations), not when the ConfigMap changes."""
        meta = peer["metadata"]
        key = f"{meta['namespace']}/{meta['name']}"
        version = json.dumps([meta.get("uid"), peer.get("spec"), meta.get("annotations")], sort_keys=True)
        with self.lock:
            cached = self.trust_cache.get(key)
            if cached and cached[0] == version:
                return cached[1]
        chain = ((peer.get("spec") or {}).get("security") or {}).get("certificateChain") or {}
        pem = None
        if chain.get("kind", "ConfigMap") == "ConfigMap" and chain.get("name"):
            cm = self.find("configmaps", meta["namespace"], chain["name"])
            if cm:
                pem = (cm.get("data") or {}).get("root-cert.pem") or None
        if pem:
            try:
                ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                ctx.load_verify_locations(cadata=pem)
            except (ssl.SSLError, ValueError):
                pem = None
        if pem:
            with self.lock:
                self.trust_cache[key] = (version, pem)
        return pem

    # --- control plane reconciliation ---------------------------------------------------------------
    def desired_gateways(self, smcp: dict) -> list[tuple[dict, dict]]:
        ns, name = smcp["metadata"]["namespace"], smcp["metadata"]["name"]
        spec = smcp.get("spec") or {}
        gws = spec.get("gateways") or {}
        out = []
        if gws.get("enabled") is False:
            return out
        entries = []
        if (gws.get("ingress") or {}).get("enabled", True):
            entries.append(("istio-ingressgateway", gws.get("ingress") or {}, "ingress"))
        if (gws.get("egress") or {}).get("enabled", True):
            entries.append(("istio-egressgateway", gws.get("egress") or {}, "egress"))
        for key, gw in sorted((gws.get("additionalIngress") or {}).items()):
            entries.append((key, gw or {}, "ingress"))
        for key, gw in sorted((gws.get("additionalEgress") or {}).items()):
            entries.append((key, gw or {}, "egress"))
        for key, gw, role in entries:
            if gw.get("enabled") is False:
                continue
            gw_ns = gw.get("namespace") or ns
            svc_spec = gw.get("service") or {}
            meta = svc_spec.get("metadata") or {}
            labels = {
                "app": key, "istio": key.replace("istio-", "") if key.startswith("istio-") else key,
                "maistra.io/gateway": key, "maistra.io/owner": ns, "maistra.io/owner-name": name,
                "maistra-version": OPERATOR_VERSION, "istio.io/rev": name,
                "app.kubernetes.io/managed-by": MANAGER, "app.kubernetes.io/component": f"{role}gateway",
                **(meta.get("labels") or {}),
            }
            ports = []
            for p in svc_spec.get("ports") or self.default_ports(role):
                port = {"name": p.get("name") or f"port-{p['port']}", "port": p["port"],
                        "protocol": p.get("protocol") or "TCP", "targetPort": p.get("targetPort") or p["port"]}
                if p.get("nodePort"):
                    port["nodePort"] = p["nodePort"]
                ports.append(port)
            service = {
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": key, "namespace": gw_ns, "labels": labels,
                             "annotations": dict(meta.get("annotations") or {})},
                "spec": {"type": svc_spec.get("type") or "ClusterIP",
                         "selector": svc_spec.get("selector") or {"istio": labels["istio"], "app": key},
                         "ports": ports},
            }
            for field in ("externalTrafficPolicy", "loadBalancerIP", "loadBalancerSourceRanges", "externalIPs"):
                if svc_spec.get(field):
                    service["spec"][field] = svc_spec[field]
            sa = {"apiVersion": "v1", "kind": "ServiceAccount",
                  "metadata": {"name": f"{key}-service-account", "namespace": gw_ns,
                               "labels": {k: v for k, v in labels.items() if not k.startswith("federation.")}}}
            out.append((service, sa))
        return out

    @staticmethod
    def default_ports(role: str) -> list[dict]:
        ports = [{"name": "http2", "port": 80, "targetPort": 8080}, {"name": "https", "port": 443, "targetPort": 8443},
                 {"name": "tls", "port": 15443, "targetPort": 15443}]
        if role == "ingress":
            ports.insert(0, {"name": "status-port", "port": 15021, "targetPort": 15021})
        return ports

    @staticmethod
    def _differs(want: dict, have: dict | None) -> bool:
        if have is None:
            return True
        wm, hm = want["metadata"], have["metadata"]
        if any((hm.get("labels") or {}).get(k) != v for k, v in (wm.get("labels") or {}).items()):
            return True
        if any((hm.get("annotations") or {}).get(k) != v for k, v in (wm.get("annotations") or {}).items()):
            return True
        if want["kind"] != "Service":
            return False
        ws, hs = want["spec"], have.get("spec") or {}
        if ws["type"] != hs.get("type"):
            return True
        hports = {(p.get("port"), p.get("protocol", "TCP")): p for p in hs.get("ports") or []}
        if len(hports) != len(ws["ports"]):
            return True
        for p in ws["ports"]:
            h = hports.get((p["port"], p["protocol"]))
            if h is None or h.get("name") != p["name"] or h.get("targetPort") != p["targetPort"]:
                return True
            if p.get("nodePort") and h.get("nodePort") != p["nodePort"]:
                return True
        return False

    def apply(self, obj: dict, have: dict | None) -> None:
        meta = obj["metadata"]
        key = f"{obj['kind']}/{meta['namespace']}/{meta['name']}"
        digest = short_hash(json.dumps(obj, sort_keys=True), n=16)
        if have is not None and self.applied.get(key) == digest and not self._differs(obj, have):
            return
        if have is not None and self.applied.get(key) is None and not self._differs(obj, have):
            # after a restart: what is there is what we want; remember it without writing
            owned = (have["metadata"].get("annotations") or {}).keys() <= (meta.get("annotations") or {}).keys()
            if owned:
                self.applied[key] = digest
                return
        try:
            self.client.apply(obj, MANAGER)
        except ApiError as exc:
            if exc.status != 422 or obj["kind"] != "Service":
                raise
            LOG.info("%s: recreating %s (%s)", self.name, key, exc.body[:200])
            self.client.delete("Service", meta["namespace"], meta["name"])
            self.client.apply(obj, MANAGER)
        self.applied[key] = digest
        LOG.info("%s: applied %s", self.name, key)

    def reconcile(self) -> None:
        snap = self.snap
        self.load_ca()
        wanted_services, wanted_sas = set(), set()
        for smcp in snap["smcps"]:
            ns = smcp["metadata"]["namespace"]
            supported = (smcp.get("spec") or {}).get("version", "v2.6") in CHART_VERSIONS
            if supported:
                for svc, sa in self.desired_gateways(smcp):
                    m = svc["metadata"]
                    wanted_services.add((m["namespace"], m["name"]))
                    wanted_sas.add((m["namespace"], sa["metadata"]["name"]))
                    self.apply(svc, self.find("services", m["namespace"], m["name"]))
                    self.apply(sa, self.find("serviceaccounts", m["namespace"], sa["metadata"]["name"]))
                self.publish_ca(ns)
                self.member_roll_status(ns)
            self.smcp_status(smcp, supported)
        for svc in snap["services"]:
            m = svc["metadata"]
            if (m.get("labels") or {}).get("maistra.io/gateway") and (m["namespace"], m["name"]) not in wanted_services:
                LOG.info("%s: deleting gateway service %s/%s", self.name, m["namespace"], m["name"])
                self.client.delete("Service", m["namespace"], m["name"])
                self.applied.pop(f"Service/{m['namespace']}/{m['name']}", None)
        for sa in snap["serviceaccounts"]:
            m = sa["metadata"]
            if (m["namespace"], m["name"]) not in wanted_sas:
                self.client.delete("ServiceAccount", m["namespace"], m["name"])
                self.applied.pop(f"ServiceAccount/{m['namespace']}/{m['name']}", None)
        self.load_balancers()

    def publish_ca(self, ns: str) -> None:
        pem = self.ca.published_pem()
        for target in [ns, *self.members(ns)]:
            cm = self.find("configmaps", target, "istio-ca-root-cert")
            if cm and (cm.get("data") or {}).get("root-cert.pem") == pem:
                continue
            self.client.apply({"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": "istio-ca-root-cert", "namespace": target,
                                            "labels": {"istio.io/config": "true", "maistra.io/owner": ns}},
                               "data": {"root-cert.pem": pem}}, MANAGER)
            LOG.info("%s: published root CA #%s in %s", self.name, self.ca_generation, target)

    def member_roll_status(self, ns: str) -> None:
        roll = self.find("smmrs", ns, "default")
        if roll is None:
            return
        wanted = ((roll.get("spec") or {}).get("members")) or []
        configured = self.members(ns)
        for member in configured:
            nsobj = self.find_namespace(member)
            if nsobj and (nsobj["metadata"].get("labels") or {}).get("maistra.io/member-of") != ns:
                self.client.merge_patch("Namespace", None, member, {"metadata": {"labels": {"maistra.io/member-of": ns}}})
        pending = [m for m in wanted if m not in configured]
        old = roll.get("status") or {}
        ready = not pending
        cond = {"type": "Ready", "status": "True" if ready else "False",
                "reason": "Configured" if ready else "ReconcileFailed",
                "message": "All namespaces have been configured successfully" if ready
                else f"Could not find namespace(s): {', '.join(pending)}"}
        cond["lastTransitionTime"] = self._transition(old.get("conditions"), cond)
        status = {"observedGeneration": roll["metadata"].get("generation", 1),
                  "meshGeneration": 1, "meshReconciledVersion": f"{OPERATOR_VERSION}-1",
                  "annotations": {"configuredMemberCount": f"{len(configured)}/{len(wanted)}"},
                  "members": wanted, "configuredMembers": configured, "pendingMembers": pending,
                  "terminatingMembers": [], "conditions": [cond],
                  "memberStatuses": [{"namespace": m, "conditions": [{
                      "type": "Reconciled", "status": "True" if m in configured else "False"}]} for m in wanted]}
        self.write_status("ServiceMeshMemberRoll", roll, status)

    def find_namespace(self, name: str) -> dict | None:
        for n in self.snap["namespaces"]:
            if n["metadata"]["name"] == name:
                return n
        return None

    @staticmethod
    def _transition(old_conditions, cond: dict) -> str:
        for c in old_conditions or []:
            if c.get("type") == cond["type"] and c.get("status") == cond["status"] and c.get("lastTransitionTime"):
                return c["lastTransitionTime"]
        return now_ts()

    def smcp_status(self, smcp: dict, supported: bool) -> None:
        spec = smcp.get("spec") or {}
        version = spec.get("version", "v2.6")
        old = smcp.get("status") or {}
        ns = smcp["metadata"]["namespace"]
        if supported:
            components = ["istiod"] + [s["metadata"]["name"] for s, _ in self.desired_gateways(smcp)]
            components += [a for a in ("grafana", "kiali", "prometheus")
                           if ((spec.get("addons") or {}).get(a) or {}).get("enabled")]
            conds = [{"type": "Installed", "status": "True", "reason": "InstallSuccessful",
                      "message": "Successfully installed all mesh components"},
                     {"type": "Reconciled", "status": "True", "reason": "InstallSuccessful",
                      "message": "Successfully installed version " + CHART_VERSIONS[version]},
                     {"type": "Ready", "status": "True", "reason": "ComponentsReady",
                      "message": "All component deployments are Available"}]
            status = {"observedGeneration": smcp["metadata"].get("generation", 1),
                      "operatorVersion": OPERATOR_VERSION, "chartVersion": CHART_VERSIONS[version],
                      "annotations": {"readyComponentCount": f"{len(components)}/{len(components)}"},
                      "readiness": {"components": {"ready": sorted(components), "pending": [], "unready": []}},
                      "appliedSpec": {**spec, "version": version}}
        else:
            message = (f"spec.version {version!r} is not supported by this operator "
                       f"(supported: {', '.join(CHART_VERSIONS)})")
            conds = [{"type": "Reconciled", "status": "False", "reason": "ValidationError", "message": message},
                     {"type": "Ready", "status": "False", "reason": "ValidationError", "message": message}]
            status = {"observedGeneration": smcp["metadata"].get("generation", 1),
                      "operatorVersion": OPERATOR_VERSION, "annotations": {"readyComponentCount": "0/0"}}
        for c in conds:
            c["lastTransitionTime"] = self._transition(old.get("conditions"), c)
        status["conditions"] = conds
        if ns:
            self.write_status("ServiceMeshControlPlane", smcp, status)

    def write_status(self, kind: str, obj: dict, status: dict) -> None:
        if obj.get("status") == status:
            return
        meta = obj["metadata"]
        self.client.request(
            "PATCH", self.client_path(kind, meta.get("namespace"), meta["name"]),
            [{"op": "add", "path": "/status", "value": status}], "application/json-patch+json")
        obj["status"] = status

    @staticmethod
    def client_path(kind, namespace, name):
        from .kube import path_for

        return path_for(kind, namespace, name, "status")

    # --- load balancers ----------------------------------------------------------------------------
    def load_balancers(self) -> None:
        control = self.emu.control
        delay = float(control.get("delays", {}).get(self.name, 0) or 0)
        for svc in self.snap["services"]:
            meta, spec = svc["metadata"], svc.get("spec") or {}
            key = f"{self.name}/{meta['namespace']}/{meta['name']}"
            have = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            want: list[dict] = []
            if spec.get("type") == "LoadBalancer":
                first = self.first_seen.setdefault(f"{key}/{meta.get('uid')}", time.monotonic())
                override = control.get("addresses", {}).get(key)
                if override:
                    want = [{"ip": override} if is_ip(override) else {"hostname": override}]
                    if not is_ip(override):
                        self.emu.network.set(override, self.emu.allocate(f"dns/{override}", self.index))
                elif time.monotonic() - first < delay:
                    want = []
                elif self.lb == "ip":
                    want = [{"ip": self.emu.allocate(key, self.index)}]
                elif self.lb == "hostname" and (meta.get("annotations") or {}).get(NLB[0]) == NLB[1]:
                    ip = self.emu.allocate(key, self.index)
                    host = (f"a{short_hash(key, 'lb', n=31)}-{short_hash(key, 'id', n=16)}"
                            f".elb.{self.info['region']}.amazonaws.com")
                    self.emu.network.set(host, ip)
                    want = [{"hostname": host}]
            have_cmp = [{k: v for k, v in i.items() if k in ("ip", "hostname")} for i in have]
            if have_cmp != want:
                self.client.merge_patch("Service", meta["namespace"], meta["name"],
                                        {"status": {"loadBalancer": {"ingress": want or None}}}, sub="status")
                LOG.info("%s: load balancer of %s/%s: %s", self.name, meta["namespace"], meta["name"], want or "pending")

    # --- federation listeners ----------------------------------------------------------------------
    def listeners(self) -> dict[tuple[str, int], tuple[str, str, str]]:
        """(address, port) -> (mesh, namespace, gateway) for every federation ingress gateway."""
        out = {}
        if not self.snap:
            return out
        node_addrs = []
        for node in self.snap["nodes"]:
            for addr in (node.get("status") or {}).get("addresses") or []:
                if addr.get("type") in ("InternalIP", "ExternalIP") and is_ip(addr["address"]):
                    node_addrs.append(addr["address"])
        for svc in self.snap["services"]:
            meta, spec = svc["metadata"], svc.get("spec") or {}
            if INGRESS_FOR not in (meta.get("labels") or {}):
                continue
            ports = spec.get("ports") or []
            disc = next((p for p in ports if p.get("port") == DISCOVERY_PORT), None) or \
                next((p for p in ports if "discovery" in (p.get("name") or "")), None)
            if disc is None:
                continue
            target = (self.name, meta["namespace"], meta["name"])
            if spec.get("type") == "LoadBalancer":
                for ing in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
                    ip = self.emu.network.resolve(ing.get("ip") or ing.get("hostname") or "")
                    if ip:
                        out[(ip, disc["port"])] = target
            if spec.get("type") in ("LoadBalancer", "NodePort") and disc.get("nodePort"):
                for addr in node_addrs:
                    out[(addr, disc["nodePort"])] = target
        return out

    def inbound_peer(self, namespace: str, gateway: str) -> dict | None:
        for peer in self.snap["peers"]:
            if peer["metadata"]["namespace"] != namespace:
                continue
            if (((peer.get("spec") or {}).get("gateways") or {}).get("ingress") or {}).get("name") == gateway:
                return peer
        return None

    def serve(self, conn: socket.socket, namespace: str, gateway: str) -> None:
        """The far side of a discovery connection, arriving at our ingress gateway `gateway`."""
        peer = self.inbound_peer(namespace, gateway)
        smcp = self.smcp_in(namespace)
        if peer is None or smcp is None:
            conn.close()
            return
        pkey = f"{namespace}/{peer['metadata']['name']}"
        with self.lock:
            link = self.remotes.setdefault(pkey, Link())
        own_td = self.trust_domain(smcp)
        sec = (peer.get("spec") or {}).get("security") or {}
        trust = self.peer_trust(peer)
        if sec.get("trustDomain") == own_td or not trust:
            # istiod skips a peer root certificate whose trust domain equals its own
            with self.lock:
                link.failure(UNAVAILABLE, "no usable root certificate for the peer")
            conn.close()
            return
        cert, key = self.leaf(f"spiffe://{own_td}/ns/{namespace}/sa/{gateway}-service-account")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.load_verify_locations(cadata=trust)
        ctx.verify_mode = ssl.CERT_REQUIRED
        conn.settimeout(5)
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            with self.lock:
                link.failure(UNAVAILABLE, f"TLS handshake failed: {exc}")
            conn.close()
            return
        try:
            uris = [v for k, v in tls.getpeercert().get("subjectAltName", ()) if k == "URI"]
            identity = next((u[len("spiffe://"):] for u in uris if u.startswith("spiffe://")), "")
            request = tls.recv(4096).decode("latin-1")
            if identity != sec.get("clientID") or identity.split("/", 1)[0] == own_td:
                tls.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 19\r\nConnection: close\r\n\r\n"
                            b"RBAC: access denied")
                with self.lock:
                    link.failure(FORBIDDEN, f"client identity {identity!r} is not {sec.get('clientID')!r}")
                return
            if not request.startswith("GET /v1/exports"):
                tls.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            offered = [{"exportedName": e["exportedName"], **e["_exported"]}
                       for e in self.exports_for(namespace, peer["metadata"]["name"])]
            body = json.dumps({"services": offered}).encode()
            tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            with self.lock:
                link.success()
        except (ssl.SSLError, OSError) as exc:
            with self.lock:
                link.failure(UNAVAILABLE, f"discovery request failed: {exc}")
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def exports_for(self, namespace: str, peer_name: str) -> list[dict]:
        snap = self.snap
        ess = self.find("exports", namespace, peer_name)
        services = [s for s in snap["services"] if s["metadata"]["namespace"] != namespace]
        return rules.exports(ess, services, self.members(namespace), namespace, peer_name)

    # --- outbound discovery ------------------------------------------------------------------------
    def dial(self, peer: dict) -> tuple[bool, str, str, list[dict] | None]:
        """One discovery request to a peer: (ok, status, reason, offered services)."""
        meta, spec = peer["metadata"], peer.get("spec") or {}
        ns, name = meta["namespace"], meta["name"]
        smcp = self.smcp_in(ns)
        if smcp is None:
            return False, UNAVAILABLE, "no control plane in this namespace", None
        own_td = self.trust_domain(smcp)
        egress = ((spec.get("gateways") or {}).get("egress") or {}).get("name") or ""
        gw = (((smcp.get("spec") or {}).get("gateways") or {}).get("additionalEgress") or {}).get(egress)
        if not gw or gw.get("enabled") is False or self.find("services", ns, egress) is None:
            return False, UNAVAILABLE, f"egress gateway {egress!r} does not exist", None
        if f"network-{name}" not in (gw.get("requestedNetworkView") or []):
            return False, UNAVAILABLE, (f"egress gateway {egress} does not request network-{name}: "
                                        "the peer's endpoints never reach it"), None
        sec = spec.get("security") or {}
        if sec.get("trustDomain") == own_td:
            return False, UNAVAILABLE, "peer trust domain equals our own: its root certificate is skipped", None
        trust = self.peer_trust(peer)
        if not trust:
            return False, UNAVAILABLE, "no root certificate for the peer (certificateChain)", None
        remote = spec.get("remote") or {}
        addresses = remote.get("addresses") or []
        if not addresses:
            return False, UNAVAILABLE, "no remote address", None
        ip = self.emu.network.resolve(addresses[0])
        if not ip:
            return False, UNAVAILABLE, f"cannot resolve {addresses[0]}", None
        port = remote.get("discoveryPort") or DISCOVERY_PORT
        cert, key = self.leaf(f"spiffe://{own_td}/ns/{ns}/sa/{egress}-service-account")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cadata=trust)
        ctx.load_cert_chain(cert, key)
        try:
            with socket.create_connection((ip, port), timeout=2) as raw:
                raw.settimeout(3)
                with ctx.wrap_socket(raw) as tls:
                    tls.sendall(f"GET /v1/exports HTTP/1.1\r\nHost: {addresses[0]}\r\n\r\n".encode())
                    data = b""
                    while True:
                        chunk = tls.recv(65536)
                        if not chunk:
                            break
                        data += chunk
        except (ssl.SSLError, OSError) as exc:
            return False, UNAVAILABLE, f"{ip}:{port}: {exc}", None
        head, _, body = data.partition(b"\r\n\r\n")
        status_line = head.split(b"\r\n", 1)[0].decode("latin-1")
        if " 200 " not in status_line:
            return False, status_line.split(" ", 1)[-1] or UNAVAILABLE, f"{ip}:{port}: {status_line}", None
        try:
            offered = json.loads(body)["services"]
        except (ValueError, KeyError):
            return False, UNAVAILABLE, "malformed discovery response", None
        return True, "", "", offered

    def federate(self) -> None:
        """One discovery round for every peer of this mesh (outbound), then status."""
        if not self.snap:
            return
        peers = list(self.snap["peers"])
        results = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(peers))) as pool:
            futures = {f"{p['metadata']['namespace']}/{p['metadata']['name']}": pool.submit(self.dial, p)
                       for p in peers}
            for key, fut in futures.items():
                try:
                    results[key] = fut.result()
                except Exception as exc:  # noqa: BLE001
                    results[key] = (False, UNAVAILABLE, f"internal error: {exc}", None)
        live = set(results)
        with self.lock:
            for key, (ok, status, reason, offered) in results.items():
                link = self.watch.setdefault(key, Link())
                if ok:
                    link.success(offered)
                else:
                    if reason != link.reason:
                        LOG.info("%s: peer %s not connected: %s", self.name, key, reason)
                    link.failure(status, reason)
            for key in list(self.watch):
                if key not in live:
                    del self.watch[key]
                    self.remotes.pop(key, None)
            for link in self.remotes.values():
                if link.connected and time.monotonic() - link.last_ok > REMOTE_STALE:
                    link.failure(UNAVAILABLE, "no discovery request from the peer")
        if self.api_up:
            self.write_federation_status(peers)

    def write_federation_status(self, peers: list[dict]) -> None:
        for peer in peers:
            meta = peer["metadata"]
            ns, name = meta["namespace"], meta["name"]
            key = f"{ns}/{name}"
            smcp = self.smcp_in(ns)
            if smcp is None:
                continue
            with self.lock:
                watch = self.watch.get(key) or Link()
                remote = self.remotes.get(key)
                entry = {"pod": f"istiod-{smcp['metadata']['name']}-{short_hash(self.name, 'rs', n=9)}-"
                                f"{short_hash(self.name, 'pod', n=5)}",
                         "watch": watch.as_watch(), "remotes": []}
                if remote is not None and remote.last_connected:
                    addresses = ((peer.get("spec") or {}).get("remote") or {}).get("addresses") or ["unknown"]
                    r = {"source": addresses[0], **remote.as_watch()}
                    entry["remotes"].append(r)
                offered = list(watch.offered or [])
            status = {"discoveryStatus": {"active": [entry]}}
            try:
                self.write_status("ServiceMeshPeer", peer, status)
                ess = self.find("exports", ns, name)
                if ess is not None:
                    exported = [{k: v for k, v in e.items() if not k.startswith("_")}
                                for e in self.exports_for(ns, name)]
                    self.write_status("ExportedServiceSet", ess, {"exportedServices": exported})
                iss = self.find("imports", ns, name)
                if iss is not None:
                    self.write_status("ImportedServiceSet", iss,
                                      {"importedServices": rules.imports(iss, offered, name)})
            except ApiError as exc:
                if exc.status not in (404, 409):
                    raise


class Listener:
    def __init__(self, emu: "Emulator", addr: tuple[str, int], target: tuple[str, str, str]):
        self.emu, self.addr, self.target = emu, addr, target
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(addr)
        self.sock.listen(16)
        self.closed = False
        threading.Thread(target=self.run, daemon=True, name=f"listen-{addr}").start()

    def run(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            mesh, ns, gw = self.target
            threading.Thread(target=self.emu.meshes[mesh].serve, args=(conn, ns, gw), daemon=True).start()

    def close(self) -> None:
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


class Emulator:
    def __init__(self, state: State):
        self.state = state
        self.lab = state.load()
        self.network = Network()
        self.certs_dir = state.emulator_dir / "certs"
        self.certs_dir.mkdir(parents=True, exist_ok=True)
        self.alloc_file = state.emulator_dir / "addresses.json"
        self.alloc: dict[str, str] = read_json(self.alloc_file, {})
        self.alloc_lock = threading.Lock()
        self.control: dict = {}
        self.control_mtime = 0.0
        self.meshes = {name: Mesh(self, info) for name, info in self.lab["meshes"].items()}
        self.listening: dict[tuple[str, int], Listener] = {}
        self.stopping = threading.Event()

    def allocate(self, key: str, index: int) -> str:
        with self.alloc_lock:
            if key not in self.alloc:
                used = set(self.alloc.values())
                n = 101
                while address(self.lab.get("slot", 0), index, n) in used:
                    n += 1
                if n > 254:
                    raise RuntimeError(f"no load balancer address left for cluster {index}")
                self.alloc[key] = address(self.lab.get("slot", 0), index, n)
                write_json(self.alloc_file, self.alloc)
            return self.alloc[key]

    def load_control(self) -> None:
        try:
            mtime = self.state.control_file.stat().st_mtime
        except FileNotFoundError:
            return
        if mtime != self.control_mtime:
            self.control = read_json(self.state.control_file, {}) or {}
            self.control_mtime = mtime
            LOG.info("control: %s", json.dumps(self.control, sort_keys=True))

    def sync_listeners(self) -> None:
        wanted: dict[tuple[str, int], tuple[str, str, str]] = {}
        for mesh in self.meshes.values():
            wanted.update(mesh.listeners())
        for addr in list(self.listening):
            if addr not in wanted or self.listening[addr].target != wanted[addr]:
                self.listening.pop(addr).close()
                LOG.info("listener %s:%s closed", *addr)
        for addr, target in wanted.items():
            if addr not in self.listening:
                try:
                    self.listening[addr] = Listener(self, addr, target)
                    LOG.info("listener %s:%s for %s", addr[0], addr[1], "/".join(target))
                except OSError as exc:
                    LOG.warning("cannot listen on %s:%s: %s", addr[0], addr[1], exc)

    def step_mesh(self, mesh: Mesh) -> None:
        try:
            mesh.fetch()
            mesh.reconcile()
        except Unreachable as exc:
            if mesh.api_up:
                LOG.info("%s: API server unreachable: %s", mesh.name, exc)
            mesh.api_up = False
        except ApiError as exc:
            LOG.warning("%s: %s", mesh.name, exc)

    def run(self) -> None:
        last_federation = 0.0
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(self.meshes)) as pool:
            while not self.stopping.is_set():
                started = time.monotonic()
                self.load_control()
                list(pool.map(self.step_mesh, self.meshes.values()))
                self.sync_listeners()
                if started - last_federation >= FEDERATION_EVERY:
                    last_federation = started
                    for result in [pool.submit(self.federate_mesh, m) for m in self.meshes.values()]:
                        result.result()
                self.stopping.wait(max(0.05, LOOP - (time.monotonic() - started)))

    def federate_mesh(self, mesh: Mesh) -> None:
        try:
            mesh.federate()
        except Unreachable:
            mesh.api_up = False
        except ApiError as exc:
            LOG.warning("%s: federation status: %s", mesh.name, exc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labctl.emulator")
    parser.add_argument("--state-dir", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    emu = Emulator(State(Path(args.state_dir)))
    signal.signal(signal.SIGTERM, lambda *_: emu.stopping.set())
    LOG.info("emulator started for %s", ", ".join(emu.meshes))
    emu.run()
    LOG.info("emulator stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
