"""The one place free text from the public is cleaned (portal/security.py, STYLE.md
principle 9): it stays plain text, exactly the characters the person meant, less what
carries no meaning. Markup typed is kept as typed; autoescape shows it as text
(tests/browser/test_hostile_text.py looks at it on every page)."""

import pytest

from portal.security import sanitise


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "<b>really</b> important",
        '<a href="javascript:alert(1)">click</a>',
        "</textarea><script>alert(2)</script>",
        "my worker said <he'd come back>",
        "a < b and c > d",
        "Tom & Jerry",
        "{{ 7 * 7 }}",
        "'; DROP TABLE submissions; --",
    ],
)
def test_markup_is_kept_as_the_literal_text_typed(typed: str) -> None:
    assert sanitise(typed) == typed


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("a\x00b", "ab"),
        ("bell\x07 and escape\x1b[31m", "bell and escape[31m"),
        ("delete\x7f", "delete"),
        ("zero\u200bwidth space", "zerowidth space"),
        ("reversed \u202eevil\u202c text", "reversed evil text"),
        ("isolated \u2066text\u2069", "isolated text"),
    ],
)
def test_control_characters_go(typed: str, kept: str) -> None:
    assert sanitise(typed) == kept


def test_tabs_and_new_lines_stay_and_windows_line_endings_become_unix() -> None:
    assert sanitise("one\ttwo\r\nthree\rfour\nfive") == "one\ttwo\nthree\nfour\nfive"


def test_outer_spaces_go_and_inner_ones_stay() -> None:
    assert sanitise("  two  words \n") == "two  words"


def test_text_is_in_one_unicode_form() -> None:
    assert sanitise("Zoe\u0308") == "Zoë"


@pytest.mark.parametrize(
    "typed", ["Zoë O'Brien", "Łukasz Żółć", "مرحبا", "日本語", "Привет", "🙂👍", "£20 – €5"]
)
def test_every_language_and_symbol_is_kept(typed: str) -> None:
    assert sanitise(typed) == typed


@pytest.mark.parametrize("typed", ["&lt;script&gt;", "AT&amp;T", "&#65;"])
def test_an_entity_typed_as_text_is_kept_as_typed(typed: str) -> None:
    assert sanitise(typed) == typed


@pytest.mark.parametrize(
    "typed", ["she said <!-- nothing --> to me", "<![CDATA[x]]>", "<?php echo 1 ?>"]
)
def test_text_that_looks_like_a_comment_is_kept(typed: str) -> None:
    assert sanitise(typed) == typed


@pytest.mark.parametrize("typed", ["می\u200cخواهم", "👩\u200d👧"])
def test_joiners_that_writing_systems_need_are_kept(typed: str) -> None:
    assert sanitise(typed) == typed
