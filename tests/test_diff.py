"""What changed between revisions: word-level for Latin scripts, character-level for CJK."""

from __future__ import annotations

from html.parser import HTMLParser

from crisiskit.render.diff import diff_html, diff_markdown, diff_texts, tokens

SAID = {"inserted": "inserted", "deleted": "deleted", "end": "end"}


def test_latin_text_is_compared_word_by_word() -> None:
    changes = diff_texts("We are investigating the outage.", "We have fixed the outage.")
    assert [(c.kind, c.text) for c in changes if c.kind != "equal"] == [
        ("delete", "are investigating"),
        ("insert", "have fixed"),
    ]


def test_numbers_with_separators_are_one_token() -> None:
    assert tokens("About 12,000 at 09:14") == ["About", " ", "12,000", " ", "at", " ", "09:14"]


def test_cjk_text_is_compared_character_by_character() -> None:
    changes = diff_texts("約有一萬名顧客受影響", "約有兩萬名顧客受到影響")
    assert [(c.kind, c.text) for c in changes if c.kind != "equal"] == [
        ("delete", "一"),
        ("insert", "兩"),
        ("insert", "到"),
    ]


def test_html_marks_changes_for_screen_readers() -> None:
    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.inserted: list[str] = []
            self.deleted: list[str] = []
            self.spoken: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.stack.append(tag)

        def handle_endtag(self, tag):
            self.stack.pop()

        def handle_data(self, data):
            self.spoken.append(data)
            if "span" in self.stack:
                return
            if "ins" in self.stack:
                self.inserted.append(data)
            elif "del" in self.stack:
                self.deleted.append(data)

    reader = Reader()
    reader.feed(diff_html("Next update at 10:00.", "Next update at 14:00 <today>.", SAID))
    assert reader.deleted == ["10:00"]
    assert reader.inserted == ["14:00", " <today>"] or "".join(reader.inserted) == "14:00 <today>"
    spoken = "".join(reader.spoken)
    assert "[deleted: 10:00 end]" in spoken and "[inserted: 14:00" in spoken


def test_markdown_digest_marks_insertions_and_deletions() -> None:
    assert diff_markdown("Call us today.", "Call our hotline today.") == "Call ~~us~~ **our hotline** today."


def test_a_huge_text_is_shown_replaced_whole_in_bounded_time() -> None:
    """Past MAX_COMPARED token pairs the quadratic word diff is not attempted (a hostile kit could stall generate)."""
    from crisiskit.render.diff import MAX_COMPARED

    words = ["alpha", "beta", "gamma", "delta"]
    old = " ".join(words[i % 4] for i in range(3000))
    new = " ".join(words[(i * 7) % 4] for i in range(3000))
    assert len(tokens(old)) * len(tokens(new)) > MAX_COMPARED
    assert [(c.kind, c.text) for c in diff_texts(old, new)] == [("delete", old), ("insert", new)]
    small = diff_texts("We are investigating.", "We have fixed it.")
    assert ("equal", "We ") in [(c.kind, c.text) for c in small]


def test_the_same_change_keeps_each_languages_hidden_words() -> None:
    """diff_html is remembered per texts and words: a change shown in two languages never swaps their words."""
    en = diff_html("open fire", "open water", SAID)
    zh = diff_html("open fire", "open water", {"inserted": "插入", "deleted": "刪除", "end": "結束"})
    assert "[inserted: " in en and "插入" not in en
    assert "[插入: " in zh and "inserted" not in zh
    assert diff_html("open fire", "open water", SAID) == en
    assert "earth" in diff_html("open fire", "open earth", SAID) and "earth" not in en
