# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the lab's kube-apiserver and etcd from the Go module proxy and cache them.

kube-apiserver comes from the module ``k8s.io/kubernetes`` at a pinned release. That module's own
go.mod points every ``k8s.io/*`` staging module at ``./staging/...``, which a module consumer cannot
use, so a small wrapper module requires the release and replaces each staging module with the
published ``v0.<minor>.<patch>`` tag. The list of staging modules is read from the release's go.mod,
never written down here. etcd is built the same way from ``go.etcd.io/etcd/server/v3`` at the
version that release's go.mod pins.

kubectl (used by the benchmark only) comes from the same wrapper module and release
(``k8s.io/kubernetes/cmd/kubectl``); it is built lazily, on its first use or with
``python -m labctl.build kubectl``, so that building the lab does not pay for it.

Binaries are cached under ``$XDG_CACHE_HOME/servicemesh-federation/<name>-<version>/`` (default
``~/.cache``), so a second build is a no-op.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

KUBERNETES_VERSION = "v1.34.4"


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "servicemesh-federation"


def _go(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    full_env = dict(os.environ)
    full_env["GOFLAGS"] = "-mod=mod -buildvcs=false"
    full_env["CGO_ENABLED"] = "0"
    if env:
        full_env.update(env)
    proc = subprocess.run(["go", *args], cwd=cwd, env=full_env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"go {' '.join(args)} failed in {cwd}:\n{proc.stderr[-4000:]}")
    return proc.stdout


def _module_gomod(module: str, version: str, workdir: Path) -> str:
    info = json.loads(_go(["mod", "download", "-json", f"{module}@{version}"], workdir))
    return Path(info["GoMod"]).read_text(encoding="utf-8")


def staging_replacements(kubernetes_gomod: str) -> list[str]:
    """The k8s.io modules that the release's go.mod replaces with a local staging directory."""
    return sorted(set(re.findall(r"^\s*(k8s\.io/[\w./-]+)\s*=>\s*\./staging/", kubernetes_gomod, re.M)))


def pinned_etcd_version(kubernetes_gomod: str) -> str:
    match = re.search(r"^\s*go\.etcd\.io/etcd/server/v3\s+(v[\w.\-+]+)", kubernetes_gomod, re.M)
    if not match:
        raise RuntimeError("the Kubernetes go.mod does not pin go.etcd.io/etcd/server/v3")
    return match.group(1)


def _build(module_path: str, requires: dict[str, str], replaces: dict[str, str], package: str,
           output: Path, ldflags: str) -> None:
    with tempfile.TemporaryDirectory(prefix="lab-build-") as tmp:
        work = Path(tmp)
        lines = [f"module servicemesh-federation-lab/{module_path}", "", "go 1.24", "", "require ("]
        lines += [f"\t{mod} {ver}" for mod, ver in requires.items()]
        lines.append(")")
        if replaces:
            lines += ["", "replace ("]
            lines += [f"\t{mod} => {mod} {ver}" for mod, ver in replaces.items()]
            lines.append(")")
        (work / "go.mod").write_text("\n".join(lines) + "\n", encoding="utf-8")
        _go(["mod", "download"], work)
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp_out = output.with_suffix(".partial")
        _go(["build", "-p", "2", "-trimpath", "-ldflags", ldflags, "-o", str(tmp_out), package], work)
        tmp_out.rename(output)


def _kubernetes_gomod(version: str) -> str:
    with tempfile.TemporaryDirectory(prefix="lab-gomod-") as tmp:
        work = Path(tmp)
        (work / "go.mod").write_text("module probe\n\ngo 1.24\n", encoding="utf-8")
        return _module_gomod("k8s.io/kubernetes", version, work)


def _build_kubernetes_command(command: str, version: str, target: Path, gomod: str) -> None:
    """Build ``k8s.io/kubernetes/cmd/<command>`` through the wrapper module, version-stamped."""
    major, minor, patch = version.lstrip("v").split(".")
    staging = f"v0.{minor}.{patch}"
    replaces = {mod: staging for mod in staging_replacements(gomod)}
    stamp = "k8s.io/component-base/version"
    ldflags = " ".join([
        "-s -w",
        f"-X {stamp}.gitVersion={version}",
        f"-X {stamp}.gitMajor={major}",
        f"-X {stamp}.gitMinor={minor}",
        f"-X {stamp}.gitTreeState=clean",
        f"-X {stamp}/verflag.programName={command}",
    ])
    _build(command, {"k8s.io/kubernetes": version}, replaces, f"k8s.io/kubernetes/cmd/{command}", target, ldflags)


def kube_apiserver(version: str = KUBERNETES_VERSION) -> Path:
    target = cache_root() / f"kubernetes-{version}" / "kube-apiserver"
    if target.exists():
        return target
    gomod = _kubernetes_gomod(version)
    _build_kubernetes_command("kube-apiserver", version, target, gomod)
    (target.parent / "etcd-version").write_text(pinned_etcd_version(gomod) + "\n", encoding="utf-8")
    return target


def kubectl(version: str = KUBERNETES_VERSION) -> Path:
    """kubectl of the same release, cached beside kube-apiserver; built on first use only."""
    target = cache_root() / f"kubernetes-{version}" / "kubectl"
    if target.exists():
        return target
    _build_kubernetes_command("kubectl", version, target, _kubernetes_gomod(version))
    return target


def etcd(kubernetes_version: str = KUBERNETES_VERSION) -> Path:
    api = kube_apiserver(kubernetes_version)
    version = (api.parent / "etcd-version").read_text(encoding="utf-8").strip()
    target = cache_root() / f"etcd-{version}" / "etcd"
    if target.exists():
        return target
    _build("etcd", {"go.etcd.io/etcd/server/v3": version}, {}, "go.etcd.io/etcd/server/v3",
           target, "-s -w")
    return target


def main(argv: list[str] | None = None) -> int:
    """Build kube-apiserver and etcd; with the argument ``kubectl``, build (or find) kubectl only."""
    args = sys.argv[1:] if argv is None else argv
    if shutil.which("go") is None:
        print("the lab needs Go to build kube-apiserver, etcd and kubectl", file=sys.stderr)
        return 2
    if args == ["kubectl"]:
        print(kubectl())
        return 0
    if args:
        print("usage: python -m labctl.build [kubectl]", file=sys.stderr)
        return 2
    print(kube_apiserver())
    print(etcd())
    return 0


if __name__ == "__main__":
    sys.exit(main())
