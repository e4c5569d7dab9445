"""YAML hygiene with yamllint: no duplicate keys, one consistent style.

A duplicate key is the dangerous case: every YAML loader keeps one of the two values
silently, so what a reviewer reads and what the cluster gets can differ.
"""

from __future__ import annotations

from pathlib import Path

from yamllint import linter
from yamllint.config import YamlLintConfig

from manifests import yaml_files
from verify.findings import Finding

CONFIG = Path(__file__).resolve().parent / "yamllint.yaml"


def lint(root: Path, config: Path = CONFIG) -> list[Finding]:
    conf = YamlLintConfig(file=str(config))
    findings = []
    for path in yaml_files(root):
        text = path.read_text(encoding="utf-8")
        for problem in linter.run(text, conf, str(path)):
            findings.append(
                Finding(
                    "yaml",
                    problem.rule or "syntax",
                    f"{path}:{problem.line}:{problem.column}",
                    f"{problem.level}: {problem.desc}",
                )
            )
    return findings
