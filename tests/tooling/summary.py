"""Print a short summary of a federated lab: peers, connection state both ways, imported services.

Reads every mesh's cluster with the lab's admin kubeconfigs (``<state>/admin-<mesh>.kubeconfig``).
Usage: ``python tests/tooling/summary.py <lab state dir>``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kubernetes import client, config


def _custom(api: client.ApiClient, plural: str, namespace: str) -> list[dict]:
    objects = client.CustomObjectsApi(api).list_namespaced_custom_object("federation.maistra.io", "v1", namespace, plural)
    return objects.get("items", [])


def _state(flag: bool) -> str:
    return "connected" if flag else "NOT connected"


def summarize(state_dir: Path) -> int:
    lab = json.loads((state_dir / "lab.json").read_text(encoding="utf-8"))
    meshes = list(lab["meshes"])
    problems = 0
    for mesh in meshes:
        api = config.new_client_from_config(str(state_dir / f"admin-{mesh}.kubeconfig"))
        namespace = f"{mesh}-system"
        print(f"{mesh}")
        for peer in _custom(api, "servicemeshpeers", namespace):
            active = ((peer.get("status") or {}).get("discoveryStatus") or {}).get("active") or [{}]
            outbound = any((pod.get("watch") or {}).get("connected") for pod in active)
            inbound = any(remote.get("connected") for pod in active for remote in pod.get("remotes") or [])
            problems += (not outbound) + (not inbound)
            print(f"  peer {peer['metadata']['name']:<12} outbound {_state(outbound):<14} inbound {_state(inbound)}")
        for imported in _custom(api, "importedservicesets", namespace):
            for service in (imported.get("status") or {}).get("importedServices") or []:
                local = (service.get("localService") or {}).get("hostname")
                print(f"  imports from {imported['metadata']['name']:<12} {local}")
    print("all links connected both ways" if problems == 0 else f"{problems} link direction(s) not connected")
    return 0 if problems == 0 else 1


if __name__ == "__main__":
    sys.exit(summarize(Path(sys.argv[1] if len(sys.argv) > 1 else ".lab")))
