"""Dependencies run downward: the import-linter contract of `make lint` (pyproject.toml) holds,
and it is the one the README describes."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_layers_contract_is_kept():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dependencies run downward KEPT" in result.stdout
    assert "0 broken" in result.stdout


def test_the_contract_names_every_app_from_the_top_down_with_xiage_at_the_ground_floor():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    (contract,) = config["importlinter"]["contracts"]
    assert contract["type"] == "layers"
    assert contract["layers"] == [
        "reports | inbox",
        "dashboard",
        "plans",
        "indicators",
        "accounts",
        "xiage",
    ]


def test_make_lint_runs_the_contract():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "$(VENV)/bin/lint-imports" in lint
