"""The channel registry (data/channels.yml) is the one list of channels, and adding one is one entry.

The kit schema, compose's post kinds, measuring, the pages' channel names,
the checks' audiences, severity policy and approvals all read the
registry; these tests hold every other table to it, and add two channels
to a copy of the data in a fresh interpreter to show that every stage
knows them without another edit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from importlib import resources
from pathlib import Path

import pytest

from crisiskit.counting.measure import load_channels
from crisiskit.datafiles import load_data
from crisiskit.model.channels import Channel, labelled_channels, post_channels, registry
from crisiskit.model.schema.kit import ChannelName
from crisiskit.model.schema_export import kit_json_schema
from crisiskit.model.tables import approval_table, severity_table

FIXTURE = Path(__file__).parent / "testdata" / "test_checks" / "clean.yml"
TEMPLATES = resources.files("crisiskit").joinpath("templates", "channels")


def test_the_kit_schema_lists_exactly_the_registrys_post_channels() -> None:
    assert typing.get_args(ChannelName) == post_channels()
    assert "email_subject" not in post_channels() and "review_replies" not in post_channels()
    assert "x" in post_channels() and "regulator_notice" in post_channels()
    text = json.dumps(kit_json_schema())
    assert all(f'"{name}"' in text for name in post_channels())


def test_every_channel_has_a_name_in_every_language_and_no_language_names_another() -> None:
    for language, words in load_data("labels.yml").items():
        assert set(words["channel_names"]) == set(labelled_channels()), language


def test_a_templated_channel_has_a_template_and_every_template_has_a_channel() -> None:
    templated = {name for name, spec in registry().items() if spec.kind == "templated"}
    templates = {p.name.removesuffix(".txt.j2") for p in TEMPLATES.iterdir() if p.name.endswith(".txt.j2")}
    assert templated == templates


def test_measured_channels_are_those_with_a_limit() -> None:
    assert list(load_channels()) == [name for name, spec in registry().items() if spec.limit is not None]
    assert "email" not in load_channels() and "email_subject" in load_channels()


def test_severity_and_approval_tables_name_only_registered_channels() -> None:
    for policy in severity_table().values():
        assert policy.channels and set(policy.channels) <= set(post_channels())
    assert set(approval_table().by_channel) <= set(post_channels())


def test_only_the_employee_memo_is_internal() -> None:
    assert [name for name, spec in registry().items() if spec.audience == "internal"] == ["employee_memo"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"label": "Pager", "kind": "short", "limit": 80}, "a limit needs limit, unit, source and checked together"),
        (
            {"label": "Pager", "kind": "short", "limit": 80, "unit": "sms", "source": "s", "checked": "2026-11-30"},
            "max_parts goes with unit sms",
        ),
        ({"label": "Pager", "kind": "beeper"}, "kind"),
        ({"label": "Pager", "kind": "short", "colour": "red"}, "colour"),
    ],
)
def test_a_malformed_registry_entry_is_refused(entry: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Channel(name="pager", **entry)


_ADD_TWO_CHANNELS = r"""
import json, sys
from pathlib import Path

import crisiskit.datafiles as datafiles

original = datafiles.load_data


def load_data(name):
    data = original(name)
    if name == "channels.yml":
        data["pager"] = {"label": "Pager", "kind": "short", "limit": 160, "unit": "code_points",
                         "source": "test", "checked": "2026-11-30"}
        data["fax"] = {"label": "Fax", "kind": "templated", "audience": "internal"}
    if name == "labels.yml":
        for language, words in data.items():
            words["channel_names"].update(pager="Pager " + language, fax="Fax " + language)
    return data


datafiles.load_data = load_data  # before any stage reads the registry

from jinja2 import ChoiceLoader, DictLoader

from crisiskit.checks.sources import kit_texts
from crisiskit.compose import posts
from crisiskit.compose.composed import SiteOptions
from crisiskit.compose.labels import labels
from crisiskit.counting.measure import measure
from crisiskit.model.schema.kit import IncidentKit
from crisiskit.pipeline import compose, read_incidents
from crisiskit.render.pages import render_pages

posts._ENV.loader = ChoiceLoader([DictLoader({"fax.txt.j2": "FAX {{ r.headline }} {{ r.statement_url }}"}),
                                  posts._ENV.loader])  # the template a new templated channel ships
kits = Path(sys.argv[1])
[incident] = read_incidents([kits])
[item] = compose([incident], SiteOptions("https://status.acme.example/"))
texts = item.texts[incident.revisions[-1].number]
pages = render_pages([item], "review")
posts_pages = [p.text for p in pages if "pager" in p.text.lower() and str(p.path).endswith("posts.md")]
print(json.dumps({
    "channels": incident.channels,
    "posts": {lang: {p.channel: p.text for p in r.posts if p.channel in ("pager", "fax")} for lang, r in texts.items()},
    "measured": {lang: measure("pager", r.posts[incident.channels.index("pager")].text).count
                 for lang, r in texts.items()},
    "urls": {lang: r.statement_url for lang, r in texts.items()},
    "headlines": {lang: r.headline for lang, r in texts.items()},
    "labels": [labels(lang)["channel_names"]["pager"] for lang in incident.languages],
    "public": {t.channel: t.public for t in kit_texts(incident) if t.channel in ("pager", "fax")},
    "pages": [text.count("Pager ") for text in posts_pages],
}))
"""


def _kit_with_new_channels(tmp_path: Path) -> Path:
    kits = tmp_path / "kits"
    kits.mkdir()
    text = FIXTURE.read_text(encoding="utf-8")
    text += "channels:\n  pager: {enabled: true}\n  fax: {subject: {en: 'To all staff', zh-Hant: '致全體員工'}}\n"
    (kits / "outage.yml").write_text(text, encoding="utf-8")
    return kits


def test_a_new_channel_is_one_registry_entry_its_names_and_its_template(tmp_path: Path) -> None:
    kits = _kit_with_new_channels(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", _ADD_TWO_CHANNELS, str(kits)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["channels"][-2:] == ["pager", "fax"]  # the kit may list them: the schema knows them
    for language, made in seen["posts"].items():
        assert set(made) == {"pager", "fax"}
        url, headline = seen["urls"][language], seen["headlines"][language]
        assert made["pager"].startswith(headline) and made["pager"].endswith(url)  # derived as a short post
        assert seen["measured"][language] == len(made["pager"]) <= 160  # counted in code points, fitted to 160
        assert made["fax"] == f"FAX {headline} {url}"  # rendered from its template
    assert seen["labels"] == ["Pager en", "Pager zh-Hant"]
    assert seen["public"] == {"fax": False}  # an internal channel's override is not public text
    assert seen["pages"] and all(count >= 1 for count in seen["pages"])


def test_without_the_registry_entry_the_kit_is_refused(tmp_path: Path) -> None:
    kits = _kit_with_new_channels(tmp_path)
    from crisiskit.errors import KitError
    from crisiskit.pipeline import read_incidents

    with pytest.raises(KitError) as raised:
        read_incidents([kits])
    found = {(p.path, p.message.split(";")[0]) for p in raised.value.problems}
    assert ("channels.pager", f"expected one of {', '.join(post_channels())}") in found
    assert ("channels.fax", f"expected one of {', '.join(post_channels())}") in found
