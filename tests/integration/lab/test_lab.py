# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lab itself: real API servers, the CRDs, what the operator leaves behind, gateways by platform."""

from __future__ import annotations

import json
import re
import socket
import ssl
import tempfile
import time
from pathlib import Path

import pytest
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from labkit import holds_for, run_labctl, wait_until

CRDS = ["servicemeshcontrolplanes.maistra.io", "servicemeshmemberrolls.maistra.io",
        "servicemeshpeers.federation.maistra.io", "exportedservicesets.federation.maistra.io",
        "importedservicesets.federation.maistra.io", "destinationrules.networking.istio.io"]
NLB = {"service.beta.kubernetes.io/aws-load-balancer-type": "nlb"}


def test_real_api_servers_with_crds_established(lab):
    for cluster in lab.clusters.values():
        version = client.VersionApi(cluster.api).get_code()
        assert version.git_version == lab.info["kubernetes_version"]
        for name in CRDS:
            crd = cluster.ext.read_custom_resource_definition(name)
            conditions = {c.type: c.status for c in crd.status.conditions}
            assert conditions["Established"] == "True", name
        smcp_crd = cluster.ext.read_custom_resource_definition("servicemeshcontrolplanes.maistra.io")
        assert smcp_crd.spec.versions[0].subresources.status is not None
        dr = cluster.ext.read_custom_resource_definition("destinationrules.networking.istio.io")
        assert {v.name for v in dr.spec.versions if v.served} >= {"v1alpha3", "v1beta1"}


def test_server_side_apply_merges_gateways_per_key(lab):
    """additionalIngress is a map in the schema: each field manager owns its own keys."""
    green = lab["green-mesh"]

    def apply(manager, keys):
        body = {"apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
                "metadata": {"name": green.name, "namespace": green.namespace},
                "spec": {"gateways": {"additionalIngress": {k: {"enabled": True} for k in keys}}}}
        return green.custom.patch_namespaced_custom_object(
            "maistra.io", "v2", green.namespace, "servicemeshcontrolplanes", green.name, body,
            field_manager=manager, force=True, _content_type="application/apply-patch+yaml")

    try:
        apply("team-a", ["lab-ssa-a"])
        gateways = apply("team-b", ["lab-ssa-b"])["spec"]["gateways"]["additionalIngress"]
        assert {"lab-ssa-a", "lab-ssa-b", "public-ingress"} <= set(gateways)
        gateways = apply("team-b", [])["spec"]["gateways"]["additionalIngress"]
        assert "lab-ssa-b" not in gateways and {"lab-ssa-a", "public-ingress"} <= set(gateways)
    finally:
        green.patch_smcp({"spec": {"gateways": {"additionalIngress": {"lab-ssa-a": None, "lab-ssa-b": None}}}})


def test_operator_state_before_federation(lab):
    for name, cluster in lab.clusters.items():
        def reconciled(cluster=cluster):
            smcp = cluster.smcp()
            return smcp if smcp.get("status", {}).get("observedGeneration") == smcp["metadata"]["generation"] else None

        smcp = wait_until(reconciled, 10, what="SMCP reconciled")
        assert smcp["spec"]["version"] == "v2.6"
        assert not smcp["spec"]["gateways"].get("additionalEgress")  # no federation gateways yet
        conditions = {c["type"]: c for c in smcp["status"]["conditions"]}
        assert conditions["Ready"]["status"] == "True"
        assert smcp["status"]["chartVersion"].startswith("2.6.")
        roll = cluster.get("maistra.io", "v1", "servicemeshmemberrolls", "default")
        assert roll["status"]["configuredMembers"] == [f"{name}-bookinfo"]
        services = {s.metadata.name: s for s in cluster.core.list_namespaced_service(f"{name}-bookinfo").items}
        assert {"ratings", "reviews", "details"} <= set(services)
        assert services["ratings"].metadata.labels["export-service"] == "true"
        assert "export-service" not in services["details"].metadata.labels
        # a real root CA, in the control plane and member namespaces
        pem = cluster.root_cert()
        assert cluster.core.read_namespaced_config_map("istio-ca-root-cert", f"{name}-bookinfo").data["root-cert.pem"] == pem
        from cryptography import x509

        root = x509.load_pem_x509_certificate(pem.encode())
        assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
        # nodes with internal and external addresses, distinct per cluster, and topology labels
        for node in cluster.core.list_node().items:
            types = {a.type for a in node.status.addresses}
            assert {"InternalIP", "ExternalIP"} <= types
            assert node.metadata.labels["topology.kubernetes.io/region"]
            assert node.metadata.labels["topology.kubernetes.io/zone"]
    externals = [a for c in lab.clusters.values() for a in c.node_addresses()]
    assert len(externals) == len(set(externals)) == 2 * len(lab.clusters)


