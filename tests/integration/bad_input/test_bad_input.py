# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bad-input corpus: every file of cases/ is a broken inventory (an overlay over the lab's inventory and
the three-mesh model) or a broken cluster, and the messages it must produce.

For each case federate.yml runs on one shared fresh lab and must stop in the preflight play, with a
message naming the mesh and the variable, before any write: every object of every cluster keeps its
resourceVersion, and the API audit log shows no write request by the automation user.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml
from kubernetes.client.exceptions import ApiException

from labkit import wait_until
from playbook_kit import PlaybookRun, run_playbook
from reliability_kit import (
    PublishedRoot,
    audit_events,
    audit_marks,
    failed_results,
    failure_text,
    full_snapshot,
    settled_snapshot,
    task_results,
    write_requests,
)

CASES = sorted((Path(__file__).resolve().parent / "cases").glob("*.yml"))
PREFLIGHT_PLAY = "Preflight, for every mesh, before any change"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _fill(value, places: dict[str, str]):
    if isinstance(value, str):
        return value.format(**places) if "{" in value else value
    if isinstance(value, dict):
        return {_fill(key, places): _fill(item, places) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, places) for item in value]
    return value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _variant_kubeconfig(lab, tmp: Path, spec: dict) -> None:
    config = yaml.safe_load((lab.state_dir / f"{spec['from']}.kubeconfig").read_text(encoding="utf-8"))
    if spec["change"] == "unreachable_server":
        for cluster in config["clusters"]:
            cluster["cluster"]["server"] = f"https://127.0.0.1:{_free_port()}"
    elif spec["change"] == "wrong_token":
        for user in config["users"]:
            user["user"] = {"token": "not-a-token-of-this-cluster"}
    else:
        raise AssertionError(f"unknown kubeconfig change {spec['change']}")
    (tmp / f"{spec['from']}-variant.kubeconfig").write_text(yaml.safe_dump(config), encoding="utf-8")


def _certificate(common_name: str, ca: bool):
    """A self-signed certificate and its key, CA or not (made here, independent of the lab's PKI)."""
    import datetime  # pylint: disable=import-outside-toplevel

    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import NameOID  # pylint: disable=import-outside-toplevel

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True).sign(key, hashes.SHA256()))
    return cert, key


def _pem(kind: str, mesh: str) -> str:
    from cryptography.hazmat.primitives import serialization  # pylint: disable=import-outside-toplevel

    if kind == "not_pem":
        return "this is not a certificate\n"
    if kind == "garbage_der":
        return "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n"
    cert, key = _certificate(f"test {mesh}", ca=kind != "leaf")
    text = cert.public_bytes(serialization.Encoding.PEM).decode()
    if kind == "leaf":
        return text
    if kind == "with_key":
        return text + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    raise AssertionError(f"unknown root kind {kind}")


def _reconciled(cluster, ready: bool) -> bool:
    """The operator has seen the SMCP's latest spec, its readiness is `ready`, and its gateways follow."""
    smcp = cluster.smcp()
    status = smcp.get("status") or {}
    if status.get("observedGeneration") != smcp["metadata"].get("generation"):
        return False
    if any(c.get("type") == "Ready" and (c.get("status") == "True") != ready for c in status.get("conditions") or []):
        return False
    gateways = [*((smcp["spec"].get("gateways") or {}).get("additionalIngress") or {}),
                *((smcp["spec"].get("gateways") or {}).get("additionalEgress") or {})]
    present = {svc.metadata.name for svc in cluster.core.list_namespaced_service(cluster.namespace).items}
    return all((name in present) == ready for name in gateways)


