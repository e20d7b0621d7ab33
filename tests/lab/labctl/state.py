# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lab's state directory: layout, lab.json, the emulator's control file."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
LAB_DIR = Path(__file__).resolve().parents[1]

PLATFORMS = ("aws", "azure", "gcp", "baremetal", "baremetal-lb", "ibmz", "ibmpower")
LB_PLATFORMS = {"aws": "hostname", "azure": "ip", "gcp": "ip", "baremetal-lb": "ip"}
REGIONS = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1", "baremetal": "dc-west",
           "baremetal-lb": "dc-east", "ibmz": "dc-north", "ibmpower": "dc-south"}


def default_state_dir() -> Path:
    env = os.environ.get("SMF_LAB_DIR")
    return Path(env) if env else REPO_ROOT / ".lab"


def write_json(path: Path, data) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def _slots_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "servicemesh-federation" / "slots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _alive(pid) -> bool:
    try:
        stat = Path(f"/proc/{int(pid)}/stat").read_text()
    except (OSError, TypeError, ValueError):
        return False
    return not stat.split(") ", 1)[1].startswith("Z")


def claim_slot(state_root: Path, pid: int) -> int:
    """A number no other running lab on this machine uses: it picks the lab's loopback addresses
    (127.<100+slot>.<cluster>.<host>), so that several labs can run side by side."""
    slots = _slots_dir()
    with open(slots / ".lock", "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for slot in range(100):
            data = read_json(slots / f"{slot}.json")
            if data and data.get("state_dir") != str(state_root) and _alive(data.get("pid")):
                continue
            write_json(slots / f"{slot}.json", {"state_dir": str(state_root), "pid": pid})
            return slot
    raise SystemExit("no free lab slot (100 labs running?)")


def update_slot(slot: int, state_root: Path, pid: int) -> None:
    write_json(_slots_dir() / f"{slot}.json", {"state_dir": str(state_root), "pid": pid})


def release_slot(slot: int | None, state_root: Path) -> None:
    if slot is None:
        return
    path = _slots_dir() / f"{slot}.json"
    data = read_json(path)
    if data and data.get("state_dir") == str(state_root):
        path.unlink(missing_ok=True)


def address(slot: int, cluster: int, host: int) -> str:
    return f"127.{100 + slot}.{cluster}.{host}"


class State:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    @property
    def lab_json(self) -> Path:
        return self.root / "lab.json"

    def load(self) -> dict:
        data = read_json(self.lab_json)
        if data is None:
            raise SystemExit(f"no lab in {self.root} (lab.json missing)")
        return data

    def save(self, data: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        write_json(self.lab_json, data)

    def mesh_dir(self, mesh: str) -> Path:
        return self.root / "clusters" / mesh

    def admin_kubeconfig(self, mesh: str) -> Path:
        return self.root / f"admin-{mesh}.kubeconfig"

    def user_kubeconfig(self, mesh: str) -> Path:
        return self.root / f"{mesh}.kubeconfig"

    def mesh_ca_file(self, mesh: str) -> Path:
        return self.root / "mesh-ca" / f"{mesh}.json"

    @property
    def emulator_dir(self) -> Path:
        return self.root / "emulator"

    @property
    def control_file(self) -> Path:
        return self.emulator_dir / "control.json"

    @contextlib.contextmanager
    def control(self):
        """Read-modify-write of the emulator's control file (delays, address overrides) under a lock."""
        self.emulator_dir.mkdir(parents=True, exist_ok=True)
        with open(self.emulator_dir / "control.lock", "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = read_json(self.control_file, {"delays": {}, "addresses": {}})
            yield data
            write_json(self.control_file, data)