def test_inventory_and_least_privilege_credential(lab):
    inventory = lab.inventory()
    hosts = inventory["federation"]["hosts"]
    assert set(hosts) == set(lab.clusters)
    assert hosts["red-mesh"]["federation_platform"] == "aws"
    assert hosts["green-mesh"]["federation_platform"] == "baremetal"
    for name, host in hosts.items():
        assert host["ansible_connection"] == "local"
        assert host["federation_namespace"] == f"{name}-system"
        api = config.new_client_from_config(host["federation_kubeconfig"])
        custom = client.CustomObjectsApi(api)
        assert custom.get_namespaced_custom_object("maistra.io", "v2", f"{name}-system",
                                                   "servicemeshcontrolplanes", name)["metadata"]["name"] == name
        core = client.CoreV1Api(api)
        with pytest.raises(ApiException) as denied:
            core.list_namespaced_secret(f"{name}-system")
        assert denied.value.status == 403
        with pytest.raises(ApiException) as denied:
            core.list_namespaced_config_map("default")
        assert denied.value.status == 403


def test_audit_log_counts_requests_by_user_and_verb(lab):
    red = lab["red-mesh"]
    host = lab.inventory()["federation"]["hosts"]["red-mesh"]
    core = client.CoreV1Api(config.new_client_from_config(host["federation_kubeconfig"]))
    marker = f"audit-probe-{int(time.time() * 1000)}"
    with pytest.raises(ApiException):
        core.read_namespaced_secret(marker, red.namespace)
    audit = lab.state_dir / "clusters" / "red-mesh" / "audit.log"

    def events():
        found = []
        for line in audit.read_text().splitlines():
            if marker in line:
                found.append(json.loads(line))
        return found

    found = wait_until(events, 10, what="audit event")
    assert found[0]["user"]["username"] == "federation-automation"
    assert found[0]["verb"] == "get" and found[0]["objectRef"]["resource"] == "secrets"
    assert found[0]["responseStatus"]["code"] == 403
    # metrics of the API server, readable by the admin
    response = red.api.call_api(*red.api.param_serialize("GET", "/metrics", auth_settings=["BearerToken"]))
    response.read()
    metrics = response.data.decode()
    assert "apiserver_request_total" in metrics


def gateway(name: str, type_: str, annotations: dict | None = None, node_ports: tuple | None = None,
            federation: bool = False) -> dict:
    labels = {"federation.maistra.io/ingress-for": name} if federation else {"app.example.com/purpose": "lab-test"}
    ports = [{"name": "tls", "port": 15443}, {"name": "https-discovery", "port": 8188}]
    if node_ports:
        for port, node_port in zip(ports, node_ports):
            port["nodePort"] = node_port
    service = {"type": type_, "metadata": {"labels": labels}, "ports": ports}
    if annotations:
        service["metadata"]["annotations"] = annotations
    return {"enabled": True, "service": service}


@pytest.fixture
def gateways(lab):
    """Add ingress gateways to a mesh's SMCP; removed again at the end."""
    added: list[tuple] = []

    def add(mesh: str, name: str, spec: dict):
        lab[mesh].patch_smcp({"spec": {"gateways": {"additionalIngress": {name: spec}}}})
        added.append((mesh, name))
        return wait_until(lambda: lab[mesh].service(name), 15, what=f"service {name}")

    yield add
    for mesh, name in added:
        lab[mesh].patch_smcp({"spec": {"gateways": {"additionalIngress": {name: None}}}})
    for mesh, name in added:
        wait_until(lambda mesh=mesh, name=name: lab[mesh].service(name) is None, 15, what=f"{name} deleted")


