# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Failover rules: from and to are two different regions, with exact messages."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.servicemesh.federation.plugins.module_utils._federation.validate import validate_federation
from ansible_collections.servicemesh.federation.tests.unit.helpers import reference_hostvars

RULE = {"name": "default-failover", "namespace": "bookinfo", "host": "ratings.bookinfo.svc.cluster.local", "from": "us-east", "to": "us-west"}


def problems(**rule: Any) -> list[tuple[Any, ...]]:
    hostvars = reference_hostvars(red_mesh={"federation_failover": [dict(RULE, **rule)]})
    return [(p.mesh, p.variable, p.message, p.severity) for p in validate_federation(hostvars)]


def test_two_regions_are_valid() -> None:
    assert problems() == []


@pytest.mark.parametrize(("rule", "expected"), [
    ({"to": "us-east"}, ["federation_failover[0]: from and to are both 'us-east'; failover must go to a different region"]),
    ({"from": "us-east/us-east-1a"},
     ["federation_failover[0].from 'us-east/us-east-1a' must be a region (no '/'): failover goes from one region to another"]),
    ({"to": "us-west/a"}, ["federation_failover[0].to 'us-west/a' must be a region (no '/'): failover goes from one region to another"]),
    ({"from": "", "to": ""}, [
        "federation_failover[0].from '' must be a region (no '/'): failover goes from one region to another",
        "federation_failover[0].to '' must be a region (no '/'): failover goes from one region to another",
    ]),
], ids=["same-region", "from-zone", "to-zone", "empty"])
def test_failover_regions(rule: dict[str, Any], expected: list[str]) -> None:
    assert problems(**rule) == [("red-mesh", "federation_failover", message, "error") for message in expected]
