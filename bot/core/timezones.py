"""User time zones: what a user may send to /timezone, and how a zone is stored as text.

A user sends a city ("Almaty", "Алматы", "Warszawa"), an IANA zone in any letter case
("asia/almaty") or a fixed offset ("UTC+5", "GMT-3", "+05:45"). `parse_zone` turns any of
them into a `tzinfo`; `zone_name` gives the string to store and `load_zone` reads it back.

Whole-hour offsets become IANA `Etc/GMT±N` zones; IANA inverts the sign there (UTC+5 is
`Etc/GMT-5`), so they are stored and shown as "UTC+05:00" instead. Offsets such as +05:45
have no IANA zone and become a fixed `datetime.timezone`. Stored names are therefore an
IANA key ("Asia/Almaty"), "UTC" or "UTC±HH:MM".
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from datetime import timedelta, timezone, tzinfo
from functools import cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core.errors import ConfigError, UserInputError
from bot.core.models import PRODUCT_LANGS

CITIES_PATH = Path(__file__).parent / "data" / "cities.toml"

# The span of offsets in use on Earth (Baker Island to Line Islands); whole hours in it
# all have an Etc/GMT±N zone.
_MIN_OFFSET = timedelta(hours=-12)
_MAX_OFFSET = timedelta(hours=14)
# Real offsets are whole quarter hours (+05:45 Nepal, +08:45 Eucla, +12:45 Chatham).
_OFFSET_STEP = timedelta(minutes=15)

# "UTC+5", "GMT-3", "+05:45", "UTC +0530", "UTC−5" (with a typographic minus).
_OFFSET_RE = re.compile(
    r"(?:utc|gmt)?\s*(?P<sign>[+\-−–])\s*(?P<hours>[0-9]{1,2})(?:[:.]?(?P<minutes>[0-9]{2}))?",
    re.IGNORECASE,
)
_ETC_GMT_RE = re.compile(r"Etc/GMT(?P<sign>[+-])(?P<hours>[0-9]{1,2})")

# Files in the zoneinfo tree that are not zones a user means.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})

# Kazakh letters folded to the Russian letters people type for them on a Russian
# keyboard, and Latin letters that Unicode decomposition leaves alone; with case,
# diacritics and separators dropped this lets "Оскемен" match "Өскемен" and "Lodz" "Łódź".
_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "ß": "ss",
    }
)


class UnknownTimeZoneError(UserInputError):
    """A time zone the user sent is not a city, IANA zone or offset we know."""

    key = "error.timezone"


def parse_zone(text: str) -> tzinfo:
    """The zone a user means by `text`: a fixed offset, a city name or an IANA zone.

    Raises `UnknownTimeZoneError` (key "error.timezone", argument `value`).
    """
    cleaned = " ".join(text.split())
    zone = _offset_zone(cleaned)
    if zone is None:
        city_zone = city_zones().get(fold_city(cleaned)) if cleaned else None
        zone = ZoneInfo(city_zone) if city_zone else _iana_zone(cleaned)
    if zone is None:
        raise _unknown(cleaned)
    return zone


def zone_name(zone: tzinfo) -> str:
    """The string to store for `zone`: its IANA key, "UTC" or "UTC±HH:MM"."""
    if isinstance(zone, ZoneInfo):
        match = _ETC_GMT_RE.fullmatch(zone.key)
        if match is None:
            return zone.key
        # IANA's Etc signs are POSIX-style: Etc/GMT-5 is five hours ahead of UTC.
        hours = int(match["hours"]) * (1 if match["sign"] == "-" else -1)
        return format_offset(timedelta(hours=hours))
    if isinstance(zone, timezone):
        offset = zone.utcoffset(None)
        return format_offset(offset)
    raise TypeError(f"cannot name a {type(zone).__name__} time zone; use parse_zone")


def load_zone(stored: str) -> tzinfo:
    """The zone for a name that `zone_name` gave: an IANA key, "UTC" or "UTC±HH:MM".

    City names are not accepted here. Raises `UnknownTimeZoneError` for a name this
    machine's tz database does not know.
    """
    zone = _offset_zone(stored) or _iana_zone(stored)
    if zone is None:
        raise _unknown(stored)
    return zone


def format_offset(offset: timedelta) -> str:
    """An offset from UTC as users read it: "UTC", "UTC+05:00", "UTC-03:30"."""
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def fold_city(name: str) -> str:
    """A city name reduced to what matching compares: no case, diacritics or separators."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in bare.translate(_FOLD) if ch.isalnum())


