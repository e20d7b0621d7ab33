#!/usr/bin/python
# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: federation_apply
short_description: Apply a batch of Kubernetes objects with server-side apply under the federation's field manager
version_added: 0.1.0
author:
  - servicemesh.federation contributors (@servicemesh-federation)
description:
  - Applies a list of desired objects (a mesh's federation resources) in one batch with server-side apply under the
    field manager C(servicemesh.federation). Only the fields present in an object are owned and changed; fields other
    managers set (for example the rest of a ServiceMeshControlPlane) stay as they are.
  - Reports one result per object (C(created), C(updated), C(unchanged) or C(deleted)). An object counts as changed only
    when its content changes; an apply that changes nothing reports C(unchanged).
  - Check mode is a server-side dry run (C(dryRun=All)); the API server validates and authorises every change without
    storing it, so check mode needs the same permissions as a real run.
  - With O(prune), objects labelled C(app.kubernetes.io/managed-by=servicemesh.federation) of the listed kinds that are
    not in O(resources) are deleted.
  - Uses one API client and one discovery for the whole batch, and at most one read per object.
extends_documentation_fragment:
  - kubernetes.core.k8s_auth_options
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Server-side dry run; nothing is stored.
  diff_mode:
    support: full
    details: One before/after per changed object, without status, resourceVersion, generation, managedFields, uid and creationTimestamp.
  platform:
    support: full
    platforms: kubernetes
  action_group:
    support: full
    membership:
      - servicemesh.federation.federation
options:
  resources:
    description:
      - The desired objects, each a complete Kubernetes object with C(apiVersion), C(kind) and C(metadata.name)
        (and C(metadata.namespace) for namespaced kinds).
      - Applied in the order given; deleted in reverse order with O(state=absent).
      - An object may be a fragment of an object that others own (only C(apiVersion), C(kind), C(metadata) and the
        fields to own), for example the federation gateways of a ServiceMeshControlPlane.
    type: list
    elements: dict
    default: []
  state:
    description:
      - V(present) applies O(resources); V(absent) deletes them (objects that do not exist are left alone).
    type: str
    choices: [present, absent]
    default: present
  force_conflicts:
    description:
      - Take over fields that another field manager owns instead of failing with a conflict.
    type: bool
    default: false
  delete_labels:
    description:
      - With O(state=absent), delete an object only when it carries every one of these labels; an object without
        them is left alone (reported as C(unchanged), with a warning). With the label
        C(app.kubernetes.io/managed-by=servicemesh.federation) only what this collection created is deleted.
      - Ignored with O(state=present).
    type: dict
    default: {}
  prune:
    description:
      - Delete the objects this collection created (label C(app.kubernetes.io/managed-by=servicemesh.federation)) of
        the given kinds that are not in O(resources). Only with O(state=present).
    type: dict
    suboptions:
      kinds:
        description: Kinds to prune.
        type: list
        elements: dict
        required: true
        suboptions:
          api_version:
            description: API version of the kind, for example C(federation.maistra.io/v1).
            type: str
            required: true
          kind:
            description: The kind, for example C(ServiceMeshPeer).
            type: str
            required: true
      namespaces:
        description:
          - Namespaces to prune in. Default the namespaces of O(resources); all namespaces when they name none.
        type: list
        elements: str
        default: []
      labels:
        description:
          - Further labels that an object must carry to be pruned, narrowing the selector.
        type: dict
        default: {}
requirements:
  - kubernetes >= 24.2.0
  - PyYAML >= 3.11
notes:
  - The collection labels what it creates; this module does not add labels itself, so that a fragment of an object
    owned by somebody else (a ServiceMeshControlPlane) never becomes a candidate for pruning.
seealso:
  - module: kubernetes.core.k8s
  - module: servicemesh.federation.mesh_info
"""

EXAMPLES = r"""
- name: Apply the peering objects of red-mesh in one batch
  servicemesh.federation.federation_apply:
    kubeconfig: "{{ federation_kubeconfig }}"
    resources:
      - apiVersion: v1
        kind: ConfigMap
        metadata:
          name: green-mesh-ca-root-cert
          namespace: red-mesh-system
          labels:
            app.kubernetes.io/managed-by: servicemesh.federation
        data:
          root-cert.pem: "{{ green_root_cert }}"
    prune:
      kinds:
        - {api_version: v1, kind: ConfigMap}
        - {api_version: federation.maistra.io/v1, kind: ServiceMeshPeer}
  register: applied

- name: Remove the peering objects again
  servicemesh.federation.federation_apply:
    kubeconfig: "{{ federation_kubeconfig }}"
    context: red
    state: absent
    resources: "{{ peering_objects }}"

- name: Delete the peer of blue-mesh, but only if this collection created it
  servicemesh.federation.federation_apply:
    kubeconfig: "{{ federation_kubeconfig }}"
    state: absent
    delete_labels:
      app.kubernetes.io/managed-by: servicemesh.federation
    resources:
      - {apiVersion: federation.maistra.io/v1, kind: ServiceMeshPeer, metadata: {name: blue-mesh, namespace: red-mesh-system}}
"""

RETURN = r"""
results:
  description: One entry per object applied, deleted or pruned, in the order of the work.
  returned: always
  type: list
  elements: dict
  contains:
    api_version:
      description: API version of the object.
      type: str
      sample: federation.maistra.io/v1
    kind:
      description: Kind of the object.
      type: str
      sample: ServiceMeshPeer
    name:
      description: Name of the object.
      type: str
      sample: green-mesh
    namespace:
      description: Namespace of the object (null for cluster-scoped objects).
      type: str
      sample: red-mesh-system
    action:
      description: What happened (in check mode, what would happen).
      type: str
      choices: [created, updated, unchanged, deleted]
      sample: created
diff:
  description: Before and after of each changed object, without noise fields. Only in diff mode.
  returned: when diff mode is on
  type: list
  elements: dict
  sample:
    - before: {}
      after: {apiVersion: v1, kind: ConfigMap, metadata: {name: green-mesh-ca-root-cert, namespace: red-mesh-system}}
      before_header: ConfigMap green-mesh-ca-root-cert in namespace red-mesh-system (v1)
      after_header: ConfigMap green-mesh-ca-root-cert in namespace red-mesh-system (v1)
"""

from ansible_collections.servicemesh.federation.plugins.module_utils._federation.kube import (
    Kube,
    KubeError,
    auth_argument_spec,
    check_definitions,
    make_module,
    run_apply,
)


def argspec() -> dict:
    spec = auth_argument_spec()
    spec.update(
        resources=dict(type="list", elements="dict", default=[]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force_conflicts=dict(type="bool", default=False),
        delete_labels=dict(type="dict", default={}),
        prune=dict(
            type="dict",
            options=dict(
                kinds=dict(
                    type="list",
                    elements="dict",
                    required=True,
                    options=dict(api_version=dict(type="str", required=True), kind=dict(type="str", required=True)),
                ),
                namespaces=dict(type="list", elements="str", default=[]),
                labels=dict(type="dict", default={}),
            ),
        ),
    )
    return spec


def main() -> None:
    module = make_module(argument_spec=argspec(), supports_check_mode=True)
    params = module.params
    try:
        check_definitions(params["resources"])
    except KubeError as exc:
        module.fail_json(msg=str(exc))
    kube = Kube.from_module(module)
    try:
        outcome = run_apply(
            kube,
            params["resources"],
            state=params["state"],
            prune=params["prune"],
            force_conflicts=params["force_conflicts"],
            delete_labels=params["delete_labels"],
        )
    except KubeError as exc:
        module.fail_json(msg=str(exc), results=exc.results, changed=any(r.get("action") != "unchanged" for r in exc.results))
    for warning in outcome["warnings"]:
        module.warn(warning)
    result = {"changed": outcome["changed"], "results": outcome["results"]}
    if module._diff:  # pylint: disable=protected-access
        result["diff"] = outcome["diffs"]
    module.exit_json(**result)


if __name__ == "__main__":
    main()