def lb_ingress(cluster, name):
    svc = cluster.service(name)
    if svc is None or svc.status.load_balancer is None:
        return []
    return svc.status.load_balancer.ingress or []


def test_gateway_service_follows_the_smcp(lab, gateways):
    blue = lab["blue-mesh"]
    svc = gateways("blue-mesh", "lab-gw", gateway("lab-gw", "NodePort", annotations={"example.com/a": "1"}, node_ports=(32201, 32202)))
    assert svc.metadata.labels["app.example.com/purpose"] == "lab-test"
    assert svc.metadata.labels["istio"] == "lab-gw"
    assert svc.metadata.annotations["example.com/a"] == "1"
    assert sorted((p.name, p.port, p.node_port) for p in svc.spec.ports) == [
        ("https-discovery", 8188, 32202), ("tls", 15443, 32201)]
    assert blue.core.read_namespaced_service_account("lab-gw-service-account", blue.namespace)
    # a changed entry changes the service
    cluster_ip = {"type": "ClusterIP", "ports": [{"name": "tls", "port": 15443}, {"name": "https-discovery", "port": 8188}]}
    blue.patch_smcp({"spec": {"gateways": {"additionalIngress": {"lab-gw": {"service": cluster_ip}}}}})
    wait_until(lambda: blue.service("lab-gw").spec.type == "ClusterIP", 15, what="type change")
    # a removed entry removes the service and its account
    blue.patch_smcp({"spec": {"gateways": {"additionalIngress": {"lab-gw": None}}}})
    wait_until(lambda: blue.service("lab-gw") is None, 15, what="service removed")
    wait_until(lambda: not [a for a in blue.core.list_namespaced_service_account(blue.namespace).items
                            if a.metadata.name == "lab-gw-service-account"], 15, what="account removed")


def test_aws_gives_a_host_name_only_with_the_nlb_annotation(lab, gateways):
    red = lab["red-mesh"]
    gateways("red-mesh", "lab-nlb", gateway("lab-nlb", "LoadBalancer", annotations=NLB))
    gateways("red-mesh", "lab-classic", gateway("lab-classic", "LoadBalancer"))
    ingress = wait_until(lambda: lb_ingress(red, "lab-nlb"), 15, what="NLB host name")
    assert re.fullmatch(r"[a-z0-9-]+\.elb\.us-east-1\.amazonaws\.com", ingress[0].hostname)
    assert ingress[0].ip is None
    holds_for(lambda: lb_ingress(red, "lab-classic") == [], 3)
    red.patch_smcp({"spec": {"gateways": {"additionalIngress": {"lab-classic": gateway(
        "lab-classic", "LoadBalancer", annotations=NLB)}}}})
    wait_until(lambda: lb_ingress(red, "lab-classic"), 15, what="host name after adding the annotation")


def test_gcp_gives_an_ip(lab, gateways):
    blue = lab["blue-mesh"]
    gateways("blue-mesh", "lab-lb", gateway("lab-lb", "LoadBalancer"))
    ingress = wait_until(lambda: lb_ingress(blue, "lab-lb"), 15, what="load balancer IP")
    assert ingress[0].ip.startswith("127.") and not ingress[0].hostname


def test_baremetal_has_no_load_balancer_but_node_ports_work(lab, gateways):
    green = lab["green-mesh"]
    gateways("green-mesh", "lab-pending", gateway("lab-pending", "LoadBalancer"))
    svc = gateways("green-mesh", "lab-nodeport", gateway("lab-nodeport", "NodePort", node_ports=(32210, 32211),
                                                         federation=True))
    assert {p.node_port for p in svc.spec.ports} == {32210, 32211}
    holds_for(lambda: lb_ingress(green, "lab-pending") == [], 3)
    for address in green.node_addresses("ExternalIP") + green.node_addresses("InternalIP"):
        def reachable(address=address):
            try:
                with socket.create_connection((address, 32211), timeout=1):
                    return True
            except OSError:
                return False
        wait_until(reachable, 10, what=f"discovery listener on {address}:32211")


