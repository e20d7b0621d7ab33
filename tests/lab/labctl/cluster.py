# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start, bootstrap and stop the lab's processes: one etcd, one kube-apiserver per mesh, the emulator."""

from __future__ import annotations

import base64
import concurrent.futures
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import yaml

from . import build, manifests, pki
from .kube import ApiError, Client, Unreachable
from .state import (LAB_DIR, LB_PLATFORMS, PLATFORMS, REGIONS, REPO_ROOT, State, address, claim_slot,
                    release_slot, update_slot, write_json)

ADMIN_USER = "admin"
EMULATOR_USER = "system:serviceaccount:openshift-operators:istio-operator"
AUTOMATION_USER = "federation-automation"
RBAC_FILE = REPO_ROOT / "docs" / "rbac" / "servicemesh-federation.yml"
SERVICE_CIDRS = "10.96.0.0/16"
NODE_PORT_RANGE = "30000-32767"

AUDIT_POLICY = {
    "apiVersion": "audit.k8s.io/v1",
    "kind": "Policy",
    "omitStages": ["RequestReceived"],
    "rules": [
        # the emulated operator polls all the time; its requests would drown everyone else's
        {"level": "None", "users": [EMULATOR_USER]},
        {"level": "None", "nonResourceURLs": ["/readyz", "/livez", "/healthz", "/version"]},
        {"level": "Metadata"},
    ],
}


# --- processes and waiting ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last_exc = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception as exc:  # noqa: BLE001 - retried until the deadline
            last_exc = exc
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}" + (f": {last_exc}" if last_exc else ""))


def pid_alive(pid: int | None, marker: str | None = None) -> bool:
    if not pid:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    if stat.split(") ", 1)[1].startswith("Z"):
        return False
    return marker is None or marker in cmdline


