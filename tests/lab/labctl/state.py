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
