"""Telegram's HTML parse mode: text and entities out of markup, or Telegram's own error text.

A byte-for-byte port of the rules of tdlib's `parse_html` (td/telegram/MessageEntity.cpp), not
a general HTML parser: offsets in errors are UTF-8 byte offsets of the `<`, only `&lt; &gt; &amp;
&quot;` and numeric references are decoded (`&laquo;` stays literal, the `;` is optional), a `<`
always opens a tag, and entity offsets are counted in UTF-16 code units as the Bot API does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "tg-emoji": "custom_emoji",
    "pre": "pre",
    "code": "code",
    "blockquote": "blockquote",
    "a": "text_link",
}
_NAMED_REFERENCES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
_SPACES = b" \t\n\r\f\v"
_NAME_TOKEN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_SURROGATE_ERROR = (
    "Text contains invalid Unicode characters after decoding HTML entities, "
    "check for unmatched surrogate code units"
)


class EntityParseError(ValueError):
    """Markup Telegram refuses; the message is the part after `can't parse entities: `."""


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 units of text before the tag


@dataclass
class ParsedText:
    """Plain text as the recipient sees it and its entities as Bot API MessageEntity dicts."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Bot API offsets and length limits."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(markup: str) -> ParsedText:
    """Parse Telegram HTML; raise EntityParseError with Telegram's message when it would."""
    data = markup.encode("utf-8")
    size = len(data)
    out: list[str] = []
    u16 = 0
    nested: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < size:
        byte = data[i]
        if byte == 0x26:  # '&'
            decoded = _decode_reference(data, i)
            if decoded is not None:
                char, i = decoded
                out.append(char)
                u16 += utf16_len(char)
                continue
            out.append("&")
            u16 += 1
            i += 1
            continue
        if byte != 0x3C:  # a run of text up to the next '&' or '<' (both ASCII, so whole chars)
            end = i
            while end < size and data[end] not in (0x26, 0x3C):
                end += 1
            chunk = data[i:end].decode("utf-8")
            out.append(chunk)
            u16 += utf16_len(chunk)
            i = end
            continue
        begin = i
        i += 1
        if i >= size or data[i] != 0x2F:  # start tag
            i = _parse_start_tag(data, begin, nested, u16)
            continue
        if not nested:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        i += 1
        name_begin = i
        while i < size and data[i] != 0x3E and data[i] not in _SPACES:
            i += 1
        end_name = data[name_begin:i].decode("utf-8").lower()
        while i < size and data[i] in _SPACES:
            i += 1
        if i >= size or data[i] != 0x3E:
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        i += 1
        opened = nested.pop()
        if end_name and end_name != opened.name:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {begin}, "
                f'expected "</{opened.name}>", found "</{end_name}>"'
            )
        entity = _entity(opened, u16, "".join(out))
        if entity is not None:
            entities.append(entity)
    if nested:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{nested[-1].name}"'
        )
    text = "".join(out)
    return ParsedText(text, _merge_pre_code(entities))


def trim(parsed: ParsedText) -> ParsedText:
    """Strip leading and trailing whitespace as Telegram does, moving and clipping entities."""
    text = parsed.text
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    stripped = stripped_left.rstrip()
    limit = utf16_len(stripped)
    entities: list[dict[str, Any]] = []
    for entity in parsed.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(stripped, entities)


def _parse_start_tag(data: bytes, begin: int, nested: list[_OpenTag], u16: int) -> int:
    size = len(data)
    i = begin + 1
    while i < size and data[i] not in _SPACES and data[i] != 0x3E:
        i += 1
    if i >= size:
        raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
    tag = data[begin + 1 : i].decode("utf-8").lower()
    if tag not in SUPPORTED_TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
    attributes: dict[str, str] = {}
    while True:
        while i < size and data[i] in _SPACES:
            i += 1
        if i >= size:
            raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
        if data[i] == 0x3E:
            break
        name_begin = i
        while i < size and data[i] not in _SPACES and data[i] not in b"=>":
            i += 1
        name = data[name_begin:i].decode("utf-8").lower()
        if not name:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
            )
        while i < size and data[i] in _SPACES:
            i += 1
        if i >= size:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if data[i] != 0x3D:  # '='
            if tag == "blockquote" and name == "expandable":
                attributes[name] = ""
                continue
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while i < size and data[i] in _SPACES:
            i += 1
        if i >= size:
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        if data[i] in b"\"'":
            close = data.find(data[i : i + 1], i + 1)
            if close < 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            value = _decode_value(data[i + 1 : close])
            i = close + 1
        else:
            token_begin = i
            while i < size and data[i] in _NAME_TOKEN:
                i += 1
            if i >= size or (data[i] not in _SPACES and data[i] != 0x3E):
                raise EntityParseError(f"Unexpected end of name token at byte offset {token_begin}")
            value = data[token_begin:i].decode("utf-8")
        attributes[name] = value
    argument = _argument(tag, attributes, begin)
    nested.append(_OpenTag(tag, argument, u16))
    return i + 1


