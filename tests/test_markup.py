"""markup.py and escaping.py: the Markdown subset kit text may use, what is reported, what is escaped.

Outputs are converted with the sites' own Markdown extensions and parsed, so each test asserts what a
reader would get, not the escaped source.
"""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest

from crisiskit.render.escaping import fenced, finalize, sanitize_html
from crisiskit.render.markup import Trusted, block, inline, problems, text

EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc", "pymdownx.superfences"]  # as mkdocs.yml


class Parsed(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.data.append(data)

    def text(self) -> str:
        return " ".join("".join(self.data).split())


def shown(markdown_text: str) -> Parsed:
    return Parsed(markdown.markdown(markdown_text, extensions=EXTENSIONS))


def test_the_subset_renders_as_markup() -> None:
    source = (
        "We are *sorry* and **we will fix it**.\n- one\n- two\n\n1. first\n2. second\n\n"
        "See [our page](https://acme.example/a_b) or [call](tel:+88622700) or <https://acme.example/>."
    )
    assert problems(source) == []
    page = shown(block(source))
    assert [tag for tag, _ in page.tags] == [
        "p",
        "em",
        "strong",
        "ul",
        "li",
        "li",
        "ol",
        "li",
        "li",
        "p",
        "a",
        "a",
        "a",
    ]
    assert [a["href"] for tag, a in page.tags if tag == "a"] == [
        "https://acme.example/a_b",
        "tel:+88622700",
        "https://acme.example/",
    ]


@pytest.mark.parametrize(
    "source, offset, what",
    [
        ("Hi <script>alert(1)</script>", 3, "raw HTML"),
        ("Hi <img src=x onerror=alert(1)>", 3, "raw HTML"),
        ("a &lt;b&gt;", 2, "an HTML entity"),
        ("see [x](javascript:alert(1))", 4, "a link to javascript:"),
        ("see [x](data:text/html,hi)", 4, "a link to data:"),
        ("see [x](http://acme.example/)", 4, "a link to http:"),
        ("see [x](/relative)", 4, "a link that is not a plain https:, mailto: or tel: address"),
        ("see <vbscript:x>", 4, "a link to vbscript:"),
        ("pic ![t](https://evil.example/t.png)", 4, "an image"),
        ('para {: onclick="x" }', 5, "an attribute list"),
        ("text\n# Heading", 5, "a heading"),
        ("text\n===", 5, "a heading (underlined)"),
        ("text\n\n- - -", 6, "a horizontal rule"),
        ("---\ntitle: x\n---", 0, "front matter"),
        ("x\n```js\ncode\n```", 2, "a code fence"),
        ("x\n> quoted", 2, "a block quote"),
        ("| a | b |\n|---|---|", 10, "a table"),
        ("a [^1] b", 2, "a footnote"),
        ("*[HTML]: Hyper", 0, "an abbreviation"),
        ("use `code` here", 4, "code"),
    ],
)
def test_everything_else_is_reported_where_it_starts_and_shown_as_typed(source: str, offset: int, what: str) -> None:
    found = problems(source)
    assert (found[0].offset, found[0].what) == (offset, what)
    page = shown(block(source))
    assert {tag for tag, _ in page.tags} <= {"p", "ul", "li"}, page.tags
    assert all(not name.startswith("on") for _, attrs in page.tags for name in attrs)


def test_references_are_not_markup_and_offsets_are_the_authors() -> None:
    source = "Since {{ facts.start }},\r\nsee [page]({{ statement_url }}) <b>x</b>"
    found = problems(source, link_ok=lambda reference: reference == "{{ statement_url }}")
    assert [(p.offset, p.snippet, p.what) for p in found] == [
        (source.index("<b>"), "<b>", "raw HTML"),
        (source.index("</b>"), "</b>", "raw HTML"),
    ]
    assert problems("see [page]({{ facts.bad }})")[0].what.startswith("a link that is not")


def test_a_single_line_value_has_no_markup_and_no_structure() -> None:
    value = '1. *Acme* "quoted" [x](https://a.example) <b>\n# Heading'
    assert shown(f"# {text(value)}").text() == " ".join(value.split())
    assert [tag for tag, _ in shown(f"- {text(value)}").tags] == ["ul", "li"]
    assert Parsed(f'<p title="{text(value)}">{text(value)}</p>').tags == [("p", {"title": " ".join(value.split())})]
    assert [tag for tag, _ in shown(inline("*a* [b](https://b.example)\n- c")).tags] == ["p", "em", "a"]


def test_a_fence_inside_a_post_cannot_close_its_block() -> None:
    post = "Down.\n```\n<script>alert(1)</script>\n````\n# Heading"
    page = shown(fenced(post))
    assert [tag for tag, _ in page.tags if tag not in ("div", "span")] == ["pre", "code"]
    assert "<script>alert(1)</script>" in page.text()


def test_sanitize_keeps_only_the_subset_and_our_classes() -> None:
    dirty = (
        '<p onclick="x">a <a href="javascript:x">j</a> <a href="https://a.example" title="t">h</a>'
        '<img src=x><ins class="ck-ins evil">i</ins><span class="ck-sr">s</span><script>x</script></p>'
    )
    clean = Parsed(sanitize_html(dirty))
    assert clean.tags == [
        ("p", {}),
        ("a", {}),
        ("a", {"href": "https://a.example"}),
        ("ins", {}),
        ("span", {"class": "ck-sr"}),
    ]


def test_templates_escape_whatever_is_not_trusted() -> None:
    assert finalize("<b>") == "&lt;b&gt;" and finalize(Trusted("<b>")) == "<b>" and finalize(None) == ""
    assert isinstance(Trusted("a") + "b", str) and not isinstance(Trusted("a") + "b", Trusted)


def test_each_mode_escapes_a_text_its_own_way_however_often_it_is_asked() -> None:
    """text, inline and block are remembered per text and mode: one mode's result never answers for another."""
    from crisiskit.render.markup import _clean_lines, _Scanner, one_line

    source = "*Call* [us](https://example.com)\n\n- one"
    expected = {
        "block": _Scanner(_clean_lines(source), "block").block(),
        "inline": _Scanner(one_line(source), "inline").line(0, True),
        "text": _Scanner(one_line(source), "text").line(0, True),
    }
    assert len(set(expected.values())) == 3
    for _ in range(2):
        assert [block(source), inline(source), text(source)] == [expected[m] for m in ("block", "inline", "text")]
    assert (text(1), text(True), text(1.0), text("1")) == ("1", "True", "1.0", "1")  # equal keys, own texts
