"""Full-text search over articles: SQLite FTS5 or PostgreSQL tsvector, best matches first.

The index lives outside `storage.tables` (migration 0002): the FTS5 table `article_fts` on
SQLite, the generated column `article.search_vector` on PostgreSQL. Neither engine stems
Kazakh, Russian and Polish together, so the query is stemmed here instead: each word becomes
"the word itself OR its stem as a prefix" (long words) or "the word OR the word with a common
ending" (short words), and the words are ANDed. Matching the word itself as well ranks exact
forms above other forms of the same stem.

User text never reaches either query language as syntax: it is cut into letter/digit runs,
and each run is written as a quoted string (FTS5) or a quoted lexeme (tsquery), so quotes,
operators, parentheses and `:*` typed by a user are separators, not syntax.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

#: The total is counted up to this many matches. Counting every match of a common word in a
#: large store costs as much as ranking them all, and nobody pages past result 1,000; a total
#: equal to the cap means "at least this many".
MAX_TOTAL = 1000
#: Words of a query that are used; the rest are ignored (a query is a few words, not a text).
MAX_WORDS = 8
#: Characters of a word that are used: longer runs are cut (no real word is this long).
MAX_WORD_CHARS = 64
#: Stems kept for prefix matching are at least this long: shorter prefixes match too much.
MIN_STEM = 4

# Endings tried after short words, for which a prefix would match half the dictionary
# ("су"* would find "суд" and "сумма"). Common Russian noun endings and Kazakh case, possessive
# and plural suffixes in both vowel harmonies, so "су" finds "суы", "суды", "суға", "сулар".
_CYRILLIC_ENDINGS = (
    # Russian
    "а", "я", "у", "ю", "е", "и", "ы", "ой", "ей", "ом", "ем", "ов", "ев", "ам", "ям", "ами",
    "ями", "ах", "ях",
    # Kazakh
    "і", "ны", "ні", "ды", "ді", "ты", "ті", "сы", "сі", "ға", "ге", "қа", "ке", "на", "не",
    "да", "де", "та", "те", "нда", "нде", "дан", "ден", "тан", "тен", "нан", "нен", "ның",
    "нің", "дың", "дің", "тың", "тің", "мен", "бен", "пен", "лар", "лер", "дар", "дер", "тар",
    "тер",
)  # fmt: skip
# Polish case endings and the English plural, for "gaz" → "gazu", "woda" → "wody", "oil" → "oils".
_LATIN_ENDINGS = (
    "a", "e", "i", "u", "y", "ą", "ę", "ów", "em", "om", "ie", "ach", "ami", "s", "es",
)  # fmt: skip
_VOWELS = frozenset("аеёиоуыэюяіәөүұ" + "aeiouyąęó")


@dataclass(frozen=True, slots=True)
class Word:
    """One query word as index terms: exact words, and stems matched as prefixes."""

    exact: tuple[str, ...]
    prefix: str | None = None


def words(query: str) -> list[Word]:
    """The query's words (at most `MAX_WORDS`) with their forms; empty when it has none."""
    tokens = _tokens(query)
    # One-letter words ("в", "i", "a") are prepositions and conjunctions in every language the
    # store holds: they match nearly every article, so they are dropped beside longer words.
    if any(len(t) > 1 for t in tokens):
        tokens = [t for t in tokens if len(t) > 1]
    found: list[Word] = []
    seen: set[str] = set()
    for token in tokens:
        if token in seen:
            continue
        seen.add(token)
        found.append(_forms(token))
        if len(found) == MAX_WORDS:
            break
    return found


