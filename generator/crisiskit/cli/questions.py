"""What ``crisiskit new`` needs to know to open an incident, and how each answer is judged.

Every value a scenario leaves to the incident is one question, keyed by the
dotted path a script gives it with ``--set`` (``facts.affected_customers``,
``title.en``, ``issued_at``): a text once per kit language, a list as a whole.
Each answer is checked at once by the validators ``crisiskit check`` uses
(the schema's types in model/schema/, a fact's own ``Fact`` checks), so a date
without a time zone is refused when it is typed, not at the first check.
Answers are kept as plain YAML data, ready to write into the kit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from crisiskit.model.origin import walk_texts
from crisiskit.model.schema.facts import Fact
from crisiskit.model.schema.kit import Contacts, IncidentKit, KitFields, Organization, Person, ScenarioKit, Update
from crisiskit.model.schema.types import LanguageTag, Name, Text, fail

BLOCKS = ("organization", "spokesperson", "signatory", "contacts")
"""Kit blocks a scenario or the organisation profile usually gives; asked for only when neither does."""
CHOICES = {"severity": ("minor", "moderate", "severe"), "crisis_type": ("victim", "accidental", "preventable")}
_BLOCK_FIELDS: dict[str, tuple[type, tuple[tuple[str, str], ...]]] = {
    "organization": (Organization, (("name", "name"), ("website", "url"), ("boilerplate", "text"), ("city", "text"))),
    "spokesperson": (Person, (("name", "name"), ("title", "text"))),
    "signatory": (Person, (("name", "name"), ("title", "text"))),
    "contacts": (Contacts, (("hotline", "phone"), ("email", "email"), ("privacy", "email"))),
}
_EXAMPLES = {
    "number": "1200",
    "datetime": "2026-11-20T09:14:00+08:00",
    "url": "https://example.com/notice",
    "phone": "+886 2 2700 1234",
    "email": "help@example.com",
    "name": "Formosa Home",
    "list": "[first item, second item]",
    "languages": "en, zh-Hant",
}
_TEXT_EXAMPLES = {
    "title": {"en": "Online ordering unavailable", "zh-Hant": "線上訂購服務無法使用"},
    "organization.boilerplate": {
        "en": "Formosa Home sells household goods in 42 stores across Taiwan and online.",
        "zh-Hant": "福爾摩沙家居在全臺 42 家門市及網路商店販售居家用品。",
    },
    "organization.city": {"en": "TAIPEI", "zh-Hant": "臺北"},
    "spokesperson.title": {"en": "Head of Communications", "zh-Hant": "公關部主管"},
    "signatory.title": {"en": "Chief Executive", "zh-Hant": "執行長"},
}
_REFERENCE = r"\{\{\s*facts\.%s\s*\}\}"


class AnswerProblem(Exception):
    """An answer the validators refused: ``message`` reads ``expected ...; got ...``."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Question:
    """One value the new kit needs."""

    key: str
    """The dotted key a script answers with: ``--set facts.affected_customers=2300``."""
    kind: str
    """number, datetime, url, phone, email, name, text, list, languages, severity or crisis_type."""
    description: str
    example: str
    languages: tuple[str, ...] = ()
    """For a list: the languages each item is written in."""
    optional: bool = False

    @property
    def hint(self) -> str:
        """The example as a phrase: "e.g. 1200", or how the scenario's text uses the value."""
        return self.example if self.example.startswith("as the scenario") else f"e.g. {self.example}"

    def accept(self, raw: Any) -> Any:
        """The answer as plain YAML data, checked; AnswerProblem if the validators refuse it."""
        try:
            return _accept(self, raw)
        except PydanticCustomError as error:
            raise AnswerProblem(error.message()) from None
        except ValidationError as error:
            raise AnswerProblem(error.errors()[0]["msg"]) from None


def _one_line(text: str | None) -> str:
    """A description as the middle of a sentence: one line, no final full stop, lower case unless a name."""
    line = " ".join((text or "").split()).rstrip(".")
    return line[:1].lower() + line[1:] if line[1:2].islower() else line


def _field_description(model: type, name: str) -> str:
    return _one_line(model.model_fields[name].description)  # type: ignore[attr-defined]


def _text_example(key: str, language: str) -> str:
    return json.dumps(_TEXT_EXAMPLES.get(key, {}).get(language, f"a text in {language}"), ensure_ascii=False)


def _in_use(chain: Sequence[ScenarioKit], name: str, language: str) -> str | None:
    """How the scenario's own text uses fact ``name`` in ``language``: the example that shows what to write."""
    pattern = re.compile(_REFERENCE % re.escape(name))
    for scenario in chain:
        for _path, text in walk_texts(scenario):
            raw = text.raw if isinstance(text.raw, str) else text.raw.get(language, "")
            found = pattern.search(raw)
            if found:
                start, end = max(0, found.start() - 50), min(len(raw), found.end() + 30)
                shown = " ".join(raw[start:end].split())
                return f'as the scenario uses it: "{"..." if start else ""}{shown}{"..." if end < len(raw) else ""}"'
    return None


def needed_facts(chain: Sequence[ScenarioKit]) -> dict[str, Fact]:
    """Facts the scenarios declare without a value, the nearest scenario's declaration winning."""
    facts: dict[str, Fact] = {}
    for scenario in reversed(chain):
        facts.update(scenario.facts)
    return {name: fact for name, fact in facts.items() if fact.value is None}


def setting_questions(missing: Iterable[str]) -> list[Question]:
    """Questions for languages, severity and crisis type when neither the scenario nor the profile gives them."""
    out = []
    for name in missing:
        description = _field_description(KitFields, name)
        if name == "languages":
            out.append(Question(name, "languages", description, _EXAMPLES["languages"]))
        else:
            out.append(Question(name, name, description, " or ".join(CHOICES[name])))
    return out