def _reaped(pid: int, seconds: float) -> bool:
    """Reap `pid` if it is our child and wait up to `seconds` for it to be gone."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        if not pid_alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def stop_pid(pid: int | None, marker: str | None = None, timeout: float = 10.0) -> None:
    if not pid_alive(pid, marker):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if _reaped(pid, timeout):
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    _reaped(pid, 5.0)


def spawn(args: list[str], log: Path, env: dict | None = None, cwd: Path | None = None) -> int:
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=full_env, cwd=cwd, start_new_session=True)
    return proc.pid


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def kubeconfig(name: str, server: str, ca_pem: str, user: str, token: str) -> dict:
    return {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": name, "cluster": {
            "server": server, "certificate-authority-data": base64.b64encode(ca_pem.encode()).decode()}}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": user}}],
        "current-context": name,
    }


# --- PKI and files of one cluster -----------------------------------------------------------------


def prepare_cluster(state: State, mesh: dict) -> None:
    d = state.mesh_dir(mesh["name"])
    (d / "pki").mkdir(parents=True, exist_ok=True)
    ca, ca_key = pki.make_ca(f"kubernetes-ca {mesh['name']}")
    serving, serving_key = pki.make_leaf(
        ca, ca_key, "kube-apiserver", ips=["127.0.0.1", "10.96.0.1"],
        dns=["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
             "kubernetes.default.svc.cluster.local"], client=False)
    sa_key = pki.new_key()
    files = {
        "ca.crt": pki.cert_pem(ca), "ca.key": pki.key_pem(ca_key),
        "apiserver.crt": pki.cert_pem(serving), "apiserver.key": pki.key_pem(serving_key),
        "sa.key": pki.key_pem(sa_key), "sa.pub": pki.public_key_pem(sa_key),
    }
    for name, text in files.items():
        path = d / "pki" / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
    tokens = {ADMIN_USER: secrets.token_hex(24), AUTOMATION_USER: secrets.token_hex(24),
              "emulator": secrets.token_hex(24)}
    (d / "tokens.csv").write_text(
        f'{tokens[ADMIN_USER]},{ADMIN_USER},uid-admin,"system:masters"\n'
        f'{tokens["emulator"]},{EMULATOR_USER},uid-istio-operator,"system:masters"\n'
        f'{tokens[AUTOMATION_USER]},{AUTOMATION_USER},uid-federation-automation\n', encoding="utf-8")
    (d / "tokens.csv").chmod(0o600)
    (d / "audit-policy.yaml").write_text(yaml.safe_dump(AUDIT_POLICY), encoding="utf-8")
    mesh["tokens"] = tokens
    mesh["ca_pem"] = files["ca.crt"]
    server = f"https://127.0.0.1:{mesh['api_port']}"
    for path, user in ((state.admin_kubeconfig(mesh["name"]), ADMIN_USER),
                       (state.user_kubeconfig(mesh["name"]), AUTOMATION_USER)):
        path.write_text(yaml.safe_dump(kubeconfig(mesh["name"], server, files["ca.crt"], user, tokens[user]),
                                       sort_keys=False), encoding="utf-8")
        path.chmod(0o600)
    state.mesh_ca_file(mesh["name"]).parent.mkdir(parents=True, exist_ok=True)
    write_json(state.mesh_ca_file(mesh["name"]), {"generation": 1, **pki.MeshCA.generate(mesh["name"]).to_dict()})


def apiserver_args(state: State, lab: dict, mesh: dict) -> list[str]:
    d = state.mesh_dir(mesh["name"])
    return [
        lab["binaries"]["kube-apiserver"],
        f"--etcd-servers=http://127.0.0.1:{lab['etcd']['port']}",
        f"--etcd-prefix=/registry-{mesh['name']}",
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        f"--secure-port={mesh['api_port']}",
        f"--tls-cert-file={d / 'pki/apiserver.crt'}",
        f"--tls-private-key-file={d / 'pki/apiserver.key'}",
        f"--token-auth-file={d / 'tokens.csv'}",
        "--authorization-mode=RBAC",
        "--anonymous-auth=false",
        f"--service-account-key-file={d / 'pki/sa.pub'}",
        f"--service-account-signing-key-file={d / 'pki/sa.key'}",
        f"--service-account-issuer=https://kubernetes.default.svc.{mesh['name']}.lab",
        f"--service-cluster-ip-range={SERVICE_CIDRS}",
        f"--service-node-port-range={NODE_PORT_RANGE}",
        f"--audit-policy-file={d / 'audit-policy.yaml'}",
        f"--audit-log-path={d / 'audit.log'}",
        "--audit-log-maxsize=200",
        "--audit-log-maxbackup=1",
        "--audit-log-mode=blocking",
        # memory: no watch cache, no flow control, nothing the lab does not use
        "--watch-cache=false",
        "--enable-priority-and-fairness=false",
        "--profiling=false",
        "--enable-garbage-collector=false",
        "--endpoint-reconciler-type=none",
        "--disable-admission-plugins=ServiceAccount,ResourceQuota,MutatingAdmissionWebhook,"
        "ValidatingAdmissionWebhook,ValidatingAdmissionPolicy,MutatingAdmissionPolicy,PodSecurity,"
        "DefaultStorageClass,StorageObjectInUseProtection,PersistentVolumeClaimResize,RuntimeClass,"
        "DefaultIngressClass,CertificateApproval,CertificateSigning,ClusterTrustBundleAttest,"
        "CertificateSubjectRestriction,TaintNodesByCondition,Priority,DefaultTolerationSeconds,LimitRanger,"
        "PodTopologyLabels",
        "--runtime-config=api/alpha=false",
        "--v=1",
    ]


def start_apiserver(state: State, lab: dict, mesh: dict) -> int:
    d = state.mesh_dir(mesh["name"])
    env = {"GOGC": "50", "GOMEMLIMIT": "350MiB", "GOMAXPROCS": "2"}
    pid = spawn(apiserver_args(state, lab, mesh), d / "apiserver.log", env)
    mesh["api_pid"] = pid
    return pid


def admin_client(lab: dict, mesh: str, timeout: float = 10.0) -> Client:
    m = lab["meshes"][mesh]
    return Client(f"https://127.0.0.1:{m['api_port']}", m["tokens"][ADMIN_USER], m["ca_pem"], timeout)


def wait_ready(lab: dict, mesh: str, timeout: float = 90.0) -> None:
    client = admin_client(lab, mesh, timeout=5)
    pid = lab["meshes"][mesh]["api_pid"]

    def ready():
        if not pid_alive(pid):
            raise RuntimeError(f"kube-apiserver of {mesh} exited; see its apiserver.log")
        return client.raw_get("/readyz") == "ok"

    wait_for(ready, timeout, f"kube-apiserver of {mesh} /readyz", interval=0.25)


def start_etcd(state: State, lab: dict) -> None:
    d = state.root / "etcd"
    d.mkdir(parents=True, exist_ok=True)
    port, peer = lab["etcd"]["port"], lab["etcd"]["peer_port"]
    args = [
        lab["binaries"]["etcd"], "--name=lab", f"--data-dir={d / 'data'}",
        f"--listen-client-urls=http://127.0.0.1:{port}", f"--advertise-client-urls=http://127.0.0.1:{port}",
        f"--listen-peer-urls=http://127.0.0.1:{peer}", f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
        f"--initial-cluster=lab=http://127.0.0.1:{peer}",
        "--quota-backend-bytes=1073741824", "--snapshot-count=5000", "--unsafe-no-fsync",
        "--log-level=warn",
    ]
    lab["etcd"]["pid"] = spawn(args, d / "etcd.log", {"GOGC": "50", "GOMAXPROCS": "2"})

    def healthy():
        if not pid_alive(lab["etcd"]["pid"]):
            raise RuntimeError("etcd exited; see etcd/etcd.log")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
            return b'"true"' in resp.read()

    wait_for(healthy, 30, "etcd /health", interval=0.1)


# --- bootstrap of one cluster through its API -----------------------------------------------------


def create_or_keep(client: Client, obj: dict) -> dict:
    try:
        return client.create(obj)
    except ApiError as exc:
        if exc.status == 409:
            return client.get(obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"])
        raise


def rbac_objects() -> list[dict]:
    """The objects of the RBAC manifest: its documents, with the items of a `kind: List` document."""
    with open(RBAC_FILE, encoding="utf-8") as fh:
        docs = [doc for doc in yaml.safe_load_all(fh) if doc]
    return [item for doc in docs for item in (doc.get("items") or [] if doc.get("kind") == "List" else [doc])]


def bootstrap(lab: dict, name: str) -> None:
    mesh = lab["meshes"][name]
    client = admin_client(lab, name)
    crds = manifests.crds()
    for c in crds:
        create_or_keep(client, c)

    def established():
        for c in crds:
            got = client.get("CustomResourceDefinition", None, c["metadata"]["name"])
            conds = {x["type"]: x["status"] for x in got.get("status", {}).get("conditions", [])}
            if conds.get("Established") != "True":
                return False
        return True

    cp_ns, members = mesh["namespace"], mesh["members"]
    for ns in [cp_ns, *members]:
        create_or_keep(client, manifests.namespace(ns))
    # RBAC: the collection's documented roles, bound to the least-privilege user
    for doc in rbac_objects():
        if doc.get("kind") in ("ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding"):
            client.apply(doc, "lab")
    subject = [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": AUTOMATION_USER}]
    client.apply({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                  "metadata": {"name": "servicemesh-federation-cluster"},
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                              "name": "servicemesh-federation-cluster"}, "subjects": subject}, "lab")
    for ns in [cp_ns, *members]:
        client.apply({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                      "metadata": {"name": "servicemesh-federation", "namespace": ns},
                      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                  "name": "servicemesh-federation"}, "subjects": subject}, "lab")
    for node in mesh["nodes"]:
        obj = manifests.node(node["name"], node["internal"], node["external"], mesh["region"], node["zone"])
        status = obj.pop("status")
        create_or_keep(client, obj)
        client.merge_patch("Node", None, node["name"], {"status": status}, sub="status")
    for ns in members:
        for svc, labels, annotations in manifests.SAMPLE_SERVICES:
            create_or_keep(client, manifests.sample_service(ns, svc, labels, annotations))
    wait_for(established, 30, f"CRDs established in {name}", interval=0.1)

    def create_cr(obj):
        # a CRD is Established a moment before its REST endpoint answers
        return wait_for(lambda: create_or_keep(client, obj), 15, f"{obj['kind']} in {name}", interval=0.1)

    create_cr(manifests.member_roll(cp_ns, members))
    create_cr(manifests.smcp(mesh["smcp"], cp_ns, mesh["smcp_version"]))


# --- the whole lab ----------------------------------------------------------------------------------


def parse_mesh(spec: str) -> tuple[str, str]:
    name, _, platform = spec.partition(":")
    platform = platform or "baremetal"
    if platform not in PLATFORMS:
        raise SystemExit(f"unknown platform {platform!r} for {name}; choose one of {', '.join(PLATFORMS)}")
    return name, platform


def inventory(state: State, lab: dict) -> dict:
    hosts = {}
    for name, m in lab["meshes"].items():
        platform = "baremetal" if m["platform"] == "baremetal-lb" else m["platform"]
        host = {
            "ansible_connection": "local",
            "ansible_python_interpreter": os.path.abspath(sys.executable),
            "federation_kubeconfig": str(state.user_kubeconfig(name)),
            "federation_platform": platform,
            "federation_namespace": m["namespace"],
            "federation_smcp_name": m["smcp"],
        }
        if m["platform"] == "baremetal-lb":
            host["federation_ingress_service_type"] = "LoadBalancer"
        hosts[name] = host
    return {"federation": {"hosts": hosts}}


def up(state: State, mesh_specs: list[str], delay: float = 0.0, smcp_version: str = "v2.6",
       timeout: float = 120.0) -> dict:
    started = time.monotonic()
    if state.lab_json.exists():
        old = state.load()
        if any(pid_alive(p) for p in all_pids(old)):
            raise SystemExit(f"a lab is already running in {state.root}; run `down` first")
    state.root.mkdir(parents=True, exist_ok=True)
    binaries = {"kube-apiserver": str(build.kube_apiserver()), "etcd": str(build.etcd())}
    slot = claim_slot(state.root, os.getpid())
    lab: dict = {
        "slot": slot,
        "started": time.time(),
        "binaries": binaries,
        "kubernetes_version": build.KUBERNETES_VERSION,
        "etcd": {"port": free_port(), "peer_port": free_port()},
        "meshes": {},
    }
    used_regions: dict[str, int] = {}
    for index, spec in enumerate(mesh_specs, start=1):
        name, platform = parse_mesh(spec)
        region = REGIONS[platform]
        used_regions[region] = used_regions.get(region, 0) + 1
        if used_regions[region] > 1:
            region = f"{region}-{used_regions[region]}"
        lab["meshes"][name] = {
            "name": name, "index": index, "platform": platform, "region": region,
            "lb": LB_PLATFORMS.get(platform, "none"),
            "namespace": f"{name}-system", "smcp": name, "smcp_version": smcp_version,
            "members": [f"{name}-bookinfo"],
            "api_port": free_port(),
            "nodes": [{"name": f"{name}-node-{n}", "internal": address(slot, index, 10 + n),
                       "external": address(slot, index, 20 + n), "zone": f"{region}{'abc'[n - 1]}"} for n in (1, 2)],
        }
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda m: prepare_cluster(state, m), lab["meshes"].values()))
    with state.control() as control:
        control["delays"] = {name: delay for name in lab["meshes"]}
        control["addresses"] = {}
    state.save(lab)
    start_etcd(state, lab)
    state.save(lab)
    for m in lab["meshes"].values():
        start_apiserver(state, lab, m)
    state.save(lab)
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(lab["meshes"])) as pool:
        list(pool.map(lambda n: wait_ready(lab, n), lab["meshes"]))
        list(pool.map(lambda n: bootstrap(lab, n), lab["meshes"]))
    env = {"PYTHONPATH": str(LAB_DIR)}
    lab["emulator"] = {"pid": spawn([sys.executable, "-m", "labctl.emulator", "--state-dir", str(state.root)],
                                    state.emulator_dir / "emulator.log", env, cwd=LAB_DIR)}
    state.save(lab)
    update_slot(slot, state.root, lab["emulator"]["pid"])
    (state.root / "inventory.yml").write_text(
        "# written by `python -m labctl up`\n" + yaml.safe_dump(inventory(state, lab), sort_keys=False),
        encoding="utf-8")
    wait_emulated(lab, timeout=max(10.0, timeout - (time.monotonic() - started)))
    lab["up_seconds"] = round(time.monotonic() - started, 1)
    state.save(lab)
    return lab


def wait_emulated(lab: dict, timeout: float = 60.0) -> None:
    def ready(name):
        m = lab["meshes"][name]
        client = admin_client(lab, name)

        def check():
            if not pid_alive(lab["emulator"]["pid"]):
                raise RuntimeError("the emulator exited; see emulator/emulator.log")
            smcp = client.get("ServiceMeshControlPlane", m["namespace"], m["smcp"])
            conds = {c["type"]: c["status"] for c in smcp.get("status", {}).get("conditions", [])}
            cm = client.get_or_none("ConfigMap", m["namespace"], "istio-ca-root-cert")
            return conds.get("Ready") == "True" and cm is not None

        wait_for(check, timeout, f"the emulated control plane of {name}", interval=0.2)

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(lab["meshes"])) as pool:
        list(pool.map(ready, lab["meshes"]))


def all_pids(lab: dict) -> list[int]:
    pids = [lab.get("emulator", {}).get("pid")]
    pids += [m.get("api_pid") for m in lab.get("meshes", {}).values()]
    pids.append(lab.get("etcd", {}).get("pid"))
    return [p for p in pids if p]


def down(state: State) -> list[int]:
    import shutil

    if not state.lab_json.exists():
        return []
    lab = state.load()
    stopped = []
    stop_pid(lab.get("emulator", {}).get("pid"), "labctl.emulator")
    for m in lab.get("meshes", {}).values():
        stop_pid(m.get("api_pid"), "kube-apiserver")
    stop_pid(lab.get("etcd", {}).get("pid"), "etcd")
    for pid in all_pids(lab):
        if pid_alive(pid):
            raise SystemExit(f"process {pid} is still running")
        stopped.append(pid)
    release_slot(lab.get("slot"), state.root)
    shutil.rmtree(state.root)
    return stopped


def status(state: State) -> dict:
    lab = state.load()
    out = {"state_dir": str(state.root), "kubernetes_version": lab.get("kubernetes_version"),
           "up_seconds": lab.get("up_seconds"), "processes": [], "meshes": {}}
    procs = [("etcd", lab["etcd"].get("pid"), f"127.0.0.1:{lab['etcd']['port']}")]
    for name, m in lab["meshes"].items():
        procs.append((f"kube-apiserver/{name}", m.get("api_pid"), f"https://127.0.0.1:{m['api_port']}"))
    procs.append(("emulator", lab.get("emulator", {}).get("pid"), ""))
    total = 0
    for what, pid, where in procs:
        alive = pid_alive(pid)
        rss = rss_kib(pid) if alive else 0
        total += rss
        out["processes"].append({"name": what, "pid": pid, "running": alive, "rss_mib": round(rss / 1024, 1),
                                 "address": where})
    out["total_rss_mib"] = round(total / 1024, 1)
    for name, m in lab["meshes"].items():
        info = {"platform": m["platform"], "api": f"https://127.0.0.1:{m['api_port']}",
                "namespace": m["namespace"], "admin_kubeconfig": str(state.admin_kubeconfig(name)),
                "kubeconfig": str(state.user_kubeconfig(name)),
                "nodes": {n["name"]: [n["internal"], n["external"]] for n in m["nodes"]}}
        try:
            client = admin_client(lab, name, timeout=3)
            svcs = client.list("Service", m["namespace"], "maistra.io/gateway")
            info["gateways"] = {
                s["metadata"]["name"]: {
                    "type": s["spec"].get("type"),
                    "address": [i.get("hostname") or i.get("ip")
                                for i in s.get("status", {}).get("loadBalancer", {}).get("ingress", []) or []],
                    "nodePorts": [p.get("nodePort") for p in s["spec"].get("ports", []) if p.get("nodePort")],
                } for s in svcs}
            peers = client.list("ServiceMeshPeer", m["namespace"])
            info["peers"] = {}
            for p in peers:
                active = (p.get("status", {}).get("discoveryStatus", {}).get("active") or [{}])[0]
                info["peers"][p["metadata"]["name"]] = {
                    "watch": active.get("watch", {}).get("connected", False),
                    "remotes": [r.get("connected") for r in active.get("remotes", [])]}
        except (ApiError, Unreachable) as exc:
            info["api_error"] = str(exc)
        out["meshes"][name] = info
    return out
