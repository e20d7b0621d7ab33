# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`python -m labctl`: start, inspect, break and stop the lab."""

from __future__ import annotations

import argparse
import json
import sys

from . import cluster, pki
from .kube import ApiError, Unreachable
from .state import State, default_state_dir, read_json, write_json


def _mesh(lab: dict, name: str) -> dict:
    if name not in lab["meshes"]:
        raise SystemExit(f"no mesh {name!r} in the lab (meshes: {', '.join(lab['meshes'])})")
    return lab["meshes"][name]


def cmd_up(state: State, args) -> int:
    lab = cluster.up(state, args.mesh, delay=args.delay, smcp_version=args.smcp_version, timeout=args.timeout)
    print(f"lab up in {lab['up_seconds']} s: {', '.join(lab['meshes'])}")
    print(f"inventory: {state.root / 'inventory.yml'}")
    return 0


def cmd_down(state: State, args) -> int:
    stopped = cluster.down(state)
    print(f"lab down: stopped {len(stopped)} processes" if stopped else "no lab to stop")
    return 0


def cmd_status(state: State, args) -> int:
    info = cluster.status(state)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"lab in {info['state_dir']} (Kubernetes {info['kubernetes_version']}, up in {info['up_seconds']} s)")
    for p in info["processes"]:
        print(f"  {p['name']:<28} pid {p['pid']:<8} {'running' if p['running'] else 'STOPPED':<8} "
              f"{p['rss_mib']:>7} MiB  {p['address']}")
    print(f"  total RSS {info['total_rss_mib']} MiB")
    for name, m in info["meshes"].items():
        print(f"{name} ({m['platform']}) {m['api']}  ns {m['namespace']}")
        if "api_error" in m:
            print(f"  API unreachable: {m['api_error'][:120]}")
        for gw, g in m.get("gateways", {}).items():
            print(f"  gateway {gw:<24} {g['type']:<13} address {g['address'] or '-'} nodePorts {g['nodePorts']}")
        for peer, p in m.get("peers", {}).items():
            print(f"  peer {peer:<27} watch {p['watch']} remotes {p['remotes']}")
    return 0


def cmd_stop_api(state: State, args) -> int:
    lab = state.load()
    m = _mesh(lab, args.mesh)
    cluster.stop_pid(m.get("api_pid"), "kube-apiserver")
    print(f"kube-apiserver of {args.mesh} stopped")
    return 0


def cmd_start_api(state: State, args) -> int:
    lab = state.load()
    m = _mesh(lab, args.mesh)
    if cluster.pid_alive(m.get("api_pid"), "kube-apiserver"):
        print(f"kube-apiserver of {args.mesh} already running")
        return 0
    cluster.start_apiserver(state, lab, m)
    state.save(lab)
    cluster.wait_ready(lab, args.mesh)
    print(f"kube-apiserver of {args.mesh} running again on port {m['api_port']}")
    return 0


def _wait_service_address(lab: dict, mesh: str, namespace: str, name: str, want, timeout: float) -> None:
    client = cluster.admin_client(lab, mesh)

    def check():
        svc = client.get("Service", namespace, name)
        ingress = svc.get("status", {}).get("loadBalancer", {}).get("ingress") or []
        return want([i.get("ip") or i.get("hostname") for i in ingress])

    cluster.wait_for(check, timeout, f"address of service {namespace}/{name} in {mesh}")


def _service_ref(m: dict, ref: str) -> tuple[str, str]:
    namespace, _, name = ref.rpartition("/")
    return namespace or m["namespace"], name


def cmd_set_address(state: State, args) -> int:
    lab = state.load()
    m = _mesh(lab, args.mesh)
    namespace, name = _service_ref(m, args.service)
    key = f"{args.mesh}/{namespace}/{name}"
    with state.control() as control:
        if args.address in ("", "-", "auto"):
            control["addresses"].pop(key, None)
        else:
            control["addresses"][key] = args.address
    if args.address not in ("", "-", "auto"):
        _wait_service_address(lab, args.mesh, namespace, name, lambda got: got == [args.address], args.timeout)
    print(f"{key}: load balancer address {args.address}")
    return 0