def search(
    session: Session,
    query: str,
    *,
    limit: int,
    offset: int,
    langs: Sequence[str] = (),
) -> tuple[list[int], int]:
    """Ids of the articles matching every word, best first, and their total up to `MAX_TOTAL`.

    Ties in rank go to the article stored last. `langs` keeps articles in those languages (empty:
    all). A query without words matches nothing.
    """
    parsed = words(query)
    if not parsed:
        return [], 0
    # Pages end at MAX_TOTAL like the count, which also bounds the cost of a deep OFFSET.
    offset = max(0, offset)
    limit = max(0, min(limit, MAX_TOTAL - offset))
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return _search_sqlite(session, _fts5_query(parsed), limit, offset, langs)
    if dialect == "postgresql":
        return _search_postgres(session, _tsquery(parsed), limit, offset, langs)
    raise NotImplementedError(f"no full-text search for the {dialect} dialect")


# --- query text -------------------------------------------------------------------------------


def _tokens(query: str) -> list[str]:
    """Lowercase runs of letters, digits and combining marks, like the index tokenizers."""
    tokens: list[str] = []
    run: list[str] = []
    for ch in unicodedata.normalize("NFC", query) + " ":
        if unicodedata.category(ch)[0] in "LNM":
            run.append(ch)
            continue
        if run:
            # lower() can add combining marks ("İ" → "i̇"); keep letters and digits only.
            token = "".join(c for c in "".join(run).lower() if c.isalnum())
            if token:
                tokens.append(token[:MAX_WORD_CHARS])
            run = []
    return tokens


def _forms(token: str) -> Word:
    if len(token) == 1 or not token.isalpha():  # numbers and codes ("2024", "co2") as typed
        return Word((token,))
    if len(token) > 4:
        # Drop an ending (one letter of a five-letter word, two of longer ones), keeping a
        # stem of at least MIN_STEM: "литий", "лития" and "литием" all share "лити".
        stem = token[: max(MIN_STEM, len(token) - (1 if len(token) == 5 else 2))]
        return Word((token,), stem)
    endings: tuple[str, ...]
    if _is_cyrillic(token):
        endings = _CYRILLIC_ENDINGS
    elif token.isascii() or _is_latin(token):
        endings = _LATIN_ENDINGS
    else:
        return Word((token,))
    stems = [token]
    if len(token) == 4 and token[-1] in _VOWELS:  # "woda" → "wod" + "y"
        stems.append(token[:-1])
    forms = dict.fromkeys([token, *(s + e for s in stems for e in endings)])
    return Word(tuple(forms))


def _is_cyrillic(token: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in token)


def _is_latin(token: str) -> bool:
    return all(c.isascii() or "\u00c0" <= c <= "\u024f" for c in token)


def _fts5_query(parsed: Sequence[Word]) -> str:
    # Every term is a double-quoted FTS5 string: inside one, only '"' is special, and tokens
    # hold letters and digits only. Keywords (AND, NEAR), '*', ':' and '^' typed by the user
    # never get here as syntax.
    groups = []
    for word in parsed:
        terms = [f'"{t}"' for t in word.exact]
        if word.prefix:
            terms.append(f'"{word.prefix}"*')
        groups.append("(" + " OR ".join(terms) + ")")
    return " AND ".join(groups)


def _tsquery(parsed: Sequence[Word]) -> str:
    # Quoted lexemes for to_tsquery; tokens hold letters and digits only, so no quote,
    # backslash, operator (& | ! <->) or weight/prefix marker (:*AB) can come from the user.
    groups = []
    for word in parsed:
        terms = [f"'{t}'" for t in word.exact]
        if word.prefix:
            terms.append(f"'{word.prefix}':*")
        groups.append("(" + " | ".join(terms) + ")")
    return " & ".join(groups)


# --- SQLite -----------------------------------------------------------------------------------

