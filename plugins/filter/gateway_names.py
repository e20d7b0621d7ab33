# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: gateway_names
short_description: Names a mesh uses for one federation peer
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Given the name of peer mesh P, return the names that mesh M uses for it in M's control plane namespace.
  - The gateways C(ingress-P) and C(egress-P), their service labels, the egress service account, the
    egress C(requestedNetworkView) network C(network-P), the root certificate ConfigMap C(P-ca-root-cert),
    and the name of the ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet (C(P)).
positional: _input
options:
  _input:
    description: Name of the peer mesh.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Show the names red-mesh uses for green-mesh
  ansible.builtin.debug:
    msg: "{{ 'green-mesh' | servicemesh.federation.gateway_names }}"
  # ingress: ingress-green-mesh, egress: egress-green-mesh, network_view: network-green-mesh,
  # ca_root_configmap: green-mesh-ca-root-cert, ...
"""

RETURN = r"""
_value:
  description: The names.
  type: dict
  contains:
    ingress:
      description: Ingress gateway (and Service) serving the peer.
      type: str
      sample: ingress-green-mesh
    egress:
      description: Egress gateway (and Service) sending to the peer.
      type: str
      sample: egress-green-mesh
    ingress_labels:
      description: Labels of the ingress gateway Service.
      type: dict
      sample: {"federation.maistra.io/ingress-for": "ingress-green-mesh"}
    egress_labels:
      description: Labels of the egress gateway Service.
      type: dict
      sample: {"federation.maistra.io/egress-for": "egress-green-mesh"}
    egress_service_account:
      description: Service account of the egress gateway.
      type: str
      sample: egress-green-mesh-service-account
    network_view:
      description: Network istiod puts the peer's endpoints on; the egress gateway requests it.
      type: str
      sample: network-green-mesh
    ca_root_configmap:
      description: ConfigMap holding the peer's root certificate (key C(root-cert.pem)).
      type: str
      sample: green-mesh-ca-root-cert
    peer_resource:
      description: Name of the ServiceMeshPeer, ExportedServiceSet and ImportedServiceSet for the peer.
      type: str
      sample: green-mesh
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, names


def gateway_names(peer: Any) -> dict[str, Any]:
    try:
        checks.require_str(peer, "the input (the peer mesh name)")
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.gateway_names: {error}") from None
    return {
        "ingress": names.ingress_gateway(peer),
        "egress": names.egress_gateway(peer),
        "ingress_labels": names.ingress_gateway_labels(peer),
        "egress_labels": names.egress_gateway_labels(peer),
        "egress_service_account": names.egress_service_account(peer),
        "network_view": names.network_view(peer),
        "ca_root_configmap": names.ca_root_configmap(peer),
        "peer_resource": names.peer_resource_name(peer),
    }


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"gateway_names": gateway_names}
