"""The package's folders are the pipeline's stages, and no stage imports a later one.

Every import in every module (including those only for type checking, and
those inside functions) is read from the source with ``ast``, so a shortcut
back up the pipeline fails here rather than tangling the layers again.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "generator" / "crisiskit"
# Lowest first: a module may import its own stage and any stage before it.
STAGES = [
    "errors",
    "datafiles",
    "model",
    "counting",
    "compose",
    "render",
    "checks",
    "write",
    "cache",
    "review",
    "publish",
    "pipeline",
    "cli",
    "__main__",
]
FOUNDATION = {"errors": 0, "datafiles": 0}


def _stage(module: str) -> str:
    """``crisiskit.compose.revision`` -> ``compose``; ``crisiskit`` itself (its __version__) -> ``errors`` rank."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "errors"


def _rank(stage: str) -> int:
    return FOUNDATION.get(stage, STAGES.index(stage))


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "crisiskit":
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "crisiskit"]
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        out.append((relative.parts[0], path))
    return out


def test_every_module_belongs_to_a_known_stage() -> None:
    unknown = sorted({stage for stage, _ in _modules() if stage not in STAGES and stage != "__init__"})
    assert unknown == [], f"modules outside the pipeline's stages: {unknown} (add the stage to STAGES in order)"


def test_no_stage_imports_a_later_one() -> None:
    violations = []
    for stage, path in _modules():
        if stage == "__init__":
            continue
        for line, module in _imports(path):
            target = _stage(module)
            if _rank(target) > _rank(stage):
                violations.append(f"{path.relative_to(PACKAGE)}:{line} ({stage}) imports {module} ({target})")
    assert violations == []


def test_the_checker_sees_a_violation() -> None:
    """The test itself can fail: a render module importing publish is caught."""
    assert _rank(_stage("crisiskit.publish.site")) > _rank("render")
    assert _rank(_stage("crisiskit.model.load")) < _rank("compose")
