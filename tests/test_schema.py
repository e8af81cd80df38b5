"""`numdossier schema KIND` and the schema `init` writes: every sample and starter validates, mistakes fail."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from support import ROOT, CliRunner

from numdossier.cli import app
from numdossier.kinds import registry
from numdossier.rules import messages
from numdossier.schema import json_schema, schema_filename

SAMPLES = sorted(ROOT.glob("samples/*/*.toml"))
runner = CliRunner()


def as_json(value: Any) -> Any:
    """TOML data as an editor's TOML language server hands it to the schema (dates as strings)."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    validator = Draft7Validator(json_schema(data["kind"]))
    return sorted(
        (".".join(str(p) for p in e.absolute_path), e.validator) for e in validator.iter_errors(data)
    )


def sample_data(kind: str) -> dict[str, Any]:
    path = next(p for p in SAMPLES if p.parent.name == kind)
    data: dict[str, Any] = as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    return data


@pytest.mark.parametrize("kind", registry.names())
def test_schema_is_a_valid_draft7_schema_with_chinese_texts(kind: str) -> None:
    schema = json_schema(kind)
    Draft7Validator.check_schema(schema)
    assert "$defs" not in json.dumps(schema)  # inlined: one file an editor reads without resolving refs
    company = schema["properties"]["company"]
    assert company["additionalProperties"] is False
    assert company["properties"]["uscc"]["title"] == "统一社会信用代码"
    assert "营业执照" in company["properties"]["name"]["description"]
    assert "pattern" in company["properties"]["uscc"]
    assert schema["properties"]["legal_rep"]["properties"]["id_type"]["enum"][0] == "resident_id"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_sample_validates(sample: Path) -> None:
    assert problems(as_json(tomllib.loads(sample.read_text(encoding="utf-8")))) == []


@pytest.mark.parametrize("lang", messages.LANGUAGES)
@pytest.mark.parametrize("kind", registry.names())
def test_every_starter_validates(kind: str, lang: str) -> None:
    starter = registry.get(kind).starter(lang).read_text(encoding="utf-8")
    assert problems(as_json(tomllib.loads(starter))) == []


@pytest.mark.parametrize("kind", registry.names())
def test_schema_in_english_has_english_texts(kind: str) -> None:
    with messages.using("en"):
        schema = json_schema(kind)
    Draft7Validator.check_schema(schema)
    company = schema["properties"]["company"]["properties"]
    assert company["uscc"]["title"] == "Unified social credit code"
    assert "business licence (营业执照)" in company["name"]["description"]
    assert schema["properties"]["legal_rep"]["properties"]["id_type"]["enum"][0] == "resident_id"
    assert schema["description"].startswith(f"numdossier profile ({kind}): ")


def _descriptions(node: Any, path: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        if isinstance(node.get("description"), str) and path:
            found.append((path, node["description"]))
        for key, value in node.items():
            found += _descriptions(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _descriptions(value, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("lang", messages.LANGUAGES)
@pytest.mark.parametrize("kind", registry.names())
def test_every_description_is_the_starters_or_the_checklists(kind: str, lang: str) -> None:
    """No model docstring ("One line of the 启用实施进度安排: …") in the editor's tooltips, in either language."""
    from numdossier.kinds import load_checklist
    from numdossier.schema import descriptions

    with messages.using(lang):
        schema = json_schema(kind)
        said = set(descriptions(kind).values()) | {item.title for item in load_checklist(kind).items}
    strays = [(path, text) for path, text in _descriptions(schema) if text not in said]
    assert strays == []


def test_broken_profiles_fail() -> None:
    data = sample_data("n96")
    data["company"]["nmae"] = data["company"].pop("name")  # a typo in a key
    data["legal_rep"]["id_type"] = "passpot"  # not one of the enumeration
    data["legal_rep"]["id_number"] = "33010619850312003"  # 17 digits for a resident ID
    data["number_contact"]["mobile"] = "1380013800"  # 10 digits
    data["company"]["uscc"] = "91330106MA2H7K316"  # 17 characters
    data["branches"][0]["kind"] = "子公司"
    data["n96"]["digits"] = 7
    data["format"] = 2
    found = problems(data)
    assert ("company", "additionalProperties") in found
    assert ("company", "required") in found
    assert ("legal_rep.id_type", "enum") in found
    assert ("number_contact.mobile", "pattern") in found
    assert ("company.uscc", "pattern") in found
    assert ("branches.0.kind", "enum") in found
    assert ("n96.digits", "enum") in found
    assert ("format", "enum") in found
    # the resident-ID pattern applies to resident IDs only (the rule is in an if/then)
    data = sample_data("n96")
    data["legal_rep"]["id_number"] = "33010619850312003"
    assert ("legal_rep.id_number", "pattern") in problems(data)
    data["legal_rep"]["id_type"] = "passport"
    data["legal_rep"]["id_number"] = "E12345678"
    assert problems(data) == []


def test_schema_command_prints_the_schema() -> None:
    result = runner.invoke(app, ["schema", "ucc"])
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == json_schema("ucc")
    assert printed["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert runner.invoke(app, ["schema", "n97"]).exit_code == 2


def test_init_writes_schema_and_directive(tmp_path: Path) -> None:
    target = tmp_path / "acme-95.toml"
    assert runner.invoke(app, ["init", str(target), "--kind", "n95"]).exit_code == 0
    first = target.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"#:schema ./{schema_filename('n95')}"  # Taplo's header directive, relative path
    schema = json.loads((tmp_path / schema_filename("n95")).read_text(encoding="utf-8"))
    assert schema == json_schema("n95")
    data = as_json(tomllib.loads(target.read_text(encoding="utf-8")))
    assert Draft7Validator(schema).is_valid(data)
