"""What "inert" means for a built page or a feed's HTML, decided by parsing it (html.parser), never by grepping.

A page is inert when nothing in it can run or load anything a kit put there: no inline script (the theme's
JSON config block aside), no script file but the theme's own, no event-handler attribute, no element that
embeds, frames, redirects or re-bases the page, no javascript:/data:/vbscript: address, nothing loaded from
another origin. Kit text that was escaped shows as text: ``Audit.contexts`` records, for every marker
found in the page's text, the elements it sits in, so a test can prove a payload became text where its
field belongs (and no heading, code block, table or rule was made of it).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

# Elements kit text must never produce (the theme produces none of them either).
NEVER = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "img",
    "picture",
    "video",
    "audio",
    "source",
    "details",
    "base",
    "style",
    "textarea",
    "select",
    "math",
    "portal",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "cite",
    "xlink:href",
    "ping",
    "manifest",
    "codebase",
}
# Elements that would mean a payload became structure rather than text, unless its field is a heading.
STRUCTURE = {
    "pre",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "blockquote",
    "script",
    "style",
    "details",
    "summary",
    "svg",
    "iframe",
    "object",
    "embed",
    "img",
    "hr",
    "dl",
    "dt",
    "dd",
    "sup",
    "abbr",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Audit(HTMLParser):
    """Parse one HTML document or fragment; ``problems`` lists everything that is not inert.

    ``theme_scripts`` allows the theme's own script files and JSON config block (a page); a feed's HTML
    gets no script at all.
    """

    def __init__(self, markers: tuple[str, ...] = (), theme_scripts: bool = True):
        super().__init__(convert_charrefs=True)
        self.markers, self.theme_scripts = markers, theme_scripts
        self.problems: list[str] = []
        self.contexts: dict[str, list[tuple[str, ...]]] = {}
        self.text: list[str] = []
        self.tags: set[str] = set()
        self._open: list[str] = []
        self._script: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, {k: v or "" for k, v in attrs})
        if tag not in _VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            if data.strip() and self._script.get("type") != "application/json":
                self.problems.append(f"inline script: {data.strip()[:80]!r}")
            return
        self.text.append(data)
        for marker in self.markers:
            if marker in data:
                self.contexts.setdefault(marker, []).append(tuple(self._open))

    def _element(self, tag: str, attrs: dict[str, str]) -> None:
        self.tags.add(tag)
        shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs.items())}>"
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name} in {shown}")
            if name in URL_ATTRIBUTES and not _safe_address(tag, name, attrs, value.strip()):
                self.problems.append(f"address {name}={value!r} in {shown}")
        if tag in NEVER:
            self.problems.append(f"element {shown}")
        if tag == "meta" and attrs.get("http-equiv", "").lower() not in ("", "content-security-policy"):
            self.problems.append(f"meta http-equiv in {shown}")
        if tag == "form" and not (self.theme_scripts and attrs.get("name") == "search"):
            self.problems.append(f"form {shown}")
        if tag == "script":
            self._script = attrs
            src = attrs.get("src")
            if src is not None and not (self.theme_scripts and _theme_script(src)):
                self.problems.append(f"script file {src!r}")
            if src is None and not (
                self.theme_scripts and attrs.get("type") == "application/json" and attrs.get("id") == "__config"
            ):
                self.problems.append(f"inline script element {shown}")

    def page_text(self) -> str:
        """The document's text as a reader sees it, whitespace collapsed."""
        return " ".join("".join(self.text).split())


def audit(document: str, markers: tuple[str, ...] = (), theme_scripts: bool = True) -> Audit:
    """Parse ``document`` and return its audit."""
    parser = Audit(markers=markers, theme_scripts=theme_scripts)
    parser.feed(document)
    parser.close()
    return parser


def _theme_script(src: str) -> bool:
    """The theme's bundle, its search worker and lunr, and the theme's inline scripts moved to files."""
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc and "assets/javascripts/" in parts.path and src.endswith(".js")


def _safe_address(tag: str, name: str, attrs: dict[str, str], value: str) -> bool:
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme in ("javascript", "data", "vbscript", "file", "blob", "filesystem"):
        return False
    if tag == "a" and name == "href":
        return scheme in ("", "https", "mailto", "tel")
    if tag == "link" and name == "href" and attrs.get("rel") in ("canonical", "alternate"):
        return scheme in ("", "https")  # not fetched: where this page, its translations and its feeds live
    return not scheme and not parts.netloc  # anything that is fetched comes from the site itself