# bm25 weights per column (title, summary, text, lang): a title hit outweighs several body hits,
# and the language column, there only for filtering, does not count. bm25 is negative, lower is
# better. Ranking and the language filter both stay inside the FTS5 index: no article row is
# read until the page's ids are known. Measured on 100,000 articles, `ORDER BY bm25(...)` with
# LIMIT (SQLite's top-N sorter) is faster than `ORDER BY rank` (FTS5 sorts every match), and
# the tie-break on rowid (newest stored first) costs nothing, where one on a column of
# `article` would read every matching row.
_SQLITE_PAGE = """
SELECT rowid FROM article_fts
WHERE article_fts MATCH :q
ORDER BY bm25(article_fts, 10.0, 4.0, 1.0, 0.0), rowid DESC
LIMIT :limit OFFSET :offset
"""
_SQLITE_COUNT = """
SELECT count(*) FROM (SELECT 1 FROM article_fts WHERE article_fts MATCH :q LIMIT :cap)
"""


def _search_sqlite(
    session: Session, q: str, limit: int, offset: int, langs: Sequence[str]
) -> tuple[list[int], int]:
    # The words are looked for in the text columns only: "ru" must not match every Russian
    # article through its language code.
    q = f"{{title summary text}} : ({q})"
    if langs:
        q += " AND lang : (" + " OR ".join(_fts5_string(lang) for lang in langs) + ")"
    return _run(session, sa.text(_SQLITE_PAGE), sa.text(_SQLITE_COUNT), {"q": q}, limit, offset)


def _fts5_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


# --- PostgreSQL -------------------------------------------------------------------------------

# Weights for D, C, B, A: body 0.2, summary 0.4, title 1.0. Normalisation 1 divides by
# 1 + log(length), so a long body repeating a word does not beat a title that names it.
_POSTGRES_PAGE = """
SELECT a.id
FROM article AS a, to_tsquery('simple', :q) AS q
WHERE a.search_vector @@ q {where}
ORDER BY ts_rank_cd('{{0.1, 0.2, 0.4, 1.0}}', a.search_vector, q, 1) DESC, a.id DESC
LIMIT :limit OFFSET :offset
"""


def _search_postgres(
    session: Session, q: str, limit: int, offset: int, langs: Sequence[str]
) -> tuple[list[int], int]:
    where = "AND a.lang = ANY(:langs)" if langs else ""
    page = sa.text(_POSTGRES_PAGE.format(where=where))
    count = sa.text(
        "SELECT count(*) FROM (SELECT 1 FROM article AS a, to_tsquery('simple', :q) AS q "
        f"WHERE a.search_vector @@ q {where} LIMIT :cap) AS m"
    )
    params: dict[str, object] = {"q": q}
    if langs:
        params["langs"] = list(langs)
    return _run(session, page, count, params, limit, offset)


def _run(
    session: Session,
    page: sa.TextClause,
    count: sa.TextClause,
    params: dict[str, object],
    limit: int,
    offset: int,
) -> tuple[list[int], int]:
    conn = session.connection()
    ids: list[int] = []
    if limit:
        rows = conn.execute(page, params | {"limit": limit, "offset": offset})
        ids = [row[0] for row in rows]
    total: int = conn.execute(count, params | {"cap": MAX_TOTAL}).scalar_one()
    return ids, total


def recent_matches(session: Session, query: str, *, after_id: int, limit: int) -> list[int]:
    """Ids above `after_id` of the articles matching every word, newest first, unranked and
    uncounted: what a keyword subscription needs from the articles of the digest window."""
    parsed = words(query)
    if not parsed:
        return []
    params = {"after": after_id, "limit": limit}
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        q = f"{{title summary text}} : ({_fts5_query(parsed)})"
        sql = (
            "SELECT rowid FROM article_fts WHERE article_fts MATCH :q AND rowid > :after "
            "ORDER BY rowid DESC LIMIT :limit"
        )
    elif dialect == "postgresql":
        q = _tsquery(parsed)
        sql = (
            "SELECT a.id FROM article AS a WHERE a.search_vector @@ to_tsquery('simple', :q) "
            "AND a.id > :after ORDER BY a.id DESC LIMIT :limit"
        )
    else:
        raise NotImplementedError(f"no full-text search for the {dialect} dialect")
    rows = session.connection().execute(sa.text(sql), params | {"q": q})
    return [row[0] for row in rows]