@cache
def city_zones() -> Mapping[str, str]:
    """Folded city name → IANA key, from `cities.toml`, loaded once."""
    return load_cities(CITIES_PATH)


def load_cities(path: Path) -> Mapping[str, str]:
    """Folded city name → IANA key from a cities file, checked: every zone exists in
    zoneinfo, names are given for the product languages only, and no name means two zones.
    Raises `ConfigError`.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}", path=str(path)) from exc
    cities = data.get("city")
    if not isinstance(cities, dict) or not cities:
        raise ConfigError(f"{path}: no [city.*] tables", path=str(path))
    langs = {lang.value for lang in PRODUCT_LANGS}
    known = _iana_keys()
    found: dict[str, str] = {}
    for city_id, entry in cities.items():
        where = f"{path.name}: city.{city_id}"
        zone = entry.get("zone") if isinstance(entry, dict) else None
        if not isinstance(zone, str) or zone.casefold() not in known:
            raise ConfigError(f"{where}: unknown zone {zone!r}", path=str(path))
        extra = set(entry) - langs - {"zone"}
        if extra:
            raise ConfigError(f"{where}: unexpected keys {sorted(extra)}", path=str(path))
        for lang in sorted(langs):
            names = entry.get(lang)
            if not isinstance(names, list) or not names:
                raise ConfigError(f"{where}: no {lang} names", path=str(path))
            for name in names:
                folded = fold_city(name) if isinstance(name, str) else ""
                if not folded:
                    raise ConfigError(f"{where}: bad {lang} name {name!r}", path=str(path))
                if found.setdefault(folded, zone) != zone:
                    raise ConfigError(
                        f"{where}: {name!r} also names {found[folded]}", path=str(path)
                    )
    return MappingProxyType(found)


@cache
def _iana_keys() -> Mapping[str, str]:
    """Case-folded IANA key → key, for every zone this machine's tz database has."""
    keys = available_timezones() - _NOT_ZONES
    return MappingProxyType({key.casefold(): key for key in keys})


def _iana_zone(text: str) -> ZoneInfo | None:
    # Only keys from the database reach ZoneInfo, never raw user text (which could be a
    # path); users write spaces where IANA has underscores ("America/New York").
    key = _iana_keys().get(text.strip().replace(" ", "_").casefold())
    if key is None:
        return None
    try:
        return ZoneInfo(key)
    except ZoneInfoNotFoundError:  # listed but unreadable: a broken tz install
        return None


def _offset_zone(text: str) -> tzinfo | None:
    """The zone for a fixed offset ("UTC+5", "+05:45", "UTC"), or None if `text` is not one."""
    match = _OFFSET_RE.fullmatch(text.strip())
    if match is None:
        return None
    minutes = int(match["minutes"] or 0)
    if minutes >= 60:
        raise _unknown(text.strip())
    offset = timedelta(hours=int(match["hours"]), minutes=minutes)
    if match["sign"] != "+":
        offset = -offset
    if not _MIN_OFFSET <= offset <= _MAX_OFFSET or offset % _OFFSET_STEP:
        raise _unknown(text.strip())
    if not offset:
        return ZoneInfo("UTC")
    if offset % timedelta(hours=1):
        return timezone(offset, format_offset(offset))
    hours = offset // timedelta(hours=1)
    return ZoneInfo(f"Etc/GMT{-hours:+d}")


def _unknown(text: str) -> UnknownTimeZoneError:
    shown = text if len(text) <= 40 else text[:39] + "…"
    return UnknownTimeZoneError(
        f"Unknown time zone «{shown}». "
        "Send a city (Almaty), a zone (Asia/Almaty) or an offset (UTC+5).",
        value=shown,
    )
