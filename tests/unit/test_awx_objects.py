# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AWX objects of playbooks/vars/awx_objects.yml: survey specs in the controller's format, templates
naming the collection's playbooks and variables the roles read, a credential type whose injectors give
the collection what it reads, and a workflow whose nodes exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.servicemesh.federation.plugins.filter.mesh_connection import CONNECTION_VARIABLES

REPO = Path(__file__).resolve().parents[2]
OBJECTS = REPO / "playbooks" / "vars" / "awx_objects.yml"
SURVEY_TYPES = {"text", "textarea", "password", "integer", "float", "multiplechoice", "multiselect"}
PLAYBOOKS = {"federate", "verify", "report", "failover", "unfederate"}
CHANGING = {"federate", "failover", "unfederate"}
VARIABLE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def _objects() -> dict[str, Any]:
    return yaml.load(OBJECTS.read_text(), Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def _surveys() -> list[tuple[str, dict]]:
    objects = _objects()
    found = [(template["name"], template["survey_spec"]) for template in objects["federation_awx_job_templates"]]
    found.append((objects["federation_awx_workflow"]["name"], objects["federation_awx_workflow"]["survey_spec"]))
    return found


def survey_problems(spec: Any) -> list[str]:
    """Every way a survey spec breaks the controller's survey format (empty when it is valid)."""
    if not isinstance(spec, dict):
        return ["the spec is not a mapping"]
    problems = [f"spec lacks {key}" for key in ("name", "description", "spec") if key not in spec]
    questions = spec.get("spec")
    if not isinstance(questions, list) or not questions:
        return problems + ["spec.spec is not a non-empty list"]
    seen: set[str] = set()
    for index, question in enumerate(questions):
        where = f"question {index} ({question.get('variable') if isinstance(question, dict) else question!r})"
        if not isinstance(question, dict):
            problems.append(f"{where}: not a mapping")
            continue
        for key in ("question_name", "variable", "type", "required", "default"):
            if key not in question:
                problems.append(f"{where}: lacks {key}")
        kind, default = question.get("type"), question.get("default")
        if not isinstance(question.get("question_name"), str) or not question.get("question_name"):
            problems.append(f"{where}: question_name must be a non-empty string")
        variable = question.get("variable")
        if not isinstance(variable, str) or not VARIABLE.match(variable):
            problems.append(f"{where}: variable {variable!r} is not a valid variable name")
        elif variable in seen:
            problems.append(f"{where}: variable {variable} asked twice")
        else:
            seen.add(variable)
        if kind not in SURVEY_TYPES:
            problems.append(f"{where}: type {kind!r} not one of {sorted(SURVEY_TYPES)}")
        if not isinstance(question.get("required"), bool):
            problems.append(f"{where}: required must be true or false")
        if kind in ("multiplechoice", "multiselect"):
            choices = question.get("choices")
            if isinstance(choices, str):
                choices = choices.split("\n")
            if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c for c in choices):
                problems.append(f"{where}: choices must be a non-empty list of strings")
                continue
            defaults = default if isinstance(default, list) else ([] if default in ("", None) else str(default).split("\n"))
            if kind == "multiplechoice" and len(defaults) > 1:
                problems.append(f"{where}: a multiplechoice default is one choice")
            for value in defaults:
                if value not in choices:
                    problems.append(f"{where}: default {value!r} is not a choice")
        elif kind in ("integer", "float"):
            numeric = int if kind == "integer" else (int, float)
            low, high = question.get("min"), question.get("max")
            for key, bound in (("min", low), ("max", high)):
                if not isinstance(bound, numeric) or isinstance(bound, bool):
                    problems.append(f"{where}: {key} must be a {kind}")
            if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
                problems.append(f"{where}: min {low} > max {high}")
            if default not in ("", None):
                if not isinstance(default, numeric) or isinstance(default, bool):
                    problems.append(f"{where}: default {default!r} is not a {kind}")
                elif isinstance(low, (int, float)) and isinstance(high, (int, float)) and not low <= default <= high:
                    problems.append(f"{where}: default {default} outside {low}..{high}")
        elif kind in ("text", "textarea", "password"):
            if default is not None and not isinstance(default, str):
                problems.append(f"{where}: default {default!r} is not a string")
            low, high = question.get("min"), question.get("max")
            for key, bound in (("min", low), ("max", high)):
                if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool) or bound < 0):
                    problems.append(f"{where}: {key} must be a length")
            if isinstance(default, str) and default and isinstance(low, int) and isinstance(high, int) and not low <= len(default) <= high:
                problems.append(f"{where}: default length {len(default)} outside {low}..{high}")
            if kind == "password" and default not in ("", None):
                problems.append(f"{where}: a password question must not carry a default")
    return problems


@pytest.mark.parametrize("name, spec", _surveys(), ids=[name for name, _spec in _surveys()])
def test_every_survey_follows_the_controller_format(name, spec):
    assert survey_problems(spec) == []


