# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""federate.yml and verify.yml run as AWX jobs through ansible-runner, on a fresh three-mesh lab.

The connection comes only from the credential of the collection's credential type: one kubeconfig with a
context per mesh, built from the lab's least-privilege kubeconfigs; the inventory names each mesh's
context in federation_context and holds no kubeconfig path. The tests run in order on one lab.
"""

from __future__ import annotations

import json

import yaml

from awx_kit import merged_kubeconfig, private_data_dir, run_job
from playbook_kit import MODEL

MESH_NAMES = ("red-mesh", "green-mesh", "blue-mesh")
ANSWERS = {"federation_hosts": "federation", "discover_wait_timeout": 120, "control_plane_wait_timeout": 120, "verify_timeout": 120}
STATE: dict = {}


def _model() -> dict:
    return yaml.safe_load(next(MODEL.glob("*.yml")).read_text())["all"]["vars"]


def _assert_summary(summary: dict, meshes: tuple[str, ...]) -> None:
    model = _model()
    assert sorted(summary) == sorted(meshes), summary
    for mesh in meshes:
        entry = summary[mesh]
        assert entry["peers"] == sorted(model["expected_peers"][mesh]), entry
        assert entry["ready"] is True, entry
        assert entry["outbound"] == {peer: True for peer in model["expected_peers"][mesh]}, entry
        assert entry["inbound"] == {peer: True for peer in model["expected_peers"][mesh]}, entry
        imported = sorted(name for names in entry["imported_services"].values() for name in names)
        expected = model["expected_imports"].get(mesh, [])
        # wildcard import rules bring more than the model lists; a mesh without import rules imports nothing
        assert set(expected) <= set(imported) if expected else imported == [], entry


def _tokens(lab) -> list[str]:
    return [user["user"]["token"] for user in yaml.safe_load(merged_kubeconfig(lab))["users"]]


def test_federate_job_passes_and_publishes_the_summary(fresh_lab, tmp_path_factory):
    pdd = private_data_dir(tmp_path_factory.mktemp("awx"), fresh_lab, ANSWERS)
    STATE["pdd"] = pdd
    job = run_job(pdd, "playbooks/federate.yml")
    assert job.runner.status == "successful" and job.runner.rc == 0, job.describe()
    assert all(count > 0 for count in (job.changed().get(mesh, 0) for mesh in MESH_NAMES)), job.changed()
    _assert_summary(job.artifact_data["federation_summary"], MESH_NAMES)
    # the controller's artifacts: the same data as the last event, written by the runner
    artifacts = next((pdd / "artifacts").iterdir())
    assert (artifacts / "rc").read_text().strip() == "0"
    for name in MESH_NAMES:
        peers = fresh_lab[name].custom.list_namespaced_custom_object("federation.maistra.io", "v1", fresh_lab[name].namespace, "servicemeshpeers")
        assert sorted(p["metadata"]["name"] for p in peers["items"]) == sorted(set(MESH_NAMES) - {name})


def test_writes_came_from_the_least_privilege_account_of_each_context(fresh_lab):
    for name in MESH_NAMES:
        writers = set()
        with open(fresh_lab.state_dir / "clusters" / name / "audit.log", encoding="utf-8") as log:
            for line in log:
                event = json.loads(line)
                if event.get("verb") in ("create", "patch", "update") and (event.get("objectRef") or {}).get("resource") == "servicemeshpeers":
                    writers.add(event["user"]["username"])
        assert writers == {"federation-automation"}, f"{name}: ServiceMeshPeers written by {writers}"


def test_no_token_in_the_job_output_or_events(fresh_lab):
    artifacts = STATE["pdd"] / "artifacts"
    text = "".join(path.read_text(errors="replace") for path in artifacts.rglob("*") if path.is_file())
    assert text, "the job left no artifacts"
    for token in _tokens(fresh_lab):
        assert token not in text


def test_verify_job_by_collection_name_changes_nothing_and_publishes_the_summary(fresh_lab, tmp_path_factory):
    pdd = private_data_dir(tmp_path_factory.mktemp("awx"), fresh_lab, {"federation_hosts": "federation", "verify_timeout": 60})
    job = run_job(pdd, "verify_by_name.yml")
    assert job.runner.status == "successful" and job.runner.rc == 0, job.describe()
    assert job.changed() == {} or set(job.changed().values()) == {0}, job.changed()
    _assert_summary(job.artifact_data["federation_summary"], MESH_NAMES)


def test_a_job_slice_of_one_mesh_reports_peers_outside_the_slice(fresh_lab, tmp_path_factory):
    pdd = private_data_dir(tmp_path_factory.mktemp("awx"), fresh_lab, {"federation_hosts": "federation", "verify_timeout": 60})
    job = run_job(pdd, "playbooks/verify.yml", limit="red-mesh")
    assert job.runner.status == "successful" and job.runner.rc == 0, job.describe()
    summary = job.artifact_data["federation_summary"]
    assert list(summary) == ["red-mesh"]
    assert summary["red-mesh"]["outside_run"] == ["blue-mesh", "green-mesh"]
    _assert_summary(summary, ("red-mesh",))
