"""The JSON Schema of the environment files, generated from the typed model.

Editors (the yaml-language-server comment at the top of each file) use it for completion and
checking. Environment files are partial overrides of base.yaml, so the published schema marks
no field required; completeness is checked at synth time on the merged result.
Run `python -m config.schema --write` (or `make schema`) after changing the model; a test fails
while the committed file is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from config.loader import ENVIRONMENTS_DIR
from config.model import EnvironmentSpec

SCHEMA_PATH = ENVIRONMENTS_DIR / "environment.schema.json"


def _drop_required(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _drop_required(value) for key, value in node.items() if key != "required"}
    if isinstance(node, list):
        return [_drop_required(item) for item in node]
    return node


def _format_hint(node: dict[str, Any]) -> str | None:
    """The words of the format a property (or its items, or its non-null branch) must have."""
    for candidate in (node, node.get("items") or {}, *(node.get("anyOf") or [])):
        if isinstance(candidate, dict) and candidate.get("patternErrorMessage"):
            return candidate["patternErrorMessage"]
    return None


def _describe_formats(node: Any) -> Any:
    """Append 'Must be <format>.' to the description of every property with a pattern, so
    editors show in words what the pattern checks (and `patternErrorMessage` on a mismatch)."""
    if isinstance(node, list):
        return [_describe_formats(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _describe_formats(value) for key, value in node.items()}
    for prop in (node.get("properties") or {}).values():
        hint = _format_hint(prop)
        if hint and prop.get("description") and hint not in prop["description"]:
            prop["description"] = f"{prop['description']} {hint}"
    return node


def build_schema() -> dict[str, Any]:
    schema = _describe_formats(_drop_required(EnvironmentSpec.model_json_schema(mode="validation")))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Environment file (base.yaml or an override such as staging.yaml)"
    return schema


def render_schema() -> str:
    return json.dumps(build_schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {SCHEMA_PATH.name}")
    args = parser.parse_args(argv)
    text = render_schema()
    if args.write:
        Path(SCHEMA_PATH).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
