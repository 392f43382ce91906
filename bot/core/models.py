"""Frozen values of the domain: what a source gives, what the analysis says, what a digest holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Lang(StrEnum):
    """An article or interface language: ISO 639-1 codes as langdetect has them, plus kk and und."""

    AF = "af"
    AR = "ar"
    BG = "bg"
    BN = "bn"
    CA = "ca"
    CS = "cs"
    CY = "cy"
    DA = "da"
    DE = "de"
    EL = "el"
    EN = "en"
    ES = "es"
    ET = "et"
    FA = "fa"
    FI = "fi"
    FR = "fr"
    GU = "gu"
    HE = "he"
    HI = "hi"
    HR = "hr"
    HU = "hu"
    ID = "id"
    IT = "it"
    JA = "ja"
    KK = "kk"
    KN = "kn"
    KO = "ko"
    LT = "lt"
    LV = "lv"
    MK = "mk"
    ML = "ml"
    MR = "mr"
    NE = "ne"
    NL = "nl"
    NO = "no"
    PA = "pa"
    PL = "pl"
    PT = "pt"
    RO = "ro"
    RU = "ru"
    SK = "sk"
    SL = "sl"
    SO = "so"
    SQ = "sq"
    SV = "sv"
    SW = "sw"
    TA = "ta"
    TE = "te"
    TH = "th"
    TL = "tl"
    TR = "tr"
    UK = "uk"
    UR = "ur"
    VI = "vi"
    ZH_CN = "zh-cn"
    ZH_TW = "zh-tw"
    UND = "und"


#: The languages the product is built for: interface, taxonomy terms and digests.
PRODUCT_LANGS: tuple[Lang, ...] = (Lang.KK, Lang.RU, Lang.EN, Lang.PL)


@dataclass(frozen=True, slots=True)
class Document:
    """One article as a source gives it, before analysis."""

    text: str
    title: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    #: Where it came from: a file path, a feed URL or a page URL.
    origin: str = ""
    #: A language the source declares (feed or page metadata); a hint, not the answer.
    declared_lang: str | None = None


@dataclass(frozen=True, slots=True)
class TopicScore:
    """One assigned topic with its score and the terms that matched, as the explanation."""

    topic_id: str
    score: float
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the analysis says of a text: language, topics, a title and a short summary."""

    lang: Lang
    topics: tuple[TopicScore, ...]
    title: str
    summary: str
    #: Normalised word tokens (lowercase) kept for keyword search; may be empty.
    keywords: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store holds it, for listing, digests and search."""

    id: int
    title: str
    url: str | None
    lang: Lang
    summary: str
    published_at: datetime | None
    ingested_at: datetime
    source: str | None
    topics: tuple[TopicScore, ...]
    story_id: int | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """A reader: their settings and subscriptions, as the bot and the delivery see them."""

    user_id: int
    chat_id: int
    language: Lang
    timezone: str
    digest_time: str  # HH:MM, local
    frequency: str  # daily | weekly | off
    alerts: bool
    article_langs: frozenset[Lang]
    paused: bool
    active: bool
    topics: frozenset[str]
    keywords: tuple[str, ...]
    next_digest_at: datetime | None
    last_digest_at: datetime | None
    created_at: datetime
