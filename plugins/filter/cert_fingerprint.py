# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: cert_fingerprint
short_description: SHA-256 fingerprint of a PEM certificate bundle
version_added: 0.1.0
author: servicemesh.federation contributors
description:
  - Return the SHA-256 (lower-case hex) over the DER of every certificate of a PEM bundle, in order.
    For one certificate this is its usual fingerprint. Whitespace and text around the PEM blocks do not
    change it.
  - This is the value of the annotation C(federation.servicemesh.io/root-cert-sha256) on a ServiceMeshPeer.
positional: _input
options:
  _input:
    description: PEM text holding one or more certificates.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Fingerprint of a peer's root certificate
  ansible.builtin.debug:
    msg: "{{ peer_configmap.data['root-cert.pem'] | servicemesh.federation.cert_fingerprint }}"
"""

RETURN = r"""
_value:
  description: Lower-case hex SHA-256.
  type: str
  sample: 3f1c0e...
"""

from typing import Any

from ansible.errors import AnsibleFilterError

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import certs, checks


def cert_fingerprint(pem: Any) -> str:
    try:
        checks.require_str(pem, "the input (PEM text)")
        return certs.bundle_fingerprint(pem)
    except (TypeError, ValueError) as error:
        raise AnsibleFilterError(f"servicemesh.federation.cert_fingerprint: {error}") from None


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"cert_fingerprint": cert_fingerprint}
