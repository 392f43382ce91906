"""Fingerprints that make ingest idempotent: an exact hash of the words, and a MinHash sketch
that finds reprints.

The exact hash is taken over the lowercased word tokens only, so the same article with other
whitespace, punctuation, line breaks or markup hashes the same.

Reprints with small edits share most of their 3-word shingles (high Jaccard similarity) but not
the exact hash. A one-permutation MinHash (Li, Owen & Zhang 2012) keeps, for each of 16 buckets,
the smallest shingle hash that falls in it: one pass over the shingles, and the share of equal
buckets estimates the Jaccard similarity. For lookup the 16 minima are cut into 8 bands of two;
the store indexes each band, so two texts with Jaccard 0.8 share a band with probability
1 - (1 - 0.8²)⁸ ≈ 0.9997, and candidates are then checked on the whole sketch.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
#: Reprints are recognised from their beginning; later paragraphs add cost, not evidence.
MAX_SHINGLES = 600
BUCKETS = 16
BANDS = 8
_ROWS = BUCKETS // BANDS
_EMPTY = 0xFFFF_FFFF
_EMPTY_HEX = f"{_EMPTY:08x}"
#: Estimated Jaccard similarity from which two texts are one story.
NEAR_DUPLICATE_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class Fingerprint:
    content_hash: str
    #: The 16 bucket minima as 128 hex digits (empty buckets are ffffffff).
    sketch: str

    @property
    def bands(self) -> tuple[int, ...]:
        """Eight 32-bit band hashes for the lookup index (0 for a band of empty buckets)."""
        mins = _unpack(self.sketch)
        out = []
        for b in range(BANDS):
            rows = mins[b * _ROWS : (b + 1) * _ROWS]
            out.append(0 if all(r == _EMPTY for r in rows) else _band_hash(b, rows))
        return tuple(out)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


#: Below this many words, a text alone does not identify an article: feeds carry many items
#: with the same one-line summary, so the title becomes part of the identity.
SHORT_TEXT_WORDS = 40


#: Below this many words a text gets an empty sketch and joins no story: a few shingles give no
#: reliable estimate (two feed items whose text is only their link look like reprints).
MIN_STORY_WORDS = 12


def fingerprint(text: str, title: str | None = None) -> Fingerprint:
    tokens = words(text)
    enough = len(tokens) >= MIN_STORY_WORDS
    if len(tokens) < SHORT_TEXT_WORDS and title:
        tokens = [*words(title), "\n", *tokens]
    digest = hashlib.sha256(" ".join(tokens).encode()).hexdigest()
    return Fingerprint(content_hash=digest, sketch=sketch(tokens if enough else []))


def sketch(tokens: list[str]) -> str:
    """One-permutation MinHash of the 3-word shingles of `tokens`, as hex."""
    if len(tokens) < 3:
        shingles = [" ".join(tokens)] if tokens else []
    else:
        n = min(len(tokens) - 2, MAX_SHINGLES)
        shingles = [f"{tokens[i]} {tokens[i + 1]} {tokens[i + 2]}" for i in range(n)]
    mins = [_EMPTY] * BUCKETS
    for shingle in shingles:
        h = zlib.crc32(shingle.encode())
        bucket = h & (BUCKETS - 1)
        # The bucket bits are equal within a bucket; the rest orders the shingles.
        if h < mins[bucket]:
            mins[bucket] = h
    return "".join(f"{m:08x}" for m in mins)


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two sketches."""
    # Bucket by bucket on the hex digits: equal minima are equal digits, no parsing needed.
    same = pairs = 0
    for i in range(0, min(len(a), len(b)), 8):
        x = a[i : i + 8]
        if x == b[i : i + 8]:
            if x != _EMPTY_HEX:
                same += 1
                pairs += 1
        else:
            pairs += 1
    return same / pairs if pairs else 0.0


def _unpack(sketch_hex: str) -> list[int]:
    return [int(sketch_hex[i : i + 8], 16) for i in range(0, len(sketch_hex), 8)]


def _band_hash(band: int, rows: list[int]) -> int:
    raw = band.to_bytes(1, "big") + b"".join(r.to_bytes(4, "big") for r in rows)
    return zlib.crc32(raw) or 1