class LiveFault:
    """Breaks a cluster for one case (with the admin client) and puts it back afterwards."""

    def __init__(self, lab, spec: dict | None):
        self.lab, self.spec = lab, spec or {}
        self.undo = []

    def __enter__(self):
        if "smcp_version" in self.spec:
            cluster = self.lab[self.spec["smcp_version"]["mesh"]]
            original = cluster.smcp()["spec"].get("version")
            cluster.patch_smcp({"spec": {"version": self.spec["smcp_version"]["version"]}})
            # the operator takes an unsupported control plane down (its gateways go): wait until it has
            wait_until(lambda: _reconciled(cluster, ready=False), timeout=60, what="the operator to refuse the SMCP version")

            def restore_version():
                cluster.patch_smcp({"spec": {"version": original}})
                wait_until(lambda: _reconciled(cluster, ready=True), timeout=60, what="the SMCP to be ready again")

            self.undo.append(restore_version)
        if "delete_crd" in self.spec:
            cluster = self.lab[self.spec["delete_crd"]["mesh"]]
            name = self.spec["delete_crd"]["name"]
            crd = cluster.ext.read_custom_resource_definition(name)
            body = cluster.api.sanitize_for_serialization(crd)
            for key in ("resourceVersion", "uid", "creationTimestamp", "managedFields", "generation"):
                body["metadata"].pop(key, None)
            body.pop("status", None)
            cluster.ext.delete_custom_resource_definition(name)
            group, version = body["spec"]["group"], body["spec"]["versions"][0]["name"]
            plural = body["spec"]["names"]["plural"]

            def gone():
                try:
                    cluster.custom.list_namespaced_custom_object(group, version, cluster.namespace, plural)
                except ApiException as exc:
                    return exc.status == 404
                return False

            wait_until(gone, timeout=30, what=f"CRD {name} to disappear")

            def restore():
                def recreate():
                    try:
                        cluster.ext.create_custom_resource_definition(body)
                    except ApiException as exc:
                        if exc.status != 409:  # still terminating: try again
                            return False
                        return False
                    return True
                wait_until(recreate, timeout=60, what=f"CRD {name} to be created again")
                wait_until(lambda: not gone(), timeout=30, what=f"CRD {name} to be served again")
            self.undo.append(restore)
        if "root" in self.spec:
            mesh = self.spec["root"]["mesh"]
            published = PublishedRoot(self.lab, mesh, _pem(self.spec["root"]["kind"], mesh))
            published.__enter__()
            self.undo.append(lambda: published.__exit__(None, None, None))
        return self

    def __exit__(self, *exc):
        for action in reversed(self.undo):
            action()
        return False


def _run_case(lab, path: Path, tmp: Path) -> tuple[PlaybookRun, dict, dict, list[str]]:
    case = _load(path)
    places = {"lab": str(lab.state_dir), "tmp": str(tmp)}
    for name, text in (case.get("files") or {}).items():
        (tmp / name).write_text(text, encoding="utf-8")
    if case.get("kubeconfig"):
        _variant_kubeconfig(lab, tmp, case["kubeconfig"])
    overlay = tmp / "overlay.yml"
    overlay.write_text(yaml.safe_dump(_fill(case.get("overlay") or {"all": {}}, places)), encoding="utf-8")
    with LiveFault(lab, case.get("live")):
        before = settled_snapshot(lab) if case.get("live") else full_snapshot(lab)
        marks = audit_marks(lab)
        run = run_playbook("federate.yml", lab.state_dir / "inventory.yml", "-i", str(overlay), *(case.get("args") or []))
        after = full_snapshot(lab)
        writes = write_requests(audit_events(lab, marks))
    return run, before, after, writes


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_bad_input_stops_in_preflight_before_any_write(fresh_lab, path, tmp_path):
    expect = _load(path)["expect"]
    run, before, after, writes = _run_case(fresh_lab, path, tmp_path)

    assert run.returncode != 0, f"{path.name}: federate.yml succeeded"
    failed = failed_results(run)
    assert failed, f"{path.name}: no failed task\n{run.stderr[-2000:]}"
    plays = {row[0] for row in task_results(run)}
    assert plays == {PREFLIGHT_PLAY}, f"{path.name}: tasks ran outside preflight: {plays}"
    assert all(play == PREFLIGHT_PLAY for play, _task, _host, _result in failed)
    text = " ".join(failure_text(result) for _play, _task, _host, result in failed)
    assert "Traceback" not in text, text
    for needle in [f"{expect['mesh']}", expect["variable"], *expect["messages"]]:
        assert needle in text, f"{path.name}: {needle!r} not in the failure messages: {text}"

    assert after == before, f"{path.name}: objects changed during a failed preflight"
    assert writes == [], f"{path.name}: write requests during a failed preflight: {writes}"


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    for path in CASES:
        case = _load(path)
        assert case.get("description") and case["expect"]["mesh"] and case["expect"]["variable"] and case["expect"]["messages"], path.name
