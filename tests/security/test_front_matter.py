"""A hand-written page's audience is read exactly as MkDocs reads its front matter.

Each internal page below is spelled the way an editor or a hurried author may write it; MkDocs
reads `audience: internal` from every one of them, so none may reach the public site, while the
internal site (built in the same run) shows that each was a real, buildable page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from redteam import build, built, make_project

PAGES = {
    "bom": "\ufeff---\naudience: internal\n---\n\n# Bom page\n\nZQXBOM internal note.\n",
    "trailing-space": "--- \naudience: internal\n---   \n\n# Trailing page\n\nZQXTRAIL internal note.\n",
    "crlf": "---\r\naudience: internal\r\n---\r\n\r\n# Crlf page\r\n\r\nZQXCRLF internal note.\r\n",
    "dots": "---\naudience: internal\n...\n\n# Dots page\n\nZQXDOTS internal note.\n",
    "multimarkdown": "Audience: internal\n\n# Meta page\n\nZQXMETA internal note.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("front-matter") / "project")
    for name, text in PAGES.items():
        (project / "content" / "en" / f"{name}.md").write_bytes(text.encode("utf-8"))
    (project / "content" / "en" / "plain.md").write_text(
        "---\naudience: public\n---\n\n# Plain\n\nZQXPUBLIC.\n", encoding="utf-8"
    )
    return built(project, audience="all", process=False)


def public_text(site: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in (site / "public").rglob("*") if p.is_file())


@pytest.mark.parametrize("name", sorted(PAGES))
def test_an_internal_page_stays_off_the_public_site(site: Path, name: str) -> None:
    assert not (site / "public" / "en" / name).exists()
    marker = PAGES[name].split("ZQX")[1].split()[0]
    assert f"ZQX{marker}" not in public_text(site)
    assert f"ZQX{marker}" in (site / "internal" / "en" / f"{name}.html").read_text(encoding="utf-8")


def test_a_public_page_is_published(site: Path) -> None:
    assert "ZQXPUBLIC" in (site / "public" / "en" / "plain" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "---\naudience: Internal\n---\n\n# X\n",
            "content/en/odd.md:2:1 audience: expected public or internal; got 'Internal'",
        ),
        (
            "---\ntitle: x\naudience: [internal\n---\n\n# X\n",
            "content/en/odd.md:4:1 front matter: expected YAML MkDocs can read; got did not find expected ',' or ']'",
        ),
        ("---\n- internal\n---\n\n# X\n", "content/en/odd.md:2:1 front matter: expected key: value pairs; got list"),
    ],
)
def test_front_matter_mkdocs_would_misread_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    project = make_project(tmp_path / "project", approve=False)
    (project / "content" / "en" / "odd.md").write_text(text, encoding="utf-8")
    result = build(project, audience="internal", process=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert expected in result.stderr.splitlines()
    assert not (project / "site" / "internal").exists()
