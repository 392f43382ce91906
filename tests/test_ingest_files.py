"""Files and folders to Documents (issue 3, part a): the seed files as they are, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.errors import FetchError, ParseError
from bot.core.ingest import FileResult, read_file, read_path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def seed(prefix: str) -> FileResult:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return read_file(path)


def only_document(result: FileResult):
    assert result.error is None, result.error
    (document,) = result.documents
    return document


# -- seed 000: " date 2025-11-20 РУ", then the title on its own line, a captioned photo credit


def test_seed_000_title_is_the_line_after_the_date_header():
    document = only_document(seed("000"))
    assert document.title == (
        "«Неделя сырьевых материалов» в ЕС: впервые организована отдельная сессия, посвященная ЦА"
    )


def test_seed_000_date_header_gives_an_aware_utc_date():
    assert only_document(seed("000")).published_at == datetime(2025, 11, 20, tzinfo=UTC)


def test_seed_000_language_tag_after_the_date_is_declared_lang():
    assert only_document(seed("000")).declared_lang == "ru"


def test_seed_000_photo_credit_and_its_caption_are_stripped():
    text = only_document(seed("000")).text
    assert "Фото:" not in text
    assert "В ходе «Недели сырьевых материалов» ЕС впервые" not in text
    assert text.startswith("Казахстанская делегация во главе с Вице-министром")


# -- seed 001: " date 2025-06 " followed by body text on the same line, no title


def test_seed_001_has_no_title_when_body_follows_the_date():
    assert only_document(seed("001")).title is None


def test_seed_001_month_only_date_keeps_the_first_of_the_month():
    assert only_document(seed("001")).published_at == datetime(2025, 6, 1, tzinfo=UTC)


def test_seed_001_body_starts_on_the_date_line():
    assert only_document(seed("001")).text.startswith("Су қауіпсіздігін қамтамасыз ету")


# -- seed 002: title on the date line


def test_seed_002_title_is_on_the_date_line():
    document = only_document(seed("002"))
    assert (
        document.title == "Астанада RES 2026 EXPO халықаралық көрмесінің ресми презентациясы өтті"
    )
    assert document.published_at == datetime(2025, 12, 19, tzinfo=UTC)
    assert document.text.startswith("АСТАНА.KAZINFORM")


# -- seed 003: Markdown with a site-name heading, a <URL> line, a date line and page chrome


def test_seed_003_title_is_the_article_heading_not_the_site_name():
    assert only_document(seed("003")).title == "Wizyta Ambasadora Kazachstanu"


def test_seed_003_url_comes_from_the_angle_bracket_line():
    assert only_document(seed("003")).url == (
        "https://www.duw.pl/pl/dla-mediow/aktualnosc/9109,Wizyta-Ambasadora-Kazachstanu.html"
    )


def test_seed_003_day_first_date_line_gives_the_date_and_time():
    assert only_document(seed("003")).published_at == datetime(2024, 4, 28, 1, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    "chrome",
    [
        "Drukuj",
        "Generuj PDF",
        "(#)",
        "fot. DUW",
        "liczba wejść",
        "Strona znajduje się w archiwum",
        "---",
        "Dolnośląski Urząd Wojewódzki\n",
        "#",
    ],
)
def test_seed_003_page_chrome_is_stripped(chrome):
    assert chrome not in only_document(seed("003")).text


def test_seed_003_text_keeps_the_article():
    text = only_document(seed("003")).text
    assert text.startswith("Wojewoda Tomasz Smolarz")
    assert text.endswith("Na terenie Kazachstanu mieszka około 40 tysięcy Polaków.")


# -- seed 004: the title repeated as the first paragraph


def test_seed_004_title_repeated_as_first_paragraph_is_dropped_from_text():
    document = only_document(seed("004"))
    assert document.title == "Астанада ауа мен су мониторингі жүйесі орнатылады"
    assert not document.text.startswith(document.title)
    assert document.text.startswith("Гонконг – Халықаралық")


def test_seed_004_without_a_date_has_no_published_at():
    assert only_document(seed("004")).published_at is None


# -- folders


def test_seed_folder_gives_one_result_per_file_sorted():
    articles = [r for r in read_path(SEEDS) if r.path.suffix == ".txt"]
    assert [r.path.name[:3] for r in articles] == ["000", "001", "002", "003", "004"]
    assert all(r.ok and len(r.documents) == 1 for r in articles)


def test_folder_skips_unsupported_types_with_a_reason(tmp_path):
    (tmp_path / "notes.txt").write_text("Body of a note that is long enough.", encoding="utf-8")
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    skipped = [r for r in read_path(tmp_path) if r.skipped]
    assert [r.path.name for r in skipped] == ["scan.pdf"]
    assert skipped[0].skipped == "unsupported file type"


def test_folder_leaves_out_hidden_files(tmp_path):
    (tmp_path / ".draft.txt").write_text("hidden", encoding="utf-8")
    assert list(read_path(tmp_path)) == []


def test_a_broken_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "a-empty.txt").write_bytes(b"")
    (tmp_path / "b-good.txt").write_text("Some article text.", encoding="utf-8")
    results = list(read_path(tmp_path))
    assert [r.error is None for r in results] == [False, True]


# -- bad input: each gets a one-line error naming the file


def error_of(path: Path, **kwargs):
    (result,) = read_path(path, **kwargs)
    assert result.error is not None
    assert str(path) in str(result.error)
    assert "\n" not in str(result.error)
    return result.error


def test_empty_file_gives_a_named_parse_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    error = error_of(path)
    assert isinstance(error, ParseError)
    assert "empty" in str(error)


def test_binary_file_gives_a_named_parse_error(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 8)
    error = error_of(path)
    assert isinstance(error, ParseError)
    assert "binary" in str(error)


def test_file_over_the_size_cap_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing written
    error = error_of(path)
    assert isinstance(error, FetchError)
    assert str(error) == f"{path}: larger than 10 MB, not read (FETCH_MAX_BYTES sets the cap)"


def test_size_cap_is_configurable(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text("x" * 2048, encoding="utf-8")
    assert "larger than 1 KB" in str(error_of(path, max_bytes=1024))


def test_missing_path_gives_a_named_error(tmp_path):
    assert "no such file" in str(error_of(tmp_path / "nowhere.txt"))


def test_unsupported_file_named_directly_is_an_error(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert "unsupported file type" in str(error_of(path))


def test_windows_1251_text_file_is_decoded_by_detection():
    document = only_document(read_file(DATA / "cp1251-article.txt"))
    assert document.title == "Казахстан утвердил план по охране водных ресурсов"
    assert "водохранилищ" in document.text


def _damaged_utf8(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.txt"
    body = "Заголовок\n\nТекст статьи о водных ресурсах Казахстана. ".encode()
    path.write_bytes(body + b"\xff\xfe\xfa broken tail")
    return path


def test_utf8_file_with_a_few_invalid_bytes_keeps_its_text(tmp_path):
    document = only_document(read_file(_damaged_utf8(tmp_path)))
    assert document.title == "Заголовок"
    assert document.text.endswith("Казахстана. \ufffd\ufffd\ufffd broken tail")


def test_invalid_bytes_replaced_are_a_warning_naming_the_file(tmp_path):
    path = _damaged_utf8(tmp_path)
    assert read_file(path).warnings == (
        f"{path}: 3 undecodable bytes replaced with \ufffd, the rest read",
    )


def test_valid_file_has_no_warning():
    assert seed("000").warnings == ()


def test_bytes_no_encoding_fits_give_a_parse_error_saying_to_save_as_utf8(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4)
    error = error_of(path)
    assert isinstance(error, ParseError)
    assert str(error) == f"{path}: not UTF-8 and no known encoding fits; save it as UTF-8"


def test_html_file_drops_scripts_and_styles():
    document = only_document(read_file(DATA / "article-with-scripts.html"))
    assert "Sejm przyjął ustawę" in document.text
    for hidden in ("do-not-index-this-script", "injected-by-script", "color: red", "margin"):
        assert hidden not in document.text


def test_html_file_gives_its_title_and_declared_lang():
    document = only_document(read_file(DATA / "article-with-scripts.html"))
    assert document.title == "Nowe przepisy o ochronie wód w Polsce"
    assert document.declared_lang == "pl"


# -- JSON and JSON Lines


def test_json_list_gives_a_document_per_record_with_text():
    result = read_file(DATA / "articles.json")
    assert [d.title for d in result.documents] == [
        "Lake Balkhash is shrinking",
        "Wisła w dobrym stanie",
    ]


def test_json_record_fields_are_read_liberally():
    first, second = read_file(DATA / "articles.json").documents
    assert first.url == "https://example.kz/balkhash"
    assert first.published_at == datetime(2025, 5, 2, 5, 0, tzinfo=UTC)
    assert first.declared_lang == "en"
    assert second.url == "https://example.pl/wisla"
    assert second.published_at == datetime(2025, 4, 1, tzinfo=UTC)


def test_json_html_content_becomes_plain_text():
    first = read_file(DATA / "articles.json").documents[0]
    assert first.text == "Water levels in Lake Balkhash fell again this year."


def test_json_single_object_gives_one_document(tmp_path):
    path = tmp_path / "one.json"
    path.write_text('{"title": "T", "text": "Body."}', encoding="utf-8")
    assert [d.text for d in read_file(path).documents] == ["Body."]


def test_jsonl_gives_one_document_per_line():
    assert len(read_file(DATA / "articles.jsonl").documents) == 2


def test_invalid_jsonl_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"text": \n', encoding="utf-8")
    assert "invalid JSON at line 2" in str(error_of(path))


def test_json_without_text_fields_is_an_error(tmp_path):
    path = tmp_path / "meta.json"
    path.write_text('[{"id": 1}]', encoding="utf-8")
    assert "no record has a text or title field" in str(error_of(path))