def kit_questions(chain: Sequence[ScenarioKit], languages: Sequence[str], blocks: Iterable[str]) -> list[Question]:
    """Every value an incident opened from ``chain`` must give, in the order a person knows them.

    ``blocks`` are the kit blocks neither the scenarios nor the organisation profile give.
    """
    questions = [
        Question(
            f"title.{lang}",
            "text",
            f"{_field_description(KitFields, 'title')}, in {lang}",
            _text_example("title", lang),
        )
        for lang in languages
    ]
    questions.append(
        Question("began_at", "datetime", _field_description(IncidentKit, "began_at"), _EXAMPLES["datetime"])
    )
    for name, fact in needed_facts(chain).items():
        description = _fact_description(fact, name, languages)
        if fact.kind == "text":
            questions += [
                Question(
                    f"facts.{name}.{lang}",
                    "text",
                    f"{description}, in {lang}",
                    _in_use(chain, name, lang) or _text_example("", lang),
                )
                for lang in languages
            ]
        else:
            example = _EXAMPLES[fact.kind]
            if fact.kind == "list":
                example = f"{example}; {_in_use(chain, name, languages[0]) or ''}".rstrip("; ")
            questions.append(Question(f"facts.{name}", fact.kind, description, example, tuple(languages)))
    questions += [
        Question("issued_at", "datetime", _field_description(Update, "issued_at"), _EXAMPLES["datetime"]),
        Question("next_update_at", "datetime", _field_description(Update, "next_update_at"), _EXAMPLES["datetime"]),
    ]
    for block in BLOCKS:
        if block in blocks:
            questions += _block_questions(block, languages)
    return questions


def _fact_description(fact: Fact, name: str, languages: Sequence[str]) -> str:
    if fact.description is None:
        return name.replace("_", " ")
    given = fact.description.languages()
    language = next((lang for lang in ("en", *languages) if given is None or lang in given), None)
    return _one_line(fact.description.get(language or sorted(given or ["en"])[0]))


def _block_questions(block: str, languages: Sequence[str]) -> list[Question]:
    model, fields = _BLOCK_FIELDS[block]
    out = []
    for name, kind in fields:
        description = _field_description(model, name)
        optional = not model.model_fields[name].is_required()  # type: ignore[attr-defined]
        if kind == "text":
            out += [
                Question(
                    f"{block}.{name}.{lang}",
                    kind,
                    f"{description}, in {lang}",
                    _text_example(f"{block}.{name}", lang),
                    (),
                    optional,
                )
                for lang in languages
            ]
        else:
            example = "Grace Lin" if block != "organization" and name == "name" else _EXAMPLES[kind]
            example = "privacy@example.com" if name == "privacy" else example
            example = "https://formosahome.example/" if name == "website" else example
            out.append(Question(f"{block}.{name}", kind, description, example, tuple(languages), optional))
    return out


_NAME = TypeAdapter(Name)
_TAG = TypeAdapter(LanguageTag)


def _accept(question: Question, raw: Any) -> Any:
    kind = question.kind
    if isinstance(raw, str):
        raw = raw.strip()
    if kind == "number":
        return Fact._validate({"type": "number", "value": _number(raw)}).value
    if kind in ("datetime", "url", "phone", "email"):
        value = Fact._validate({"type": kind, "value": raw}).value
        return value.isoformat() if isinstance(value, datetime) else value
    if kind == "text":
        if not isinstance(raw, str):
            raise fail("a text (one language: the key names it)", raw)
        return Text._validate(raw).raw
    if kind == "name":
        return _in_every_language(_NAME.validate_python(raw).raw, question.languages, raw)
    if kind == "list":
        return _list(question, raw)
    if kind == "languages":
        tags = _split(raw)
        if not tags:
            raise fail("at least one language tag, such as en, zh-Hant", raw)
        return [_TAG.validate_python(tag) for tag in tags]
    if raw not in CHOICES[kind]:
        raise fail("one of " + ", ".join(CHOICES[kind]), raw)
    return raw


def _number(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    for convert in (int, float):
        try:
            return convert(raw)
        except ValueError:
            continue
    raise fail("a number", raw)


def _split(raw: Any) -> list[Any]:
    """A list as a script writes it: a YAML list, ``[a, b]``, or ``a, b``."""
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, str) or not raw:
        return [] if raw in ("", None) else [raw]
    if raw.startswith("["):
        try:
            loaded = YAML(typ="safe", pure=True).load(raw)
        except YAMLError:
            raise fail("a list such as [K2407, K2408]", raw, "not readable as a list") from None
        if isinstance(loaded, list):
            return loaded
    return [item.strip() for item in raw.split(",") if item.strip()]


def _in_every_language(value: Any, languages: Sequence[str], raw: Any) -> Any:
    """A text given as a mapping must have every kit language (a single text is the same in all)."""
    if isinstance(value, dict) and languages:
        missing = [lang for lang in languages if lang not in value]
        if missing:
            raise fail(f"a text in each of {', '.join(languages)}", raw, f"no {', '.join(missing)}")
    return value


def _list(question: Question, raw: Any) -> list[Any]:
    """A list fact: numbers as they are; a text item in every kit language (one text: the same in each)."""
    items: list[Any] = []
    for item in _split(raw):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            items.append(item)
            continue
        value = _in_every_language(Text._validate(item).raw, question.languages, item)
        if isinstance(value, str) and len(question.languages) > 1:
            value = dict.fromkeys(question.languages, value)  # a code or name, written the same in each
        items.append(value)
    Fact._validate({"type": "list", "value": items})  # the fact's own checks: non-empty, readable numbers
    return items
