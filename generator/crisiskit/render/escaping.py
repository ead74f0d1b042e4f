"""Where kit text lands, escaped: page templates, values the theme prints, HTML fragments we build.

``markup`` decides what kit text may be; this module applies it at each
place kit text reaches a reader:

- page templates (``page_environment``): every ``{{ value }}`` is escaped as
  single-line text (``markup.text``) unless it is ``Trusted``; the
  ``block``, ``inline`` and ``fenced`` filters mark the values that may keep
  the subset, or must stay verbatim in a code block (channel posts). A
  value a template forgets to mark is therefore escaped, never raw.
- values the theme prints without escaping (page title and description
  from front matter, navigation titles): ``html_text``.
- HTML we build from kit text (feed content, the diff): ``sanitize_html``,
  an nh3 allow-list of the tags the subset produces, links to https:,
  mailto: and tel:, and our own classes.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import nh3
from jinja2 import BaseLoader, Environment, StrictUndefined

from crisiskit.compose.environment import LabelEnvironment
from crisiskit.compose.labels import labels as _labels
from crisiskit.render.markup import SAFE_SCHEMES, Trusted, block, inline, one_line, text, visible

_BACKTICKS = re.compile(r"`+")


def fenced(value: Any, info: str = "text") -> Trusted:
    """``value`` verbatim in a code fence longer than any run of backticks in it, so no line of it can close it."""
    body = visible(str(value).replace("\r\n", "\n").replace("\r", "\n"))
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0) if "`" in body else 0
    fence = "`" * max(3, longest + 1)
    return Trusted(f"{fence}{info}\n{body}\n{fence}")


def html_text(value: Any) -> str:
    """A single-line value as HTML text, for what the theme prints unescaped (page titles, descriptions, nav)."""
    return html.escape(one_line(value), quote=False).replace('"', "&quot;")  # printed in "..." attributes too


def finalize(value: Any) -> str:
    """Jinja's ``finalize`` for page templates: every value is ``text`` unless it is Trusted."""
    if value is None:
        return ""
    return value if isinstance(value, Trusted) else text(value)


@lru_cache(maxsize=64)
def labels(language: str) -> dict[str, Any]:
    """The page words for ``language`` (data/labels.yml), every string marked Trusted: we wrote them.

    Marked once per language and shared by every page: read it, never change it.
    """
    return _trusted(_labels(language))


def page_environment(loader: BaseLoader) -> Environment:
    """The Jinja environment of page templates: escaped by default, ``block``/``inline``/``fenced`` filters."""
    env = LabelEnvironment(  # reads {{ t.colon }} without a failed getattr first (compose/environment.py)
        loader=loader,
        auto_reload=False,  # the package's templates do not change while crisiskit runs: no stat per page
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        finalize=finalize,
    )
    filters: dict[str, Callable[..., Any]] = {"block": block, "inline": inline, "fenced": fenced}
    env.filters.update(filters)
    return env


_TAGS = {"p", "br", "em", "strong", "ul", "ol", "li", "a", "h2", "ins", "del", "span"}
_CLASSES = {"ck-ins", "ck-del", "ck-sr"}


def sanitize_html(fragment: str) -> Trusted:
    """Keep only the tags the subset (and our diff) produce, links to https:, mailto: and tel:, and our classes."""

    def allowed(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "href":
            return value if value.startswith(SAFE_SCHEMES) else None
        return value if attribute == "class" and value in _CLASSES else None

    return Trusted(
        nh3.clean(
            fragment,
            tags=_TAGS,
            attributes={"a": {"href"}, "ins": {"class"}, "del": {"class"}, "span": {"class"}},
            attribute_filter=allowed,
            url_schemes={"https", "mailto", "tel"},
            link_rel=None,
            strip_comments=True,
        )
    )


def _trusted(value: Any) -> Any:
    if isinstance(value, str):
        return Trusted(value)
    if isinstance(value, dict):
        return {key: _trusted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    return value
