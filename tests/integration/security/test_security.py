# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Least privilege, secrets and data safety, on one fresh lab whose inventory uses the least-privilege
user `federation-automation` (bound to the roles of docs/rbac/servicemesh-federation.yml).

In order: the user's own objects are made, federate.yml runs at -vvv (its output must hold no token and
no kubeconfig content, the audit log no request on Secrets, the copied root certificates nothing but
certificates, the user's objects must be unchanged), verify.yml and, when present, unfederate.yml pass
with the same credential, and a permission removed from the role makes a run fail naming it.
"""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from kubernetes import client

from labkit import wait_until
from playbook_kit import REPO, run_playbook
from reliability_kit import AUTOMATION_USER, MESH_NAMES, audit_events, audit_marks, playbook_command

STATE: dict = {}
CERT_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----")
HAND_PEER = "purple-mesh"
USER_CONFIGMAP = "team-settings"


def _secrets_of_lab(lab) -> dict[str, str]:
    """Every token and every piece of kubeconfig content of the lab, by where it comes from."""
    found: dict[str, str] = {}
    for tokens in sorted(lab.state_dir.glob("clusters/*/tokens.csv")):
        for line in tokens.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found[f"{tokens.parent.name} token of {line.split(',')[1]}"] = line.split(",")[0]
    for path in sorted(lab.state_dir.glob("*.kubeconfig")):
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in config.get("users", []):
            for key, value in (entry.get("user") or {}).items():
                if key in ("token", "client-certificate-data", "client-key-data") and value:
                    found[f"{path.name} {key}"] = value
        for entry in config.get("clusters", []):
            data = (entry.get("cluster") or {}).get("certificate-authority-data")
            if data:
                found[f"{path.name} certificate-authority-data"] = data
                # the PEM inside the base64 must not leak either
                pem_body = "".join(base64.b64decode(data).decode().splitlines()[1:-1])
                found[f"{path.name} CA certificate"] = pem_body[20:80]
    return found


def _make_user_objects(lab) -> None:
    red = lab["red-mesh"]
    red.patch_smcp({"spec": {"proxy": {"accessLogging": {"file": {"name": "/dev/stdout"}}}}})
    red.core.create_namespaced_config_map(red.namespace, client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name=USER_CONFIGMAP, labels={"team": "mesh-admins"}), data={"retention": "30d"}))
    red.create("federation.maistra.io", "v1", "servicemeshpeers", {
        "apiVersion": "federation.maistra.io/v1", "kind": "ServiceMeshPeer",
        "metadata": {"name": HAND_PEER, "namespace": red.namespace},
        "spec": {"remote": {"addresses": ["purple.example.com"]},
                 "gateways": {"ingress": {"name": "ingress-purple-mesh"}, "egress": {"name": "egress-purple-mesh"}},
                 "security": {"trustDomain": "purple-mesh.local", "clientID": "purple-mesh.local/ns/purple-mesh-system/sa/egress-red-mesh-service-account",
                              "certificateChain": {"kind": "ConfigMap", "name": "purple-mesh-ca-root-cert"}}}})


def _user_objects(lab) -> dict:
    red = lab["red-mesh"]
    configmap = red.core.read_namespaced_config_map(USER_CONFIGMAP, red.namespace)
    peer = red.peer(HAND_PEER)
    return {
        "smcp_access_logging": red.smcp()["spec"]["proxy"]["accessLogging"],
        "configmap": (configmap.metadata.resource_version, configmap.data, configmap.metadata.labels),
        # the emulated istiod writes the peer's status; its spec, labels and annotations are the user's
        "peer": (peer["spec"], peer["metadata"].get("labels"), peer["metadata"].get("annotations")),
    }


def test_federate_at_vvv_shows_no_secret_reads_none_and_keeps_user_data(fresh_lab):
    _make_user_objects(fresh_lab)
    user_before = _user_objects(fresh_lab)
    marks = audit_marks(fresh_lab)
    command, env = playbook_command("federate.yml", fresh_lab.state_dir / "inventory.yml", "-vvv")
    env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.builtin.default"
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert "TASK [servicemesh.federation.peering" in output  # the whole run was printed, at -vvv
    assert "<localhost> ESTABLISH LOCAL CONNECTION" in output or "ESTABLISH LOCAL CONNECTION" in output

    secrets = _secrets_of_lab(fresh_lab)
    assert len(secrets) >= 3 * 2 * 3, sorted(secrets)
    leaked = sorted(where for where, value in secrets.items() if value and value in output)
    assert leaked == [], f"the -vvv output shows {leaked}"
    for marker in ("client-certificate-data", "client-key-data", "certificate-authority-data", "BEGIN RSA PRIVATE KEY", "BEGIN EC PRIVATE KEY"):
        assert marker not in output, marker

    events = audit_events(fresh_lab, marks)
    assert all(events[name] for name in MESH_NAMES), "no request of the automation user was audited"
    on_secrets = [f"{name}: {e['verb']} {e.get('requestURI')}" for name, items in events.items() for e in items
                  if (e.get("objectRef") or {}).get("resource") == "secrets"]
    assert on_secrets == []
    assert {e["user"]["username"] for items in events.values() for e in items} == {AUTOMATION_USER}

    for name in MESH_NAMES:
        cluster = fresh_lab[name]
        copies = [cm for cm in cluster.core.list_namespaced_config_map(cluster.namespace).items
                  if cm.metadata.name.endswith("-ca-root-cert") and cm.metadata.name != "istio-ca-root-cert"]
        assert sorted(cm.metadata.name for cm in copies) == sorted(f"{peer}-ca-root-cert" for peer in MESH_NAMES if peer != name)
        for cm in copies:
            assert list(cm.data) == ["root-cert.pem"], cm.data.keys()
            text = cm.data["root-cert.pem"]
            assert CERT_BLOCK.search(text), f"{name}/{cm.metadata.name} holds no certificate"
            assert CERT_BLOCK.sub("", text).strip() == "", f"{name}/{cm.metadata.name} holds more than certificates"
            assert "PRIVATE KEY" not in text

    assert _user_objects(fresh_lab) == user_before
    touched = [f"{name}: {e['verb']} {e.get('requestURI')}" for name, items in events.items() for e in items
               if e["verb"] not in ("get", "list", "watch") and (e.get("objectRef") or {}).get("name") in (HAND_PEER, USER_CONFIGMAP)]
    assert touched == []
    STATE["user_before"] = user_before


def test_verify_passes_with_the_least_privilege_credential(fresh_lab):
    host = fresh_lab.inventory()["federation"]["hosts"]["red-mesh"]
    assert Path(host["federation_kubeconfig"]).name == "red-mesh.kubeconfig"
    assert yaml.safe_load(Path(host["federation_kubeconfig"]).read_text())["users"][0]["name"] == AUTOMATION_USER
    run = run_playbook("verify.yml", fresh_lab.state_dir / "inventory.yml", "-e", "verify_timeout=60")
    assert run.returncode == 0, run.failures()


@pytest.mark.skipif(not (REPO / "playbooks" / "unfederate.yml").exists(), reason="playbooks/unfederate.yml does not exist yet")
def test_unfederate_keeps_user_data(fresh_lab):
    run = run_playbook("unfederate.yml", fresh_lab.state_dir / "inventory.yml", "-e", "unfederate_mesh=red-mesh")
    assert run.returncode == 0, run.failures()
    assert _user_objects(fresh_lab) == STATE["user_before"]
    run = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml")
    assert run.returncode == 0, run.failures()


def _allowed(cluster, verb: str, group: str, resource: str) -> bool:
    review = client.V1SubjectAccessReview(spec=client.V1SubjectAccessReviewSpec(
        user=AUTOMATION_USER, resource_attributes=client.V1ResourceAttributes(
            namespace=cluster.namespace, verb=verb, group=group, resource=resource)))
    return client.AuthorizationV1Api(cluster.api).create_subject_access_review(review).status.allowed


def test_removed_permission_fails_the_run_naming_it(fresh_lab):
    red = fresh_lab["red-mesh"]
    rbac = client.RbacAuthorizationV1Api(red.api)
    role = rbac.read_cluster_role("servicemesh-federation")
    original = red.api.sanitize_for_serialization(role)["rules"]
    reduced = []
    for rule in original:
        rule = dict(rule)
        if "services" in rule.get("resources", []):
            rule["verbs"] = [verb for verb in rule["verbs"] if verb != "get"]
        reduced.append(rule)
    assert reduced != original
    assert _allowed(red, "get", "", "services")
    rbac.patch_cluster_role("servicemesh-federation", {"rules": reduced})
    try:
        wait_until(lambda: not _allowed(red, "get", "", "services"), timeout=30, what="the permission to go")
        run = run_playbook("federate.yml", fresh_lab.state_dir / "inventory.yml")
        assert run.returncode != 0
        message = " ".join(run.failures())
        assert "red-mesh" in message
        assert 'lacks the permission to get services (API group "" (core))' in message, message
        assert "Traceback" not in message
    finally:
        rbac.patch_cluster_role("servicemesh-federation", {"rules": original})
        wait_until(lambda: _allowed(red, "get", "", "services"), timeout=30, what="the permission to return")


def test_role_counts_and_never_grants_secrets():
    docs = list(yaml.safe_load_all((REPO / "docs" / "rbac" / "servicemesh-federation.yml").read_text(encoding="utf-8")))
    assert len(docs) == 1 and docs[0]["kind"] == "List"
    roles = {item["metadata"]["name"]: item for item in docs[0]["items"]}
    assert set(roles) == {"servicemesh-federation-cluster", "servicemesh-federation"}
    permissions = set()
    for name, role in roles.items():
        for rule in role["rules"]:
            assert "*" not in rule["verbs"] + rule["resources"] + rule["apiGroups"], rule
            assert "secrets" not in rule["resources"]
            if set(rule["resources"]) & {"nodes", "services"}:
                assert set(rule["verbs"]) <= {"get", "list", "watch"}, rule
            permissions |= {(name, group, resource, verb) for group in rule["apiGroups"] for resource in rule["resources"] for verb in rule["verbs"]}
    cluster_wide = {p for p in permissions if p[0] == "servicemesh-federation-cluster"}
    assert {p[2] for p in cluster_wide} == {"nodes"}
    assert len(permissions) == 36, len(permissions)
