"""The Bot API as data (api.json): which methods exist and what their parameters must look like.

Parameters arrive as strings (form and multipart bodies; python-telegram-bot JSON-encodes every
non-string value) or as JSON values (JSON bodies). `parse_params` turns both into Python values
checked against the field types, and refuses what Telegram would refuse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.fakebot.errors import ApiError, bad_request

SHARED_API_JSON = (
    Path(__file__).resolve().parents[2].parent / "shared" / "telegram-bot-api" / "api.json"
)
PACKAGED_SUBSET = Path(__file__).with_name("api_subset.json")

_INTEGER = re.compile(r"-?\d+")
# Telegram's own words for a missing parameter, where we know them; others read "<name> is empty".
_MISSING = {
    "text": "Bad Request: message text is empty",
    "document": "Bad Request: there is no document in the request",
    "photo": "Bad Request: there is no photo in the request",
    "sticker": "Bad Request: there is no sticker in the request",
}


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool
    description: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]


@dataclass(frozen=True)
class TypeSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]


class _Mismatch(ValueError):
    """A value that does not fit its declared type."""


@dataclass(frozen=True)
class ApiSpec:
    """Methods (looked up case-insensitively, as Telegram does) and types of one Bot API version."""

    version: str
    methods: dict[str, MethodSpec]
    types: dict[str, TypeSpec]

    @classmethod
    def load(cls, path: Path | None = None) -> ApiSpec:
        """Read api.json from `path`, else ../shared, else the copy shipped in this package."""
        if path is None:
            path = SHARED_API_JSON if SHARED_API_JSON.is_file() else PACKAGED_SUBSET
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ApiSpec:
        methods = {
            name.lower(): MethodSpec(name, _fields(method.get("fields", [])))
            for name, method in data["methods"].items()
        }
        types = {
            name: TypeSpec(name, _fields(kind.get("fields", [])), tuple(kind.get("subtypes", [])))
            for name, kind in data["types"].items()
        }
        return cls(str(data.get("version", "")), methods, types)

    def method(self, name: str) -> MethodSpec | None:
        return self.methods.get(name.lower())

    def parse_params(
        self, method: MethodSpec, raw: Mapping[str, Any], *, strict: bool = True
    ) -> dict[str, Any]:
        """Check and convert one call's parameters; raise ApiError (400) as Telegram would."""
        params: dict[str, Any] = {}
        for name, value in raw.items():
            known = method.fields.get(name)
            if known is None:
                if strict:
                    # Telegram ignores unknown parameters; the fake refuses them to catch typos.
                    raise bad_request(f'Bad Request: unknown parameter "{name}" of {method.name}')
                continue
            if value is None or (value == "" and known.types != ("String",)):
                continue
            params[name] = self._top_level(known, value)
        for spec in method.fields.values():
            if spec.required and spec.name not in params:
                raise bad_request(_MISSING.get(spec.name, f"Bad Request: {spec.name} is empty"))
        return params

    def _top_level(self, known: FieldSpec, value: Any) -> Any:
        if known.name == "reply_markup":
            # Its shape is checked with Telegram's own texts in markup.py.
            return _json_value(value, "Bad Request: can't parse reply keyboard markup JSON object")
        try:
            return self.coerce(known.types, value, top_level=True)
        except _Mismatch as exc:
            expected = " or ".join(known.types)
            raise bad_request(
                f'Bad Request: parameter "{known.name}" must be {expected}: {exc}'
            ) from exc

    def coerce(self, types: tuple[str, ...], value: Any, *, top_level: bool = False) -> Any:
        """The value converted to the first of `types` it fits; _Mismatch if none."""
        problems: list[str] = []
        for kind in types:
            try:
                return self._coerce_one(kind, value, top_level)
            except _Mismatch as exc:
                problems.append(str(exc))
        raise _Mismatch(problems[-1] if problems else "no type")

    def _coerce_one(self, kind: str, value: Any, top_level: bool) -> Any:
        if kind == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise _Mismatch(f"got {type(value).__name__}")
        if kind == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
                return int(value)
            raise _Mismatch(f"{value!r} is not an Integer")
        if kind == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            try:
                return float(value)
            except (TypeError, ValueError) as exc:
                raise _Mismatch(f"{value!r} is not a Float") from exc
        if kind == "Boolean":
            return _boolean(value)
        if kind == "InputFile":
            if isinstance(value, UploadedFile):
                return value
            raise _Mismatch("no file uploaded")
        if isinstance(value, str) and top_level:
            value = _json_value(value, "can't parse JSON")
        if kind.startswith("Array of "):
            if not isinstance(value, list):
                raise _Mismatch("expected an Array")
            inner = (kind.removeprefix("Array of "),)
            return [self.coerce(inner, item) for item in value]
        return self._object(kind, value)

    def _object(self, kind: str, value: Any) -> Any:
        spec = self.types.get(kind)
        if spec is None:
            raise _Mismatch(f"unknown type {kind}")
        if spec.subtypes:
            return self.coerce(spec.subtypes, value)
        if not isinstance(value, dict):
            raise _Mismatch(f"{kind} should be an Object")
        checked = dict(value)  # unknown fields inside objects are ignored, as Telegram does
        for member in spec.fields.values():
            if member.name in value and value[member.name] is not None:
                try:
                    checked[member.name] = self.coerce(member.types, value[member.name])
                except _Mismatch as exc:
                    raise _Mismatch(f'field "{member.name}" of {kind}: {exc}') from exc
            elif member.required:
                raise _Mismatch(f'{kind} has no field "{member.name}"')
        _check_discriminator(spec, value)
        return checked


def _check_discriminator(spec: TypeSpec, value: Mapping[str, Any]) -> None:
    """Union members (BotCommandScopeChat, ...) name themselves in a `type` field."""
    type_field = spec.fields.get("type")
    if type_field is None or "type" not in value:
        return
    match = re.search(r'must be "?([a-z_]+)"?', type_field.description)
    if match and value["type"] != match.group(1):
        raise _Mismatch(f'{spec.name} must have type "{match.group(1)}"')


def _fields(raw: list[Mapping[str, Any]]) -> dict[str, FieldSpec]:
    return {
        item["name"]: FieldSpec(
            item["name"],
            tuple(item["types"]),
            bool(item["required"]),
            str(item.get("description", "")),
        )
        for item in raw
    }


def _json_value(value: Any, error: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        if error.startswith("Bad Request"):
            raise bad_request(error) from exc
        raise _Mismatch(error) from exc


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise _Mismatch(f"{value!r} is not a Boolean")


__all__ = ["ApiError", "ApiSpec", "FieldSpec", "MethodSpec", "TypeSpec", "UploadedFile"]
