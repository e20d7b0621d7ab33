# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment definition: `ansible-builder create` writes a complete build context, and
the collection's own meta/execution-environment.yml is what ansible-builder reads from the installed
collection. Building the image needs a container engine and is not done here."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
META = REPO / "meta" / "execution-environment.yml"


def _requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line.split("[", 1)[0].split("=", 1)[0].split(">", 1)[0].split("<", 1)[0].strip().lower())
    return names


def _file_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.split("#", 1)[0].strip()]


@pytest.fixture(scope="module")
def context(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ee") / "context"
    proc = subprocess.run([str(BIN / "ansible-builder"), "create", "--file", str(REPO / "execution-environment.yml"),
                           "--context", str(out), "--output-filename", "Containerfile"],
                          cwd=out.parent, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_meta_file_names_relative_files_that_exist():
    meta = yaml.safe_load(META.read_text())
    assert meta["version"] == 1
    deps = meta["dependencies"]
    assert set(deps) == {"python", "system"}
    for entry in deps.values():
        assert not Path(entry).is_absolute()
        assert (REPO / entry).is_file(), entry


def test_context_holds_the_containerfile_and_every_input(context):
    for name in ("Containerfile", "_build/requirements.yml", "_build/requirements.txt", "_build/bindep.txt",
                 "_build/scripts/introspect.py", "_build/scripts/assemble"):
        assert (context / name).is_file(), name
    containerfile = (context / "Containerfile").read_text()
    definition = yaml.safe_load((REPO / "execution-environment.yml").read_text())
    assert f'ARG EE_BASE_IMAGE="{definition["images"]["base_image"]["name"]}"' in containerfile
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile
    assert "ansible-core==2.19.14" in containerfile and "ansible-runner==2.4.3" in containerfile
    assert "install git-core" in containerfile  # the galaxy stage installs a collection from git
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile


def test_galaxy_requirements_hold_kubernetes_core_and_this_collection(context):
    collections = yaml.safe_load((context / "_build" / "requirements.yml").read_text())["collections"]
    by_name = {entry["name"]: entry for entry in collections}
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    for dependency, version in galaxy["dependencies"].items():
        assert by_name[dependency]["version"] == version, f"{dependency}: EE and galaxy.yml disagree"
    ours = [entry for entry in collections if entry["name"].rstrip("/").removesuffix(".git").endswith(f"{galaxy['namespace']}.{galaxy['name']}")]
    assert len(ours) == 1 and ours[0]["type"] == "git", collections
    assert ours[0]["name"].removesuffix(".git") == galaxy["repository"]


def test_python_and_system_requirements_are_the_collections_own(context):
    python = _file_lines(context / "_build" / "requirements.txt")
    assert python == _file_lines(REPO / "meta" / "ee-requirements.txt")
    assert {"kubernetes", "cryptography"} <= _requirement_names(python)
    system = _file_lines(context / "_build" / "bindep.txt")
    assert system == _file_lines(REPO / "meta" / "ee-bindep.txt")
    assert "graphviz" in _requirement_names(system)


@pytest.fixture(scope="module")
def artifact(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("artifact")
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", str(REPO), "--output-path", str(out)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = out.glob("servicemesh-federation-*.tar.gz")
    return built


def test_built_artifact_ships_the_execution_environment_files(artifact):
    with tarfile.open(artifact) as tar:
        members = set(tar.getnames())
    wanted = {"meta/execution-environment.yml"} | set(yaml.safe_load(META.read_text())["dependencies"].values())
    assert wanted <= members, wanted - members


def test_builder_introspection_reads_the_installed_collection(artifact, tmp_path):
    """What the image's builder stage runs over the installed collections, run over this one installed
    from its artifact (kubernetes.core comes with the image's galaxy stage, so --no-deps here)."""
    proc = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--no-deps", "--force", "-p", str(tmp_path), str(artifact)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = subprocess.run([str(BIN / "ansible-builder"), "introspect", "--sanitize", str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    found = yaml.safe_load(proc.stdout.split("---", 1)[1])
    assert {"kubernetes", "cryptography"} <= _requirement_names(found["python"]), found
    assert all("from collection servicemesh.federation" in line for line in found["python"] + found["system"])
    assert "graphviz" in _requirement_names(found["system"])
