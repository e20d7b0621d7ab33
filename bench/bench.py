# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: federation time and API cost as the number of meshes grows, against the kubectl floor.

For every N (default 2, 3, 5, 8, 10) on the lab (load-balancer platforms only, no provisioning delay,
meshes ``mesh-01`` .. ``mesh-N``, full topology, a few exports and imports per mesh):

1. cold ``federate.yml`` on a fresh lab: wall time to verified connectivity, time by role and task
   (from the durations of the JSON callback), API requests of the automation user by verb (audit log);
2. a no-op re-run: wall time, tasks run, requests by verb, writes (the goal is zero);
3. for the latency N only: verify's delay in reporting a link that comes back (break it with the lab,
   start verify, restore, time from the status flipping to connected to verify returning);
4. the floor, on a second fresh lab: ``kubectl apply --server-side`` of the objects the run created
   (exported from the first lab: our labelled objects and our SMCP fragment; the values that belong to
   the lab, a peer's root certificate and ingress address, are read from the fresh lab as any tool must)
   plus the same wait until every ServiceMeshPeer is connected both ways.

Writes ``bench/results/<stamp>/`` (results.json, results.md, time_vs_meshes.png) and ``latest.*`` beside
it; ``--update-docs`` copies the table and the plot into docs/performance.md. Timings are only meaningful
on a quiet machine: the load average is recorded next to every measurement.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
LAB_PKG = REPO / "tests" / "lab"
COLLECTIONS = REPO / ".build" / "collections"
RESULTS = REPO / "bench" / "results"
DOC = REPO / "docs" / "performance.md"
DOC_PLOT = REPO / "docs" / "images" / "bench-time-vs-meshes.png"
sys.path.insert(0, str(LAB_PKG))

from labctl import build  # noqa: E402  pylint: disable=wrong-import-position

PLATFORMS = ("gcp", "azure", "aws")
AUTOMATION_USER = "federation-automation"
MANAGED_BY = "app.kubernetes.io/managed-by=servicemesh.federation"
FIELD_MANAGER = "servicemesh.federation"
WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")
FED = "federation.maistra.io/v1"
OUR_KINDS = (  # (api path prefix, plural, kind) of what the collection labels
    ("api/v1", "configmaps", "ConfigMap"),
    (f"apis/{FED}", "servicemeshpeers", "ServiceMeshPeer"),
    (f"apis/{FED}", "exportedservicesets", "ExportedServiceSet"),
    (f"apis/{FED}", "importedservicesets", "ImportedServiceSet"),
    ("apis/networking.istio.io/v1beta1", "destinationrules", "DestinationRule"),
)
APPLY_ORDER = {"ConfigMap": 0, "ServiceMeshPeer": 1, "ExportedServiceSet": 2, "ImportedServiceSet": 3, "DestinationRule": 4}
DOC_START = "<!-- bench-table:start -->"
DOC_END = "<!-- bench-table:end -->"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def load() -> dict[str, Any]:
    one, five, fifteen = os.getloadavg()
    return {"load1": round(one, 2), "load5": round(five, 2), "load15": round(fifteen, 2),
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()}


# --- the lab ------------------------------------------------------------------------------------------


class Lab:
    """A lab of N meshes in a temporary state directory; always taken down by ``down``."""

    def __init__(self, meshes: list[str], label: str):
        self.meshes = meshes
        self.tmp = Path(tempfile.mkdtemp(prefix=f"smf-bench-{label}-"))
        self.state = self.tmp / "lab"
        self.info: dict[str, Any] = {}

    def labctl(self, *args: str, timeout: float = 900) -> str:
        env = dict(os.environ, PYTHONPATH=str(LAB_PKG))
        proc = subprocess.run([sys.executable, "-m", "labctl", "--state-dir", str(self.state), *args], cwd=LAB_PKG,
                              env=env, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"labctl {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def up(self) -> float:
        args = ["up", "--timeout", "600"]
        for i, mesh in enumerate(self.meshes):
            args += ["--mesh", f"{mesh}:{PLATFORMS[i % len(PLATFORMS)]}"]
        start = time.monotonic()
        self.labctl(*args)
        self.info = json.loads((self.state / "lab.json").read_text(encoding="utf-8"))
        return time.monotonic() - start

    def down(self) -> None:
        try:
            if (self.state / "lab.json").exists():
                self.labctl("down", timeout=300)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # access
    def admin_kubeconfig(self, mesh: str) -> Path:
        return self.state / f"admin-{mesh}.kubeconfig"

    def user_kubeconfig(self, mesh: str) -> Path:
        return self.state / f"{mesh}.kubeconfig"

    def namespace(self, mesh: str) -> str:
        return self.info["meshes"][mesh]["namespace"]

    def audit_log(self, mesh: str) -> Path:
        return self.state / "clusters" / mesh / "audit.log"

    def audit_offsets(self) -> dict[str, int]:
        return {m: (self.audit_log(m).stat().st_size if self.audit_log(m).exists() else 0) for m in self.meshes}

    def requests_since(self, offsets: dict[str, int], user: str = AUTOMATION_USER) -> dict[str, Any]:
        """Requests of one user since the offsets, by verb, over every cluster (audit log, ResponseComplete)."""
        verbs: Counter = Counter()
        dry_run: Counter = Counter()
        writes_by_resource: Counter = Counter()
        for mesh in self.meshes:
            with open(self.audit_log(mesh), "rb") as fh:
                fh.seek(offsets.get(mesh, 0))
                for line in fh:
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if event.get("stage") != "ResponseComplete" or event.get("user", {}).get("username") != user:
                        continue
                    verb = event.get("verb", "?")
                    if "dryRun=" in event.get("requestURI", ""):
                        dry_run[verb] += 1
                        continue
                    verbs[verb] += 1
                    if verb in WRITE_VERBS:
                        ref = event.get("objectRef", {})
                        writes_by_resource[f"{verb} {ref.get('resource')}"] += 1
        return {"total": sum(verbs.values()), "by_verb": dict(sorted(verbs.items())),
                "writes": sum(verbs[v] for v in WRITE_VERBS), "writes_by_resource": dict(sorted(writes_by_resource.items())),
                "dry_run": dict(dry_run)}


class Kubectl:
    def __init__(self, binary: Path, kubeconfig: Path):
        self.binary, self.kubeconfig = binary, kubeconfig

    def __call__(self, *args: str, stdin: str | None = None) -> str:
        proc = subprocess.run([str(self.binary), f"--kubeconfig={self.kubeconfig}", *args], input=stdin,
                              capture_output=True, text=True, timeout=300, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"kubectl {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "-o", "json"))


# --- the model ----------------------------------------------------------------------------------------


def mesh_names(n: int) -> list[str]:
    return [f"mesh-{i:02d}" for i in range(1, n + 1)]


def overlay(meshes: list[str]) -> dict[str, Any]:
    """Full topology; each mesh exports ratings (aliased) and its labelled services to its next two meshes
    (ring order), which import ratings under the alias: a constant amount of service work per mesh."""
    n = len(meshes)
    hosts: dict[str, Any] = {m: {"federation_exports": {}, "federation_imports": {}} for m in meshes}
    for i, mesh in enumerate(meshes):
        successors = [meshes[(i + k) % n] for k in (1, 2) if (i + k) % n != i]
        for peer in dict.fromkeys(successors):
            hosts[mesh]["federation_exports"][peer] = [
                {"type": "NameSelector", "namespace": f"{mesh}-bookinfo", "name": "ratings",
                 "alias": {"namespace": "bookinfo", "name": f"{mesh}-ratings"}},
                {"type": "LabelSelector", "namespace": f"{mesh}-bookinfo",
                 "selector": {"matchLabels": {"export-service": "true"}}},
            ]
            hosts[peer]["federation_imports"][mesh] = [{"namespace": "bookinfo", "name": f"{mesh}-ratings"}]
    return {"federation": {"hosts": hosts, "vars": {"federation_topology": "full"}}}


# --- ansible ------------------------------------------------------------------------------------------


def parse_time(stamp: str) -> float:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def run_playbook(lab: Lab, overlay_file: Path, playbook: str, forks: int, *extra: str) -> dict[str, Any]:
    link = COLLECTIONS / "ansible_collections" / "servicemesh" / "federation"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(REPO, link, target_is_directory=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_NOCOLOR="1", ANSIBLE_FORKS=str(forks), ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(lab.state / "inventory.yml"),
               "-i", str(overlay_file), str(REPO / "playbooks" / playbook), *extra]
    return {"command": command, "env": env}


def execute(spec: dict[str, Any]) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    started_at = time.time()
    proc = subprocess.run(spec["command"], env=spec["env"], capture_output=True, text=True, timeout=3600, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = summarize(proc.stdout, proc.stderr, proc.returncode, wall, started_at)
    # CPU of ansible-playbook and its modules: far less sensitive to other load on the machine than wall time
    run["cpu_s"] = round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, 2)
    return run


def summarize(stdout: str, stderr: str, returncode: int, wall: float, started_at: float) -> dict[str, Any]:
    try:
        result = json.loads(stdout)
    except ValueError as exc:
        raise RuntimeError(f"ansible-playbook printed no JSON ({returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}") from exc
    roles: dict[str, float] = defaultdict(float)
    tasks = []
    host_results = Counter()
    first_start = None
    for play in result.get("plays", []):
        for task in play.get("tasks", []):
            info = task["task"]
            duration = info.get("duration", {})
            if not duration.get("start") or not duration.get("end"):
                continue
            start, end = parse_time(duration["start"]), parse_time(duration["end"])
            first_start = start if first_start is None else min(first_start, start)
            name = info["name"]
            role = name.split(" : ", 1)[0] if " : " in name else "(play)"
            roles[role.replace("servicemesh.federation.", "")] += end - start
            executed = 0
            for res in task.get("hosts", {}).values():
                if res.get("skipped"):
                    host_results["skipped"] += 1
                    continue
                executed += 1
                host_results["changed" if res.get("changed") else "ok"] += 1
                if res.get("failed"):
                    host_results["failed"] += 1
            tasks.append({"name": name, "seconds": round(end - start, 3), "hosts_run": executed, "end": end})
    stats = result.get("stats", {})
    failures = [f"{host}: {res.get('msg')}" for play in result.get("plays", []) for task in play.get("tasks", [])
                for host, res in task.get("hosts", {}).items() if res.get("failed") and not res.get("ignore_errors")]
    task_time = sum(t["seconds"] for t in tasks)
    return {
        "ok": returncode == 0 and not failures,
        "returncode": returncode,
        "failures": failures[:10],
        "wall_s": round(wall, 2),
        "startup_s": round(first_start - started_at, 2) if first_start else None,
        "task_time_s": round(task_time, 2),
        "tasks": len(tasks),
        "tasks_run": sum(1 for t in tasks if t["hosts_run"]),
        "host_tasks_run": host_results["ok"] + host_results["changed"],
        "host_tasks_changed": host_results["changed"],
        "host_tasks_skipped": host_results["skipped"],
        "changed_by_host": {h: c.get("changed", 0) for h, c in stats.items()},
        "by_role_s": {k: round(v, 2) for k, v in sorted(roles.items(), key=lambda kv: -kv[1])},
        "slowest_tasks": sorted(({"name": t["name"], "seconds": t["seconds"]} for t in tasks), key=lambda t: -t["seconds"])[:8],
        "task_ends": [(t["name"], t["end"]) for t in tasks],
    }


def federate(lab: Lab, overlay_file: Path, forks: int) -> dict[str, Any]:
    offsets = lab.audit_offsets()
    run = execute(run_playbook(lab, overlay_file, "federate.yml", forks))
    run["api"] = lab.requests_since(offsets)
    run.pop("task_ends")
    return run


# --- export and the floor -----------------------------------------------------------------------------


def owned_fields(value: Any, fields: dict[str, Any]) -> Any:
    """The part of ``value`` that a managedFields ``fieldsV1`` tree names (lists are taken whole)."""
    if not fields or not isinstance(value, dict):
        return value
    out = {}
    for key, sub in fields.items():
        if key.startswith("f:") and key[2:] in value:
            out[key[2:]] = owned_fields(value[key[2:]], sub)
    return out


def clean(obj: dict[str, Any], kind: str, api_version: str) -> dict[str, Any]:
    meta = obj["metadata"]
    out = {"apiVersion": api_version, "kind": kind,
           "metadata": {k: meta[k] for k in ("name", "namespace", "labels", "annotations") if meta.get(k)}}
    for key in ("spec", "data"):
        if key in obj:
            out[key] = obj[key]
    return out


def export_objects(lab: Lab, kubectl_bin: Path) -> dict[str, list[dict[str, Any]]]:
    """Per mesh: our SMCP fragment (the fields our field manager owns) and every object carrying our label."""
    exported: dict[str, list[dict[str, Any]]] = {}
    for mesh in lab.meshes:
        kc = Kubectl(kubectl_bin, lab.admin_kubeconfig(mesh))
        ns = lab.namespace(mesh)
        smcp = kc.json("get", "servicemeshcontrolplanes.maistra.io", "-n", ns, lab.info["meshes"][mesh]["smcp"], "--show-managed-fields")
        fields = next((m.get("fieldsV1", {}) for m in smcp["metadata"].get("managedFields", [])
                       if m.get("manager") == FIELD_MANAGER and m.get("operation") == "Apply"), {})
        fragment = {"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
                    "metadata": {"name": smcp["metadata"]["name"], "namespace": ns},
                    "spec": owned_fields(smcp["spec"], fields.get("f:spec", {}))}
        objects = [fragment]
        for prefix, plural, kind in OUR_KINDS:
            group = prefix.split("/", 1)[1] if prefix.startswith("apis/") else "v1"
            resource = plural if group == "v1" else f"{plural}.{group.split('/')[0]}"
            for item in kc.json("get", resource, "-A", "-l", MANAGED_BY).get("items", []):
                objects.append(clean(item, kind, group))
        exported[mesh] = objects
    return exported


def pem_bundle_sha256(pem: str) -> str:
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pem, re.S)
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(ssl.PEM_cert_to_DER_cert(block))
    return digest.hexdigest()


def lb_address(service: dict[str, Any]) -> str | None:
    for ingress in service.get("status", {}).get("loadBalancer", {}).get("ingress") or []:
        if ingress.get("hostname") or ingress.get("ip"):
            return ingress.get("hostname") or ingress.get("ip")
    return None


def peers_connected(peers: list[dict[str, Any]], expected: set[str]) -> bool:
    seen = set()
    for peer in peers:
        active = (peer.get("status", {}).get("discoveryStatus", {}).get("active") or [{}])[0]
        if active.get("watch", {}).get("connected") and any(r.get("connected") for r in active.get("remotes") or []):
            seen.add(peer["metadata"]["name"])
    return expected <= seen


def floor(lab: Lab, exported: dict[str, list[dict[str, Any]]], kubectl_bin: Path, poll: float = 0.25) -> dict[str, Any]:
    """kubectl apply --server-side of the exported objects on a fresh lab, then wait for every link."""
    meshes = lab.meshes
    kc = {m: Kubectl(kubectl_bin, lab.user_kubeconfig(m)) for m in meshes}
    ns = {m: lab.namespace(m) for m in meshes}
    peers = {m: {o["metadata"]["name"] for o in exported[m] if o["kind"] == "ServiceMeshPeer"} for m in meshes}
    phases: dict[str, float] = {}
    addresses: dict[tuple[str, str], str] = {}
    roots: dict[str, str] = {}
    lock = threading.Lock()

    def control_plane(mesh: str) -> None:
        smcp = [o for o in exported[mesh] if o["kind"] == "ServiceMeshControlPlane"]
        kc[mesh]("apply", "--server-side", "--force-conflicts", "--field-manager=bench-floor", "-f", "-", stdin=yaml.safe_dump_all(smcp))
        wanted = {f"ingress-{p}" for p in peers[mesh]}
        while True:
            services = kc[mesh].json("get", "services", "-n", ns[mesh], "-l", "federation.maistra.io/ingress-for")["items"]
            found = {s["metadata"]["name"]: lb_address(s) for s in services}
            if all(found.get(name) for name in wanted):
                break
            time.sleep(poll)
        cm = kc[mesh].json("get", "configmap", "-n", ns[mesh], "istio-ca-root-cert")
        with lock:
            roots[mesh] = cm["data"]["root-cert.pem"]
            for name in wanted:
                addresses[(mesh, name[len("ingress-"):])] = found[name]

    def federation(mesh: str) -> None:
        objects = sorted((o for o in exported[mesh] if o["kind"] != "ServiceMeshControlPlane"), key=lambda o: APPLY_ORDER[o["kind"]])
        for obj in objects:
            name = obj["metadata"]["name"]
            if obj["kind"] == "ConfigMap" and name.endswith("-ca-root-cert"):
                obj["data"] = {"root-cert.pem": roots[name[: -len("-ca-root-cert")]]}
            if obj["kind"] == "ServiceMeshPeer":
                obj["spec"]["remote"]["addresses"] = [addresses[(name, mesh)]]
                annotations = obj["metadata"].get("annotations") or {}
                for key in annotations:
                    if key.endswith("root-cert-sha256"):
                        annotations[key] = pem_bundle_sha256(roots[name])
        kc[mesh]("apply", "--server-side", "--force-conflicts", "--field-manager=bench-floor", "-f", "-", stdin=yaml.safe_dump_all(objects))
        while not peers_connected(kc[mesh].json("get", "servicemeshpeers.federation.maistra.io", "-n", ns[mesh])["items"], peers[mesh]):
            time.sleep(poll)

    offsets = lab.audit_offsets()
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(meshes)) as pool:
        list(pool.map(control_plane, meshes))
        phases["control_plane_and_addresses_s"] = round(time.monotonic() - start, 2)
        list(pool.map(federation, meshes))
    wall = time.monotonic() - start
    phases["peers_and_connectivity_s"] = round(wall - phases["control_plane_and_addresses_s"], 2)
    return {"wall_s": round(wall, 2), "phases": phases, "objects": sum(len(v) for v in exported.values()),
            "api": lab.requests_since(offsets)}


# --- verify latency -----------------------------------------------------------------------------------


def verify_latency(lab: Lab, overlay_file: Path, forks: int) -> dict[str, Any]:
    """Break mesh-01 -> mesh-02 (move mesh-02's ingress for mesh-01), start verify, restore, and time from the
    link being connected both ways again to the verify task (and ansible-playbook) returning."""
    from kubernetes import client, config  # pylint: disable=import-outside-toplevel

    a, b = lab.meshes[0], lab.meshes[1]
    # the watcher reads through the Python client (a few ms a read), not kubectl (a process a read)
    custom = {m: client.CustomObjectsApi(config.new_client_from_config(str(lab.admin_kubeconfig(m)))) for m in (a, b)}
    slot = lab.info["slot"]
    index = lab.info["meshes"][b]["index"]
    bogus = f"127.{100 + slot}.{index}.250"

    def side_up(mesh: str, peer: str) -> bool:
        obj = custom[mesh].get_namespaced_custom_object("federation.maistra.io", "v1", lab.namespace(mesh), "servicemeshpeers", peer)
        return peers_connected([obj], {peer})

    def link_up() -> bool:
        return side_up(a, b) and side_up(b, a)

    lab.labctl("set-address", b, f"ingress-{a}", bogus)
    deadline = time.monotonic() + 60
    while link_up():
        if time.monotonic() > deadline:
            raise RuntimeError("the link did not go down")
        time.sleep(0.2)
    # verify.yml checks once by default; verify_mode=wait is the waiting verify of federate.yml
    spec = run_playbook(lab, overlay_file, "verify.yml", forks, "-e", "verify_mode=wait", "-e", "verify_timeout=180")
    audit = lab.audit_log(a)
    offset = audit.stat().st_size
    started_at = time.time()
    start = time.monotonic()
    # output to files, not pipes: the JSON callback writes more than a pipe holds, and nobody reads it until the end
    out_file = tempfile.TemporaryFile(mode="w+")
    err_file = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(spec["command"], env=spec["env"], stdout=out_file, stderr=err_file, text=True)
    # wait until verify polls mesh-01's peers, then let it poll a little before restoring
    while True:
        with open(audit, "rb") as fh:
            fh.seek(offset)
            seen = any(b'"list"' in line and b"servicemeshpeers" in line and AUTOMATION_USER.encode() in line for line in fh)
        if seen or time.monotonic() - start > 120:
            break
        time.sleep(0.1)
    time.sleep(2.0)
    lab.labctl("set-address", b, f"ingress-{a}", "auto")
    connected_at = None
    while proc.poll() is None or connected_at is None:
        if connected_at is None and link_up():
            connected_at = time.time()
        if connected_at is None and time.monotonic() - start > 300:
            break
        time.sleep(0.05)
    proc.wait()
    exited_at = time.time()
    out_file.seek(0)
    err_file.seek(0)
    stdout, stderr = out_file.read(), err_file.read()
    run = summarize(stdout, stderr, proc.returncode, time.monotonic() - start, started_at)
    ends = [end for name, end in run["task_ends"] if "Wait until every peer" in name]
    task_end = max(ends) if ends else None
    return {
        "ok": run["ok"],
        "failures": run["failures"],
        "link": f"{a} <-> {b}",
        "task_latency_s": round(task_end - connected_at, 2) if task_end and connected_at else None,
        "playbook_latency_s": round(exited_at - connected_at, 2) if connected_at else None,
        "verify_wall_s": run["wall_s"],
        "note": "connected = first seen by the bench reading both ServiceMeshPeers every 50 ms",
    }


# --- one N ------------------------------------------------------------------------------------------------


def bench_n(n: int, forks: int, kubectl_bin: Path, latency: bool, out: Path, skip_floor: bool) -> dict[str, Any]:
    meshes = mesh_names(n)
    forks = forks or max(5, n)
    record: dict[str, Any] = {"meshes": n, "peers": n * (n - 1), "forks": forks, "load_before": load()}
    overlay_file = out / f"overlay-{n}.yml"
    overlay_file.write_text(yaml.safe_dump(overlay(meshes), sort_keys=False), encoding="utf-8")
    lab = Lab(meshes, f"n{n}")
    try:
        log(f"N={n}: lab up")
        record["lab_up_s"] = round(lab.up(), 1)
        log(f"N={n}: cold federate (forks {forks})")
        record["cold"] = federate(lab, overlay_file, forks)
        log(f"N={n}: cold {record['cold']['wall_s']} s ok={record['cold']['ok']}")
        log(f"N={n}: no-op re-run")
        record["noop"] = federate(lab, overlay_file, forks)
        log(f"N={n}: no-op {record['noop']['wall_s']} s, writes {record['noop']['api']['writes']}")
        exported = export_objects(lab, kubectl_bin)
        (out / f"exported-{n}.yml").write_text(yaml.safe_dump_all([o for objs in exported.values() for o in objs]), encoding="utf-8")
        if latency:
            log(f"N={n}: verify latency")
            try:
                record["verify_latency"] = verify_latency(lab, overlay_file, forks)
            except Exception as exc:  # pylint: disable=broad-except
                record["verify_latency"] = {"ok": False, "error": str(exc)[-2000:]}
            log(f"N={n}: verify latency {record['verify_latency']}")
    finally:
        lab.down()
    if not skip_floor:
        lab = Lab(meshes, f"floor{n}")
        try:
            log(f"N={n}: floor lab up")
            lab.up()
            record["floor"] = floor(lab, exported, kubectl_bin)
            log(f"N={n}: floor {record['floor']['wall_s']} s")
        finally:
            lab.down()
    record["load_after"] = load()
    return record


# --- report -------------------------------------------------------------------------------------------


def fmt(value: Any) -> str:
    return "–" if value is None else str(value)


def verbs(run: dict[str, Any]) -> str:
    return ", ".join(f"{verb} {count}" for verb, count in run.get("api", {}).get("by_verb", {}).items())


def table(records: list[dict[str, Any]]) -> str:
    head = ("| meshes | peers | forks | cold federate (s) | cold CPU (s) | floor (s) | cold / floor | no-op re-run (s) | no-op tasks run "
            "| no-op writes | cold requests by verb | no-op requests by verb | load (1 min) |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in records:
        cold, noop, fl = r.get("cold", {}), r.get("noop", {}), r.get("floor", {})
        ratio = round(cold["wall_s"] / fl["wall_s"], 2) if cold.get("wall_s") and fl.get("wall_s") else None
        lines.append(
            f"| {r['meshes']} | {r['peers']} | {r['forks']} | {fmt(cold.get('wall_s'))}{'' if cold.get('ok', True) else ' (failed)'} "
            f"| {fmt(cold.get('cpu_s'))} | {fmt(fl.get('wall_s'))} | {fmt(ratio)} | {fmt(noop.get('wall_s'))} | {fmt(noop.get('host_tasks_run'))} "
            f"| {fmt(noop.get('api', {}).get('writes'))} | {verbs(cold)} | {verbs(noop)} "
            f"| {r['load_before']['load1']} → {r['load_after']['load1']} |")
    return "\n".join(lines)


def role_table(records: list[dict[str, Any]]) -> str:
    roles: list[str] = []
    for r in records:
        for role in r.get("cold", {}).get("by_role_s", {}):
            if role not in roles:
                roles.append(role)
    lines = ["| meshes | " + " | ".join(roles) + " | ansible start-up |", "|" + "---|" * (len(roles) + 2)]
    for r in records:
        cold = r.get("cold", {})
        lines.append(f"| {r['meshes']} | " + " | ".join(fmt(cold.get("by_role_s", {}).get(role)) for role in roles)
                     + f" | {fmt(cold.get('startup_s'))} |")
    return "\n".join(lines)


def targets(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_n = {r["meshes"]: r for r in records}
    found = []
    three = by_n.get(3)
    if three and three.get("floor"):
        ratio = three["cold"]["wall_s"] / three["floor"]["wall_s"]
        found.append({"target": "cold federate of 3 meshes ≤ 2× the floor", "value": f"{ratio:.2f}×", "met": ratio <= 2})
    if three:
        noop = three["noop"]
        found.append({"target": "no-op re-run of 3 meshes ≤ 10 s with 0 API writes",
                      "value": f"{noop['wall_s']} s, {noop['api']['writes']} writes",
                      "met": noop["wall_s"] <= 10 and noop["api"]["writes"] == 0})
    if three and by_n.get(10):
        ratio = by_n[10]["cold"]["wall_s"] / three["cold"]["wall_s"]
        found.append({"target": "time for 10 meshes ≤ 2.5× the time for 3", "value": f"{ratio:.2f}×", "met": ratio <= 2.5})
    lat = next((r["verify_latency"] for r in records if r.get("verify_latency")), None)
    if lat and lat.get("ok") and lat.get("task_latency_s") is not None:
        found.append({"target": "verify reports a link within 2 s of it becoming connected",
                      "value": f"{lat['task_latency_s']} s (verify task), {lat['playbook_latency_s']} s (playbook exit)",
                      "met": lat["task_latency_s"] <= 2})
    return found


def markdown(doc: dict[str, Any]) -> str:
    out = [f"Measured {doc['finished']} on {doc['machine']['cpus']} CPUs ({doc['machine']['platform']}); "
           f"load before/after each N in the last column; `uptime` at the end: `{doc['load_end']['uptime']}`.", "",
           table(doc["records"]), "", "Cold run by role (seconds, sum of task durations):", "", role_table(doc["records"]), ""]
    tg = doc["targets"]
    if tg:
        out += ["| target | measured | met |", "|---|---|---|"]
        out += [f"| {t['target']} | {t['value']} | {'yes' if t['met'] else 'no'} |" for t in tg]
        out.append("")
    return "\n".join(out)


def plot(records: list[dict[str, Any]], path: Path) -> None:
    import matplotlib  # pylint: disable=import-outside-toplevel

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    ns = [r["meshes"] for r in records]

    def series(key: str) -> list[float]:
        return [float(r.get(key, {}).get("wall_s") or "nan") for r in records]

    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(ns, series("cold"), "o-", label="federate.yml (cold)")
    if any(r.get("floor") for r in records):
        ax.plot(ns, series("floor"), "s--", label="floor: kubectl apply + wait")
    ax.plot(ns, series("noop"), "^:", label="federate.yml (no-op re-run)")
    ax.set_xlabel("meshes (peers = N·(N−1))")
    ax.set_ylabel("wall time (s)")
    ax.set_xticks(ns)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    ax.set_title("servicemesh.federation: time to verified connectivity")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def update_docs(md: str, png: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    if DOC_START not in text or DOC_END not in text:
        raise RuntimeError(f"{DOC.relative_to(REPO)} lacks the markers {DOC_START} / {DOC_END}")
    before, rest = text.split(DOC_START, 1)
    _old, after = rest.split(DOC_END, 1)
    DOC.write_text(f"{before}{DOC_START}\n{md}\n{DOC_END}{after}", encoding="utf-8")
    DOC_PLOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, DOC_PLOT)


def report(doc: dict[str, Any], out: Path) -> str:
    doc["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    doc["load_end"] = load()
    doc["targets"] = targets(doc["records"])
    md = markdown(doc)
    (out / "results.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    (out / "results.md").write_text(md, encoding="utf-8")
    if doc["records"]:
        plot(doc["records"], out / "time_vs_meshes.png")
    for name in ("results.json", "results.md", "time_vs_meshes.png"):
        if (out / name).exists():
            shutil.copyfile(out / name, RESULTS / f"latest-{name}")
    return md


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--meshes", default="2,3,5,8,10", help="comma-separated mesh counts (default 2,3,5,8,10)")
    parser.add_argument("--forks", type=int, default=0, help="Ansible forks (default: the number of meshes, at least 5)")
    parser.add_argument("--latency-meshes", type=int, default=3, help="measure verify latency at this N (0: never)")
    parser.add_argument("--skip-floor", action="store_true", help="do not measure the kubectl floor")
    parser.add_argument("--update-docs", action="store_true", help="copy the table and plot into docs/performance.md")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.meshes.split(",") if x.strip()]
    if min(counts) < 2:
        parser.error("federation needs at least 2 meshes")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / stamp
    out.mkdir(parents=True, exist_ok=True)
    log(f"results in {out.relative_to(REPO)}; building (or finding) kubectl")
    kubectl_bin = build.kubectl()
    doc: dict[str, Any] = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "kubernetes": build.KUBERNETES_VERSION, "load_start": load(), "records": [],
    }
    md = ""
    for n in counts:
        try:
            doc["records"].append(bench_n(n, args.forks, kubectl_bin, n == args.latency_meshes, out, args.skip_floor))
        except Exception as exc:  # pylint: disable=broad-except
            log(f"N={n} failed: {exc}")
            doc.setdefault("errors", {})[str(n)] = str(exc)[-4000:]
        md = report(doc, out)  # after every N, so that an interrupted run still leaves its table
    if args.update_docs and doc["records"]:
        update_docs(md, out / "time_vs_meshes.png")
    print(md)
    return 0 if all(r.get("cold", {}).get("ok") for r in doc["records"]) else 1


if __name__ == "__main__":
    sys.exit(main())
