"""User time zones: cities in four languages, IANA names, offsets, and stored names."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import ConfigError, UserInputError
from bot.core.timezones import (
    CITIES_PATH,
    format_offset,
    load_cities,
    load_zone,
    parse_zone,
    zone_name,
)

SUMMER_AT = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)


def offset_of(text: str) -> timedelta | None:
    return SUMMER_AT.astimezone(parse_zone(text)).utcoffset()


# --- IANA names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Asia/Almaty", "Asia/Almaty"),
        ("asia/almaty", "Asia/Almaty"),
        ("EUROPE/WARSAW", "Europe/Warsaw"),
        (" Asia/Kathmandu ", "Asia/Kathmandu"),
        ("America/New York", "America/New_York"),
        ("america/st_johns", "America/St_Johns"),
        ("UTC", "UTC"),
    ],
)
def test_iana_name_is_accepted_in_any_case(text: str, key: str) -> None:
    assert parse_zone(text) == ZoneInfo(key)


# --- cities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Almaty", "Alma-Ata", "Astana", "Nur-Sultan", "Karaganda", "Oskemen", "Shymkent"]
)
def test_english_city_names_resolve(text: str) -> None:
    assert parse_zone(text) == ZoneInfo("Asia/Almaty")


@pytest.mark.parametrize(
    "text", ["Алматы", "Алма-Ата", "Астана", "Нур-Султан", "Караганда", "Усть-Каменогорск"]
)
def test_russian_city_names_resolve(text: str) -> None:
    assert parse_zone(text) == ZoneInfo("Asia/Almaty")


@pytest.mark.parametrize(
    "text", ["Алматы", "Нұр-Сұлтан", "Қарағанды", "Өскемен", "Шымкент", "Qarağandy"]
)
def test_kazakh_city_names_resolve(text: str) -> None:
    assert parse_zone(text) == ZoneInfo("Asia/Almaty")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Warszawa", "Europe/Warsaw"),
        ("Kraków", "Europe/Warsaw"),
        ("Ałmaty", "Asia/Almaty"),
        ("Moskwa", "Europe/Moscow"),
        ("Nowy Jork", "America/New_York"),
        ("Pekin", "Asia/Shanghai"),
    ],
)
def test_polish_city_names_resolve(text: str, key: str) -> None:
    assert parse_zone(text) == ZoneInfo(key)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Aktau", "Asia/Aqtau"),
        ("Ақтау", "Asia/Aqtau"),
        ("Атырау", "Asia/Atyrau"),
        ("Oral", "Asia/Oral"),
        ("Уральск", "Asia/Oral"),
        ("Орал", "Asia/Oral"),
        ("Ақтөбе", "Asia/Aqtobe"),
        ("Костанай", "Asia/Qostanay"),
        ("Қызылорда", "Asia/Qyzylorda"),
    ],
)
def test_western_kazakhstan_cities_get_their_own_zones(text: str, key: str) -> None:
    assert parse_zone(text) == ZoneInfo(key)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Warsaw", "Europe/Warsaw"),
        ("Варшава", "Europe/Warsaw"),
        ("Moscow", "Europe/Moscow"),
        ("Москва", "Europe/Moscow"),
        ("Мәскеу", "Europe/Moscow"),
        ("Tashkent", "Asia/Tashkent"),
        ("Ташкент", "Asia/Tashkent"),
        ("Bishkek", "Asia/Bishkek"),
        ("Бишкек", "Asia/Bishkek"),
        ("London", "Europe/London"),
        ("Berlin", "Europe/Berlin"),
        ("Kathmandu", "Asia/Kathmandu"),
        ("Dubai", "Asia/Dubai"),
        ("Istanbul", "Europe/Istanbul"),
        ("Beijing", "Asia/Shanghai"),
        ("Seoul", "Asia/Seoul"),
        ("New York", "America/New_York"),
        ("Singapore", "Asia/Singapore"),
    ],
)
def test_world_city_names_resolve(text: str, key: str) -> None:
    assert parse_zone(text) == ZoneInfo(key)


@pytest.mark.parametrize(
    "text", ["almaty", "ALMATY", "алматы", "Алма Ата", "алма-ата", "  Almaty  ", "Alma.Ata"]
)
def test_city_match_ignores_case_spaces_and_hyphens(text: str) -> None:
    assert parse_zone(text) == ZoneInfo("Asia/Almaty")


@pytest.mark.parametrize(("text", "key"), [("Оскемен", "Asia/Almaty"), ("Актобе", "Asia/Aqtobe")])
def test_kazakh_name_typed_with_russian_letters_resolves(text: str, key: str) -> None:
    assert parse_zone(text) == ZoneInfo(key)


@pytest.mark.parametrize(
    ("text", "key"), [("Lodz", "Europe/Warsaw"), ("Sao Paulo", "America/Sao_Paulo")]
)
def test_city_name_typed_without_diacritics_resolves(text: str, key: str) -> None:
    assert parse_zone(text) == ZoneInfo(key)


def test_every_city_in_the_data_file_resolves_to_its_zone() -> None:
    data = tomllib.loads(CITIES_PATH.read_text(encoding="utf-8"))
    for entry in data["city"].values():
        for lang in ("en", "ru", "kk", "pl"):
            for name in entry[lang]:
                assert parse_zone(name) == ZoneInfo(entry["zone"]), name


def test_every_kazakhstan_region_centre_is_listed() -> None:
    centres = [
        "Kokshetau", "Aktobe", "Konaev", "Atyrau", "Oral", "Oskemen", "Semey", "Taraz",
        "Taldykorgan", "Karaganda", "Kostanay", "Kyzylorda", "Aktau", "Petropavl",
        "Pavlodar", "Turkistan", "Zhezkazgan", "Astana", "Almaty", "Shymkent",
    ]  # fmt: skip
    for name in centres:
        assert zone_name(parse_zone(name)).startswith("Asia/"), name


# --- offsets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours", "minutes"),
    [
        ("UTC+5", 5, 0),
        ("utc+5", 5, 0),
        ("UTC+05:45", 5, 45),
        ("UTC +0545", 5, 45),
        ("GMT-3", -3, 0),
        ("+5", 5, 0),
        ("-03:30", -3, -30),
        ("UTC−5", -5, 0),
        ("UTC+14", 14, 0),
        ("UTC-12", -12, 0),
        ("UTC+0", 0, 0),
    ],
)
def test_offset_gives_a_zone_at_that_offset(text: str, hours: int, minutes: int) -> None:
    assert offset_of(text) == timedelta(hours=hours, minutes=minutes)


def test_whole_hour_offset_is_the_iana_etc_zone_with_inverted_sign() -> None:
    assert parse_zone("UTC+5") == ZoneInfo("Etc/GMT-5")
    assert parse_zone("GMT-3") == ZoneInfo("Etc/GMT+3")


def test_quarter_hour_offset_is_a_fixed_timezone() -> None:
    assert parse_zone("UTC+05:45") == timezone(timedelta(hours=5, minutes=45))


def test_zero_offset_is_utc() -> None:
    assert parse_zone("GMT+0") == ZoneInfo("UTC")


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mars/Olympus",
        "",
        "   ",
        "Atlantis",
        "UTC+15",
        "UTC-13",
        "UTC+5:60",
        "UTC+05:20",
        "UTC+",
        "5",
        "../../etc/passwd",
        "Factory",
        "localtime",
    ],
)
def test_unknown_zone_gives_user_error_saying_what_to_send(text: str) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_zone(text)
    assert caught.value.key == "error.timezone"
    assert "Send a city (Almaty), a zone (Asia/Almaty) or an offset (UTC+5)." in str(caught.value)
    assert caught.value.args_map == {"value": " ".join(text.split())}


def test_unknown_zone_message_quotes_what_the_user_sent() -> None:
    with pytest.raises(UserInputError) as caught:
        parse_zone("Mars/Olympus")
    assert caught.value.message == (
        "Unknown time zone «Mars/Olympus». "
        "Send a city (Almaty), a zone (Asia/Almaty) or an offset (UTC+5)."
    )


def test_unknown_zone_message_clips_long_input() -> None:
    with pytest.raises(UserInputError) as caught:
        parse_zone("x" * 1000)
    assert len(caught.value.args_map["value"]) == 40


# --- stored names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("Алматы", "Asia/Almaty"),
        ("europe/warsaw", "Europe/Warsaw"),
        ("UTC+5", "UTC+05:00"),
        ("GMT-3", "UTC-03:00"),
        ("UTC+05:45", "UTC+05:45"),
        ("-03:30", "UTC-03:30"),
        ("UTC", "UTC"),
        ("UTC+0", "UTC"),
    ],
)
def test_stored_name_is_readable_and_round_trips(text: str, stored: str) -> None:
    zone = parse_zone(text)
    assert zone_name(zone) == stored
    assert load_zone(stored) == zone


def test_load_zone_does_not_take_city_names() -> None:
    with pytest.raises(UserInputError):
        load_zone("Almaty")


def test_zone_name_of_a_foreign_tzinfo_is_a_programming_error() -> None:
    class Odd(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

        def dst(self, dt: datetime | None) -> timedelta:
            return timedelta(0)

        def tzname(self, dt: datetime | None) -> str:
            return "odd"

    with pytest.raises(TypeError):
        zone_name(Odd())


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "UTC"), (300, "UTC+05:00"), (345, "UTC+05:45"), (-210, "UTC-03:30")]
)
def test_format_offset_reads_like_utc_plus_hh_mm(minutes: int, text: str) -> None:
    assert format_offset(timedelta(minutes=minutes)) == text


# --- the data file ----------------------------------------------------------------------


def write_cities(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cities.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_cities_file_with_unknown_zone_fails_to_load(tmp_path: Path) -> None:
    path = write_cities(
        tmp_path,
        '[city.x]\nzone = "Mars/Olympus"\nen = ["X"]\nru = ["X"]\nkk = ["X"]\npl = ["X"]\n',
    )
    with pytest.raises(ConfigError, match="unknown zone 'Mars/Olympus'"):
        load_cities(path)


def test_cities_file_with_a_name_for_two_zones_fails_to_load(tmp_path: Path) -> None:
    path = write_cities(
        tmp_path,
        '[city.a]\nzone = "Asia/Almaty"\nen = ["Same"]\nru = ["A"]\nkk = ["A"]\npl = ["A"]\n'
        '[city.b]\nzone = "Asia/Aqtau"\nen = ["same"]\nru = ["B"]\nkk = ["B"]\npl = ["B"]\n',
    )
    with pytest.raises(ConfigError, match="also names Asia/Almaty"):
        load_cities(path)


def test_cities_file_missing_a_language_fails_to_load(tmp_path: Path) -> None:
    path = write_cities(tmp_path, '[city.x]\nzone = "Asia/Almaty"\nen = ["X"]\nru = ["X"]\n')
    with pytest.raises(ConfigError, match="no kk names"):
        load_cities(path)
