#!/usr/bin/python
# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: federation_check
short_description: Check one mesh's federation with each of its peers, read-only
version_added: 0.2.0
author:
  - servicemesh.federation contributors (@servicemesh-federation)
description:
  - A federation check in the spirit of C(linkerd multicluster check). Reads this mesh from its own cluster and each peer in
    O(peers) from the peer's own cluster, once, and returns one result per check, mesh and peer, each C(pass), C(warn) or
    C(fail) with a reason. The module itself never fails on a failing check; the play decides (see the
    C(servicemesh.federation.verify) role with C(verify_mode=check)).
  - 'Checks of the mesh: C(api) (the API server answers), C(crds) (Maistra CRDs served), C(smcp_version) (2.1 to 2.6, Ready).'
  - 'Checks per peer: C(ingress_gateway) and C(egress_gateway) (SMCP entries, Services C(ingress-<peer>)/C(egress-<peer>) looked up
    by name, labels, ports, address assigned), C(address) (the ServiceMeshPeer dials the peer''s current C(ingress-<mesh>) address),
    C(root_cert) (C(<peer>-ca-root-cert) equals the peer''s live root by SHA-256), C(cert_expiry), C(trust_domain) (unique, and named
    by the ServiceMeshPeer), C(peer_egress_service_account), C(connection) (both ways), C(sync) (C(lastFullSync) recent),
    C(exports) and C(imports) (as configured). docs/verify.md explains each.'
  - Reads only (GET and LIST); never reads Secrets. A cluster that cannot be read fails the checks that need it, the others still run.
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - ansible.builtin.action_common_attributes
  - servicemesh.federation.attributes.read_only
attributes:
  platform:
    support: full
    platforms: kubernetes
options:
  mesh:
    description: Name of this mesh.
    type: str
    required: true
  namespace:
    description: This mesh's control plane namespace. Default C(<mesh>-system).
    type: str
  smcp_name:
    description: Name of this mesh's ServiceMeshControlPlane. Default O(mesh).
    type: str
  peers:
    description:
      - The peers to check, with the connection options of each peer's cluster (the output of the filter
        C(servicemesh.federation.mesh_connection) for the peer). Unset connection options fall back to C(K8S_AUTH_*).
      - The filter C(servicemesh.federation.check_plan) builds this list from the inventory.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The peer mesh (name of its ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet here).
        type: str
        required: true
      namespace:
        description: The peer's control plane namespace. Default C(<name>-system).
        type: str
      smcp_name:
        description: The peer's ServiceMeshControlPlane. Default O(peers[].name).
        type: str
      exports:
        description: Exported names that must be listed in the ExportedServiceSet (C(<name>.<namespace>.svc.<peer>-exports.local)).
        type: list
        elements: str
        default: []
      imports:
        description: Local host names that must be imported from the peer.
        type: list
        elements: str
        default: []
      export_rules:
        description: Number of export rules configured for the peer (a peer with rules that shares nothing warns).
        type: int
        default: 0
      import_rules:
        description: Number of import rules configured for the peer.
        type: int
        default: 0
      kubeconfig:
        description: Kubeconfig of the peer's cluster (a path or a dict).
        type: raw
      context:
        description: Context in the peer's kubeconfig.
        type: str
      host:
        description: URL of the peer's API server.
        type: str
      api_key:
        description: Bearer token for the peer's API server.
        type: str
      ca_cert:
        description: CA certificate file of the peer's API server.
        type: path
      validate_certs:
        description: Verify the peer's API server certificate.
        type: bool
  cert_expiry_warn_days:
    description: Warn when a peer's root certificate in C(<peer>-ca-root-cert) expires within this many days.
    type: int
    default: 60
  sync_max_age:
    description: Warn when the last full sync with a peer (C(lastFullSync)) is older than this many seconds; V(0) accepts any age.
    type: int
    default: 900
requirements:
  - kubernetes >= 24.2.0
  - PyYAML >= 3.11
  - cryptography (for C(cert_expiry); without it that check warns)
seealso:
  - module: servicemesh.federation.federation_status
  - module: servicemesh.federation.mesh_info
"""

EXAMPLES = r"""
- name: Check red-mesh and its links to green-mesh and blue-mesh
  servicemesh.federation.federation_check:
    kubeconfig: ~/.kube/red.yaml
    mesh: red-mesh
    peers:
      - name: green-mesh
        kubeconfig: ~/.kube/green.yaml
        exports: [red-ratings.bookinfo.svc.green-mesh-exports.local]
      - name: blue-mesh
        kubeconfig: ~/.kube/blue.yaml
    cert_expiry_warn_days: 30
  register: red_check