@pytest.mark.parametrize("broken, problem", [
    ({"name": "x", "description": "", "spec": []}, "spec.spec is not a non-empty list"),
    ({"name": "x", "spec": [{"question_name": "a", "variable": "a", "type": "text", "required": True, "default": ""}]}, "spec lacks description"),
    ({"name": "x", "description": "", "spec": [{"question_name": "a", "variable": "a-b", "type": "text", "required": True, "default": ""}]},
     "variable 'a-b' is not a valid variable name"),
    ({"name": "x", "description": "", "spec": [{"question_name": "a", "variable": "a", "type": "bool", "required": True, "default": ""}]}, "type 'bool'"),
    ({"name": "x", "description": "", "spec": [{"question_name": "a", "variable": "a", "type": "multiplechoice", "required": True,
                                                "default": "c", "choices": ["a", "b"]}]}, "default 'c' is not a choice"),
    ({"name": "x", "description": "", "spec": [{"question_name": "a", "variable": "a", "type": "integer", "required": True,
                                                "default": 5000, "min": 0, "max": 3600}]}, "default 5000 outside 0..3600"),
    ({"name": "x", "description": "", "spec": [{"question_name": "a", "variable": "a", "type": "integer", "required": True, "default": "5"}]}, "min must be"),
    ({"name": "x", "description": "", "spec": [{"question_name": "a", "variable": "a", "type": "text", "required": "yes", "default": ""},
                                               {"question_name": "b", "variable": "a", "type": "text", "required": True, "default": ""}]},
     "asked twice"),
])
def test_the_format_check_catches_broken_specs(broken, problem):
    assert any(problem in found for found in survey_problems(broken)), survey_problems(broken)


def _role_variables() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "roles").glob("*/defaults/main.yml"):
        found |= set(yaml.safe_load(path.read_text()) or {})
    return found


def test_templates_run_the_collections_playbooks_with_variables_the_roles_read():
    templates = _objects()["federation_awx_job_templates"]
    by_playbook = {template["playbook"]: template for template in templates}
    assert set(by_playbook) == {f"playbooks/{name}.yml" for name in PLAYBOOKS}
    known = _role_variables() | {"federation_hosts"}
    for template in templates:
        playbook = REPO / template["playbook"]
        if playbook.exists():  # playbooks/*.yml select their meshes with federation_hosts
            assert "federation_hosts" in playbook.read_text(), template["playbook"]
        for question in template["survey_spec"]["spec"]:
            assert question["variable"] in known, f"{template['name']}: no role reads {question['variable']}"
        assert template["job_type"] in ("run", "check")


def test_changing_templates_offer_check_mode_and_unfederate_defaults_to_it():
    templates = {Path(t["playbook"]).stem: t for t in _objects()["federation_awx_job_templates"]}
    for name in CHANGING:
        assert templates[name]["ask_job_type_on_launch"] is True, name
    assert templates["unfederate"]["job_type"] == "check"
    removal = {q["variable"]: q for q in templates["unfederate"]["survey_spec"]["spec"]}["unfederate_mesh"]
    assert removal["required"] is True and removal["default"] == ""
    for name in PLAYBOOKS - CHANGING:
        assert templates[name]["job_type"] == "run"


def test_survey_choices_match_the_role_argument_specs():
    specs = yaml.safe_load((REPO / "roles" / "verify" / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    for _name, survey in _surveys():
        for question in survey["spec"]:
            if question["type"] in ("multiplechoice", "multiselect") and question["variable"] in options:
                assert sorted(question["choices"]) == sorted(options[question["variable"]]["choices"]), question["variable"]


def test_credential_type_injects_what_the_collection_reads(tmp_path):
    kind = _objects()["federation_awx_credential_type"]
    fields = {field["id"]: field for field in kind["inputs"]["fields"]}
    assert set(kind["inputs"]["required"]) <= set(fields)
    assert all(field["secret"] for field in fields.values() if field["id"] == "kubeconfig")
    injectors = kind["injectors"]
    assert set(injectors) <= {"file", "env", "extra_vars"}
    file_ids = []
    for key in injectors["file"]:
        assert re.fullmatch(r"template\.[a-z_]+", key), key
        file_ids.append(key.split(".", 1)[1])
    # rendered as the controller renders injectors: sandboxed, strict, tower.filename.<id> = the file's path
    jinja = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    values = {field_id: f"<{field_id}>" for field_id in fields}
    tower = {"filename": {file_id: str(tmp_path / file_id) for file_id in file_ids}}
    files = {key: jinja.from_string(template).render(**values) for key, template in injectors["file"].items()}
    assert files == {"template.kubeconfig": "<kubeconfig>"}
    extra_vars = {name: jinja.from_string(value).render(tower=tower, **values) for name, value in injectors["extra_vars"].items()}
    env = {name: jinja.from_string(value).render(tower=tower, **values) for name, value in injectors["env"].items()}
    assert set(extra_vars) <= set(CONNECTION_VARIABLES), "extra vars the collection does not read"
    assert extra_vars["federation_kubeconfig"] == str(tmp_path / "kubeconfig")
    assert env == {"K8S_AUTH_KUBECONFIG": str(tmp_path / "kubeconfig")}
    # no secret leaves the file: neither env nor extra vars carry the field's value
    assert "<kubeconfig>" not in str(extra_vars) + str(env)


def test_workflow_nodes_name_existing_templates_and_form_a_chain():
    objects = _objects()
    names = {template["name"] for template in objects["federation_awx_job_templates"]}
    nodes = objects["federation_awx_workflow"]["nodes"]
    identifiers = [node["identifier"] for node in nodes]
    assert len(set(identifiers)) == len(identifiers)
    following = {}
    for node in nodes:
        assert node["unified_job_template"]["type"] == "job_template"
        assert node["unified_job_template"]["name"] in names, node["unified_job_template"]["name"]
        following[node["identifier"]] = [n["identifier"] for n in node["related"]["success_nodes"]]
        assert set(following[node["identifier"]]) <= set(identifiers)
    order, current = [], "federate"
    while current:
        order.append(current)
        assert len(order) <= len(nodes), "the workflow loops"
        current = following[current][0] if following[current] else None
    assert order == ["federate", "verify", "report"]