def _argument(tag: str, attributes: dict[str, str], begin: int) -> str:
    if tag == "a":
        return attributes.get("href", "")
    if tag == "span":
        if attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
            )
        return ""
    if tag == "code":
        css = attributes.get("class", "")
        return css.removeprefix("language-") if css.startswith("language-") else ""
    if tag == "tg-emoji":
        emoji_id = attributes.get("emoji-id", "")
        if not emoji_id.isdigit():
            raise EntityParseError("Invalid custom emoji identifier specified")
        return emoji_id
    if tag == "blockquote" and "expandable" in attributes:
        return "expandable"
    return ""


def _entity(opened: _OpenTag, end: int, text: str) -> dict[str, Any] | None:
    length = end - opened.offset
    if length <= 0:
        return None
    kind = _ENTITY_TYPES[opened.name]
    entity: dict[str, Any] = {"type": kind, "offset": opened.offset, "length": length}
    if kind == "text_link":
        url = opened.argument or _utf16_slice(text, opened.offset, end)
        if not _looks_like_url(url):
            return None
        entity["url"] = url if "://" in url or url.startswith("tg:") else f"http://{url}/"
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = opened.argument
    elif kind == "code" and opened.argument:
        entity["language"] = opened.argument
    elif kind == "blockquote" and opened.argument:
        entity["type"] = "expandable_blockquote"
    return entity


def _merge_pre_code(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`<pre><code class="language-x">` is one `pre` entity with a language, as in Telegram."""
    merged = list(entities)
    for code in [e for e in entities if e["type"] == "code" and "language" in e]:
        for pre in merged:
            same_span = (pre["offset"], pre["length"]) == (code["offset"], code["length"])
            if pre["type"] == "pre" and same_span:
                pre["language"] = code["language"]
                merged.remove(code)
                break
        else:
            del code["language"]
    return sorted(merged, key=lambda e: (e["offset"], -e["length"]))


def _decode_reference(data: bytes, amp: int) -> tuple[str, int] | None:
    """Decode `&...;` at `amp`; None keeps the `&` literal, as Telegram does."""
    size = len(data)
    i = amp + 1
    if i < size and data[i] == 0x23:  # '#'
        i += 1
        base = 10
        if i < size and data[i] in b"xX":
            base = 16
            i += 1
        digits_begin = i
        digits = b"0123456789abcdefABCDEF" if base == 16 else b"0123456789"
        while i < size and data[i] in digits:
            i += 1
        if i == digits_begin or i - digits_begin > 8:
            return None
        code = int(data[digits_begin:i], base)
        if code == 0 or code > 0x10FFFF:
            return None
        if 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(_SURROGATE_ERROR)
        char = chr(code)
    else:
        name_begin = i
        while i < size and chr(data[i]).isascii() and chr(data[i]).isalpha():
            i += 1
        named = _NAMED_REFERENCES.get(data[name_begin:i])
        if named is None:
            return None
        char = named
    if i < size and data[i] == 0x3B:  # ';'
        i += 1
    return char, i


def _decode_value(raw: bytes) -> str:
    out: list[str] = []
    i = 0
    while i < len(raw):
        if raw[i] == 0x26:
            decoded = _decode_reference(raw, i)
            if decoded is not None:
                out.append(decoded[0])
                i = decoded[1]
                continue
        end = raw.find(b"&", i + 1)
        end = len(raw) if end < 0 else end
        out.append(raw[i:end].decode("utf-8"))
        i = end
    return "".join(out)


def _utf16_slice(text: str, start: int, end: int) -> str:
    units = text.encode("utf-16-le")
    return units[start * 2 : end * 2].decode("utf-16-le")


def _looks_like_url(url: str) -> bool:
    return bool(url) and " " not in url.strip() and ("." in url or url.startswith("tg:"))
