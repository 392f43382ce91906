"""Telegram's HTML parse mode, rule by rule (issue 5); texts as tdlib's own tests give them."""

import pytest

from bot.fakebot.entities import EntityParseError, parse_html


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        (
            "<b>bold <i>both</b></i>",
            'Unmatched end tag at byte offset 15, expected "</i>", found "</b>"',
        ),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("x <b", "Unclosed start tag at byte offset 2"),
        ("done</b>", "Unexpected end tag at byte offset 4"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<i    aba>",
            'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 0',
        ),
        (
            "🏟 🏟&lt;<i>a</em   >",
            'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
        ),
    ],
)
def test_bad_markup_gives_telegrams_error_text(markup, error):
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == error


def test_byte_offsets_count_utf8_bytes_of_cyrillic_text():
    with pytest.raises(EntityParseError, match="at byte offset 12"):
        parse_html("Привет<br>")


def test_only_four_named_entities_are_decoded_and_others_stay_literal():
    assert (
        parse_html("&lt;&gt;&amp;&quot; &laquo;x&raquo; &#1046;").text == '<>&" &laquo;x&raquo; Ж'
    )


def test_a_bare_ampersand_stays_literal():
    assert parse_html("Tom & Jerry").text == "Tom & Jerry"


def test_entities_carry_utf16_offsets():
    parsed = parse_html("🏟 <b>x</b>")
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 1}]


def test_link_and_spoiler_and_pre_with_language_become_entities():
    parsed = parse_html(
        '<a href="https://example.org">site</a> <tg-spoiler>s</tg-spoiler> '
        '<pre><code class="language-python">x</code></pre>'
    )
    assert [(e["type"], e.get("url"), e.get("language")) for e in parsed.entities] == [
        ("text_link", "https://example.org", None),
        ("spoiler", None, None),
        ("pre", None, "python"),
    ]
