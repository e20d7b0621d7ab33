# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: federation_report
short_description: A federation status report (Graphviz DOT topology and Markdown page) from check results
version_added: 0.2.0
author: servicemesh.federation contributors
description:
  - Build, from the results of M(servicemesh.federation.federation_check) (one per mesh), a Graphviz DOT graph with the
    meshes as nodes and one edge per peer pair coloured by its state (green connected both ways, orange one way, red down,
    grey not checked), annotated with the services each mesh exports to and imports from the other, and a Markdown page
    with the meshes, links, services and every check that warns or fails.
  - The role C(servicemesh.federation.report) writes both and renders the DOT to SVG and PNG with Graphviz C(dot).
positional: _input
options:
  _input:
    description: The registered results of M(servicemesh.federation.federation_check), one per mesh.
    type: list
    elements: dict
    required: true
  picture:
    description: File name of the picture the Markdown page shows.
    type: str
    default: federation.svg
  generated:
    description: When the data was read, shown on the page.
    type: str
  title:
    description: Title of the page and the picture.
    type: str
    default: Service mesh federation
"""

EXAMPLES = r"""
- name: Build the report from the check of every mesh
  ansible.builtin.set_fact:
    report: "{{ groups['federation'] | map('extract', hostvars, 'verify_check') | list | servicemesh.federation.federation_report }}"
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    dot:
      description: The topology in the Graphviz DOT language.
      type: str
    markdown:
      description: The Markdown page.
      type: str
    links:
      description: Every peer pair once, with C(id), C(meshes), C(state) (connected, one-way, down, unknown), C(up) and C(shared).
      type: list
      elements: dict
"""

from typing import Any

from ansible_collections.servicemesh.federation.plugins.module_utils._federation import checks, report
from ansible_collections.servicemesh.federation.plugins.plugin_utils._filter_errors import filter_errors


@filter_errors("servicemesh.federation.federation_report")
def federation_report(results: Any, picture: Any = "federation.svg", generated: Any = None, title: Any = "Service mesh federation") -> dict[str, Any]:
    if isinstance(results, (str, bytes)) or not isinstance(results, (list, tuple)):
        raise TypeError(f"the input must be a list of federation_check results, got {type(results).__name__}")
    items = list(results)
    checks.require_str(picture, "picture")
    checks.require_str(title, "title")
    generated_text = checks.require_optional_str(generated, "generated")
    return {
        "dot": report.to_dot(items, title=title),
        "markdown": report.to_markdown(items, picture=picture, generated=generated_text, title=title),
        "links": report.links(report.results_by_mesh(items)),
    }


class FilterModule:
    def filters(self) -> dict[str, Any]:
        return {"federation_report": federation_report}
