"""`/search WORDS`: full-text search in every language, best first, a page at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from bot.core.analysis import Analyzer
from bot.core.errors import UserInputError
from bot.core.models import Document, Lang
from bot.services import pipeline, search
from bot.services.pipeline import SourceReport
from bot.services.store import Store
from storage import db
from storage import search as search_repo
from storage.tables import Article

T0 = datetime(2025, 11, 1, 9, 0, tzinfo=UTC)
Add = Callable[..., int]


@pytest.fixture
def add(store: Store, analyzer: Analyzer) -> Add:
    """Ingest one article the way the pipeline does, and give its id."""

    def add(
        title: str,
        text: str = "",
        *,
        lang: str | None = None,
        published_at: datetime | None = None,
    ) -> int:
        doc = Document(text=text, title=title, published_at=published_at, declared_lang=lang)
        report = SourceReport(locator="test", kind="file")
        pipeline.store_documents(store, analyzer, None, [doc], report)
        assert report.taken == 1, report.line()
        with store.read() as session:
            return session.exec(sa.select(sa.func.max(Article.id))).one()[0]

    return add


def _ids(store: Store, words: str, langs: tuple[str, ...] = ()) -> list[int]:
    return [a.id for a in search.search(store, words, page=1, page_size=50, langs=langs).items]


def test_russian_word_finds_its_inflected_forms(store: Store, add: Add) -> None:
    genitive = add("Запасы лития в Восточном Казахстане")
    instrumental = add("Торговля", "Компания займётся литием и вольфрамом.")
    add("Литература", "Новые книги о литературе.")
    assert set(_ids(store, "литий")) == {genitive, instrumental}


def test_polish_word_finds_its_inflected_form(store: Store, add: Add) -> None:
    wody = add("Brak wody w regionie", lang="pl")
    woda = add("Woda w kranie", lang="pl")
    assert set(_ids(store, "woda")) == {wody, woda}


def test_kazakh_short_word_finds_its_case_forms_but_not_longer_words(
    store: Store, add: Add
) -> None:
    suffixed = add("Ауыз суды тазарту", lang="kk")
    add("Сот шешімі", "Сумма мен сурет туралы.", lang="kk")
    assert _ids(store, "су") == [suffixed]


def test_english_word_finds_plural_and_is_case_insensitive(store: Store, add: Add) -> None:
    plural = add("Lithium batteries", "New LITHIUM mines open.", lang="en")
    assert _ids(store, "Battery") == [plural]
    assert _ids(store, "lithium") == [plural]


def test_every_word_must_match(store: Store, add: Add) -> None:
    both = add("Литий и вольфрам")
    add("Только литий")
    assert _ids(store, "литий вольфрам") == [both]


def test_title_hit_ranks_above_body_only_hit(store: Store, add: Add) -> None:
    # The word comes after the lead sentences, so it is in the body but not the summary.
    body = add("Новости региона", "Прочие новости дня. " * 5 + "Обсуждали уран. Уран дорожает.")
    title = add("Уран подорожал", "Рынок металлов вырос. " * 5)
    assert _ids(store, "уран") == [title, body]


def test_equal_matches_rank_newer_first(store: Store, add: Add) -> None:
    old = add("Уран", "Рынок один.", published_at=T0)
    new = add("Уран", "Рынок два.", published_at=T0 + timedelta(days=1))
    assert _ids(store, "уран") == [new, old]


def test_languages_filter_keeps_only_those(store: Store, add: Add) -> None:
    add("Уран в Казахстане", "Компания увеличила добычу урана в этом году.", lang="ru")
    kk = add("Уран өндірісі", "Қазақстанда уран өндіру биыл артты.", lang="kk")
    assert _ids(store, "уран", langs=("kk",)) == [kk]


def test_pages_are_disjoint_and_give_the_total(store: Store, add: Add) -> None:
    for i in range(12):
        add(f"Нефть, выпуск {i}", f"Сводка номер {i}.", published_at=T0 + timedelta(hours=i))
    pages = [search.search(store, "нефть", page=p, page_size=5) for p in (1, 2, 3)]
    ids = [a.id for p in pages for a in p.items]
    assert [len(p.items) for p in pages] == [5, 5, 2]
    assert len(set(ids)) == 12
    assert {(p.total, p.pages) for p in pages} == {(12, 3)}
    assert not pages[0].capped


def test_language_code_is_not_a_search_word(store: Store, add: Add) -> None:
    add("Уран в Казахстане", "Компания увеличила добычу урана в этом году.", lang="ru")
    assert _ids(store, "ru") == []


def test_page_past_the_last_gives_the_last_page(store: Store, add: Add) -> None:
    for i in range(7):
        add(f"Газ {i}", f"Сводка номер {i}.")
    result = search.search(store, "газ", page=9, page_size=5)
    assert (result.page, result.pages, len(result.items)) == (2, 2, 2)


def test_no_match_is_an_empty_first_page(store: Store, add: Add) -> None:
    add("Уран")
    result = search.search(store, "молибден", page=3)
    assert (result.items, result.total, result.page, result.pages) == ((), 0, 1, 1)


def test_items_carry_language_and_topic_links(store: Store, analyzer: Analyzer) -> None:
    doc = Document(
        title="Литий Казахстана",
        text="Казахстан и Европейский союз обсудили добычу редкоземельных металлов и лития. " * 3,
    )
    pipeline.store_documents(store, analyzer, None, [doc], SourceReport("test", "file"))
    (item,) = search.search(store, "лития", page=1).items
    assert item.lang == Lang.RU
    assert item.title == "Литий Казахстана"
    assert any(t.topic_id == "rare_earths" for t in item.topics)


def test_deleted_article_is_no_longer_found(store: Store, add: Add) -> None:
    gone = add("Уран и торий", "Первая новость.")
    kept = add("Уран", "Вторая новость.")
    with store.write() as session:
        session.delete(session.get(Article, gone))
    assert _ids(store, "уран") == [kept]


def test_edited_article_is_found_by_its_new_words(store: Store, add: Add) -> None:
    article_id = add("Уран")
    with store.write() as session:
        article = session.get(Article, article_id)
        assert article is not None
        article.title = "Торий"
    assert _ids(store, "уран") == []
    assert _ids(store, "торий") == [article_id]


@pytest.mark.parametrize("words", ["", "   ", "!!! ???", "🔥🚀", '"*"', ")(", ":*", "&|!"])
def test_query_without_words_asks_for_words(store: Store, words: str) -> None:
    with pytest.raises(UserInputError, match="/search lithium"):
        search.search(store, words, page=1)


@pytest.mark.parametrize(
    "words",
    [
        '"уран',
        'уран"',
        "уран*",
        "*уран",
        "AND OR NOT уран",
        "уран AND",
        "NEAR(уран торий)",
        ")( уран",
        "уран:*",
        "уран:* & !торий | (газ)",
        "title:уран",
        "^уран",
        "уран-торий",
        "'уран'",
        "\\уран",
        "уран 🔥",
        "اليورانيوم יורניום",  # Arabic and Hebrew, right to left
        "\u202eуран\u202c",  # bidi override around the word
        "уран\x00торий",
        "Ура́н",  # combining acute accent
        "İstanbul",  # lowercases to "i" + combining dot
        "уран " * 1000,
        "у" * 5000,
        " ".join(f"слово{i}" for i in range(1000)),
    ],
)
def test_hostile_input_is_searched_as_plain_words(store: Store, add: Add, words: str) -> None:
    add("Уран и торий")
    result = search.search(store, words, page=1)
    assert len(result.query) <= search.MAX_QUERY_CHARS


def test_hostile_input_around_a_word_still_finds_it(store: Store, add: Add) -> None:
    found = add("Уран и торий")
    assert _ids(store, '("уран":*)!* 🔥') == [found]


def test_total_is_capped(store: Store, add: Add, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_repo, "MAX_TOTAL", 3)
    for i in range(5):
        add(f"Уран {i}", f"Сводка номер {i}.")
    result = search.search(store, "уран", page=1, page_size=2)
    assert (result.total, result.pages, result.capped) == (3, 2, True)


def test_migration_indexes_articles_stored_before_it(db_url: str) -> None:
    engine = db.make_engine(db_url)
    command.upgrade(db.alembic_config(engine), "0001")
    with engine.begin() as conn:
        table = sa.Table("article", sa.MetaData(), autoload_with=conn)
        conn.execute(sa.insert(table).values(_row_at_0001(table, title="Запасы лития")))
    engine.dispose()
    store = Store.open(db_url)
    try:
        assert len(_ids(store, "литий")) == 1
    finally:
        store.close()


def _row_at_0001(table: sa.Table, **values: object) -> dict[str, object]:
    """A row for `article` as revision 0001 made it: every required column filled."""
    row: dict[str, object] = {"text": "", "summary": "", "lang": "ru", "ingested_at": T0}
    for column in table.columns:
        if column.primary_key or column.nullable or column.name in row:
            continue
        if isinstance(column.type, sa.Integer):
            row[column.name] = 0
        else:
            row[column.name] = "0" * 64
    return row | values


def test_downgrade_removes_the_index_and_upgrade_restores_it(store: Store, add: Add) -> None:
    article_id = add("Уран", "Новость.")
    cfg = db.alembic_config(store.engine)
    command.downgrade(cfg, "0001")
    with store.engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        columns = {c["name"] for c in sa.inspect(conn).get_columns("article")}
    assert "article_fts" not in names and "search_vector" not in columns
    command.upgrade(cfg, "head")
    assert _ids(store, "уран") == [article_id]


@pytest.mark.parametrize(
    ("word", "exact", "prefix"),
    [
        ("литий", "литий", "лити"),
        ("литием", "литием", "лити"),
        ("месторождения", "месторождения", "месторожден"),
        ("lithium", "lithium", "lithi"),
        ("2024", "2024", None),
    ],
)
def test_long_words_are_searched_by_their_stem(word: str, exact: str, prefix: str | None) -> None:
    (parsed,) = search_repo.words(word)
    assert (parsed.exact[0], parsed.prefix) == (exact, prefix)


def test_query_keeps_at_most_max_words_distinct_words() -> None:
    parsed = search_repo.words("a b a c d e f g h i j k")
    assert [w.exact[0] for w in parsed] == list("abcdefgh")[: search_repo.MAX_WORDS]


def test_recent_matches_gives_only_newer_articles_newest_first(store: Store, add: Add) -> None:
    old = add("Запасы лития в Восточном Казахстане")
    first = add("Литий для батарей", "Компания займётся литием.")
    second = add("Ещё литий", "Рынок лития растёт.")
    with store.read() as session:
        assert search_repo.recent_matches(session, "литий", after_id=old, limit=10) == [
            second,
            first,
        ]