def cmd_set_delay(state: State, args) -> int:
    lab = state.load()
    _mesh(lab, args.mesh)
    with state.control() as control:
        control["delays"][args.mesh] = args.seconds
    print(f"{args.mesh}: load balancer provisioning delay {args.seconds} s")
    return 0


def cmd_rotate_ca(state: State, args) -> int:
    lab = state.load()
    m = _mesh(lab, args.mesh)
    path = state.mesh_ca_file(args.mesh)
    current = read_json(path)
    generation = current.get("generation", 1) + 1
    ca = pki.MeshCA.generate(args.mesh, intermediate=args.intermediate, generation=generation)
    write_json(path, {"generation": generation, **ca.to_dict()})
    client = cluster.admin_client(lab, args.mesh)
    want = ca.published_pem()

    def published():
        cm = client.get("ConfigMap", m["namespace"], "istio-ca-root-cert")
        return cm.get("data", {}).get("root-cert.pem") == want

    cluster.wait_for(published, args.timeout, f"the new root certificate of {args.mesh}")
    print(f"{args.mesh}: new root CA #{generation}{' with an intermediate' if args.intermediate else ''}, "
          f"sha256 {pki.fingerprint(ca.root_pem)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labctl", description=__doc__)
    parser.add_argument("--state-dir", default=None, help="state directory (default $SMF_LAB_DIR or <repo>/.lab)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("up", help="start etcd, one kube-apiserver per mesh, bootstrap them, start the emulator")
    p.add_argument("--mesh", action="append", required=True, metavar="NAME:PLATFORM",
                   help="a mesh and its platform (aws, azure, gcp, baremetal, baremetal-lb, ibmz, ibmpower)")
    p.add_argument("--delay", type=float, default=0.0, help="load balancer provisioning delay in seconds")
    p.add_argument("--smcp-version", default="v2.6", help="spec.version of the SMCPs (default v2.6)")
    p.add_argument("--timeout", type=float, default=180.0)
    p.set_defaults(func=cmd_up)

    p = sub.add_parser("down", help="stop every process of the lab and remove its state")
    p.set_defaults(func=cmd_down)

    p = sub.add_parser("status", help="show processes, memory, gateways and peers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("stop-api", help="stop one cluster's kube-apiserver")
    p.add_argument("mesh")
    p.set_defaults(func=cmd_stop_api)

    p = sub.add_parser("start-api", help="start a stopped kube-apiserver again (same data, same port)")
    p.add_argument("mesh")
    p.set_defaults(func=cmd_start_api)

    p = sub.add_parser("set-address", help="change the load balancer address of a service ('auto' restores)")
    p.add_argument("mesh")
    p.add_argument("service", help="NAME (in the control plane namespace) or NAMESPACE/NAME")
    p.add_argument("address", help="an IP or a host name; 'auto' gives back the allocated address")
    p.add_argument("--timeout", type=float, default=30.0)
    p.set_defaults(func=cmd_set_address)

    p = sub.add_parser("rotate-ca", help="give a mesh a new root CA (optionally root + intermediate)")
    p.add_argument("mesh")
    p.add_argument("--intermediate", action="store_true")
    p.add_argument("--timeout", type=float, default=30.0)
    p.set_defaults(func=cmd_rotate_ca)

    p = sub.add_parser("set-delay", help="set the load balancer provisioning delay of a mesh")
    p.add_argument("mesh")
    p.add_argument("seconds", type=float)
    p.set_defaults(func=cmd_set_delay)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    state = State(args.state_dir or default_state_dir())
    try:
        return args.func(state, args)
    except (ApiError, Unreachable, TimeoutError, RuntimeError) as exc:
        print(f"labctl {args.command}: {exc}", file=sys.stderr)
        return 1