- name: Fail on any failing check
  ansible.builtin.assert:
    that: red_check.summary.fail == 0
    fail_msg: "{{ red_check.summary.failed }}"
"""

RETURN = r"""
mesh:
  description: The mesh checked.
  returned: always
  type: str
checks:
  description: One result per check, in a fixed order (the mesh's checks, then each peer's).
  returned: always
  type: list
  elements: dict
  contains:
    mesh:
      description: The mesh.
      type: str
    peer:
      description: The peer, or null for a check of the mesh itself.
      type: str
    check:
      description: "Name of the check: api, crds, smcp_version, ingress_gateway, egress_gateway, address, root_cert, cert_expiry,
        trust_domain, peer_egress_service_account, connection, sync, exports, imports."
      type: str
    result:
      description: C(pass), C(warn) or C(fail).
      type: str
    reason:
      description: What was found, and for C(warn) and C(fail) what to do.
      type: str
  sample: [{"mesh": "red-mesh", "peer": "green-mesh", "check": "root_cert", "result": "pass", "reason": "ConfigMap green-mesh-ca-root-cert holds ..."}]
summary:
  description: "Counts by result, and the failing and warning checks as C(mesh/peer check: reason) lines."
  returned: always
  type: dict
  contains:
    pass:
      description: Number of passing checks.
      type: int
    warn:
      description: Number of warnings.
      type: int
    fail:
      description: Number of failing checks.
      type: int
    failed:
      description: The failing checks.
      type: list
      elements: str
    warnings:
      description: The warnings.
      type: list
      elements: str
links:
  description: Per peer, the connection both ways and the services shared (for reports).
  returned: always
  type: list
  elements: dict
  contains:
    peer:
      description: The peer.
      type: str
    exists:
      description: Whether the ServiceMeshPeer exists.
      type: bool
    outbound_connected:
      description: This mesh's istiod watches the peer.
      type: bool
    inbound_connected:
      description: The peer's istiod watches this mesh.
      type: bool
    exported:
      description: Names this mesh exports to the peer.
      type: list
      elements: str
    imported:
      description: Local names this mesh imports from the peer.
      type: list
      elements: str
trust_domain:
  description: This mesh's trust domain (null when unread).
  returned: always
  type: str
smcp_version:
  description: This mesh's SMCP C(spec.version) (null when unread).
  returned: always
  type: str
"""

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks_live
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.check_read import connect, read_federation
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.kube import KubeError, auth_argument_spec, make_module
from ansible_collections.servicemesh.federation.plugins.module_utils._federation.names import default_namespace, default_smcp_name


def argspec() -> dict:
    spec = auth_argument_spec()
    spec.update(
        mesh=dict(type="str", required=True),
        namespace=dict(type="str"),
        smcp_name=dict(type="str"),
        peers=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                name=dict(type="str", required=True),
                namespace=dict(type="str"),
                smcp_name=dict(type="str"),
                exports=dict(type="list", elements="str", default=[]),
                imports=dict(type="list", elements="str", default=[]),
                export_rules=dict(type="int", default=0),
                import_rules=dict(type="int", default=0),
                kubeconfig=dict(type="raw", no_log=True),
                context=dict(type="str"),
                host=dict(type="str"),
                api_key=dict(type="str", no_log=True),
                ca_cert=dict(type="path"),
                validate_certs=dict(type="bool"),
            ),
        ),
        cert_expiry_warn_days=dict(type="int", default=60),
        sync_max_age=dict(type="int", default=900),
    )
    return spec


def main() -> None:
    module = make_module(argument_spec=argspec(), supports_check_mode=True)
    params = module.params
    if params["cert_expiry_warn_days"] < 0 or params["sync_max_age"] < 0:
        module.fail_json(msg="cert_expiry_warn_days and sync_max_age must be 0 or more")
    mesh = params["mesh"]
    namespace = params["namespace"] or default_namespace(mesh)
    smcp_name = params["smcp_name"] or default_smcp_name(mesh)
    kube, error = None, None
    try:
        kube = connect({}, module=module)
    except KubeError as exc:
        error = str(exc)
    reading = read_federation(kube, mesh, namespace, smcp_name, params["peers"], error=error)
    checks = checks_live.run_checks(reading, warn_days=params["cert_expiry_warn_days"], sync_max_age=params["sync_max_age"])
    smcp = (reading.get("info") or {}).get("smcp") or {}
    module.exit_json(
        changed=False,
        mesh=mesh,
        checks=checks,
        summary=checks_live.summary(checks),
        links=checks_live.links(mesh, (reading.get("peer_states") or {}).values()),
        trust_domain=smcp.get("trust_domain"),
        smcp_version=smcp.get("version"),
    )


if __name__ == "__main__":
    main()