def test_set_delay_holds_back_load_balancers(lab, gateways):
    blue = lab["blue-mesh"]
    lab.labctl("set-delay", "blue-mesh", "4")
    try:
        started = time.monotonic()
        gateways("blue-mesh", "lab-slow", gateway("lab-slow", "LoadBalancer"))
        holds_for(lambda: lb_ingress(blue, "lab-slow") == [], 2.5)
        wait_until(lambda: lb_ingress(blue, "lab-slow"), 15, what="address after the delay")
        assert time.monotonic() - started >= 4
    finally:
        lab.labctl("set-delay", "blue-mesh", "0")


def test_up_and_down_of_a_second_lab_leaves_nothing(lab):
    """Other platforms, and `down` stops every process it started."""
    state_dir = Path(tempfile.mkdtemp(prefix="smf-lab2-")) / "lab"
    try:
        run_labctl(state_dir, "up", "--mesh", "azure-mesh:azure", "--mesh", "metal-mesh:baremetal-lb",
                   "--smcp-version", "v2.5")
        info = json.loads((state_dir / "lab.json").read_text())
        pids = [info["etcd"]["pid"], info["emulator"]["pid"]] + [m["api_pid"] for m in info["meshes"].values()]
        assert all(Path(f"/proc/{p}").exists() for p in pids)
        status = run_labctl(state_dir, "status", "--json")
        assert all(p["running"] for p in json.loads(status.stdout)["processes"])
        api = config.new_client_from_config(str(state_dir / "admin-metal-mesh.kubeconfig"))
        smcp = client.CustomObjectsApi(api).get_namespaced_custom_object(
            "maistra.io", "v2", "metal-mesh-system", "servicemeshcontrolplanes", "metal-mesh")
        assert smcp["spec"]["version"] == "v2.5" and smcp["status"]["chartVersion"].startswith("2.5.")
        hosts = yaml_hosts(state_dir)
        assert hosts["metal-mesh"]["federation_ingress_service_type"] == "LoadBalancer"
        custom = client.CustomObjectsApi(api)
        custom.patch_namespaced_custom_object(
            "maistra.io", "v2", "metal-mesh-system", "servicemeshcontrolplanes", "metal-mesh",
            {"spec": {"gateways": {"additionalIngress": {"lab-lb": gateway("lab-lb", "LoadBalancer")}}}},
            _content_type="application/merge-patch+json")
        core = client.CoreV1Api(api)

        def ip():
            svc = core.read_namespaced_service("lab-lb", "metal-mesh-system")
            return (svc.status.load_balancer.ingress or [None])[0] if svc.status.load_balancer else None

        assert wait_until(ip, 15, what="bare metal load balancer IP").ip.startswith("127.")
    finally:
        run_labctl(state_dir, "down", check=False)
    assert not state_dir.exists()
    state_dir.parent.rmdir()
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        assert not stat.exists() or stat.read_text().split(") ", 1)[1].startswith("Z"), f"process {pid} left"


def yaml_hosts(state_dir: Path) -> dict:
    import yaml

    return yaml.safe_load((state_dir / "inventory.yml").read_text())["federation"]["hosts"]


def test_tls_listener_presents_the_mesh_root(lab, pair_factory):
    """A discovery listener is real TLS: its certificate chains to the mesh's published root."""
    pair = pair_factory("blue-mesh", "green-mesh")
    pair.setup()
    blue, green = lab["blue-mesh"], lab["green-mesh"]
    wait_until(lambda: pair.connected(green, blue), 30, what="green -> blue connected")
    address = lb_ingress(blue, "ingress-green-mesh")[0].ip
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(cadata=blue.root_cert())
    with socket.create_connection((address, 8188), timeout=3) as raw:
        with ctx.wrap_socket(raw) as tls:
            sans = dict((k, v) for k, v in tls.getpeercert()["subjectAltName"])
    assert sans["URI"] == "spiffe://blue-mesh.local/ns/blue-mesh-system/sa/ingress-green-mesh-service-account"
