"""Fingerprints that make ingest idempotent: an exact hash of the words, and a SimHash for reprints.

The exact hash is taken over the lowercased word tokens only, so the same article with other
whitespace, punctuation or line breaks hashes the same. The SimHash (Charikar) over 3-word
shingles changes in only a few of its 64 bits when a reprint edits a few words; storing it in
four 16-bit bands lets the store find candidates with an index lookup: two hashes within 3 bits
of each other share at least one whole band (pigeonhole).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
#: Reprints are recognised from their beginning; later paragraphs add cost, not evidence.
MAX_SHINGLES = 400
#: Two texts whose SimHashes differ in at most this many bits are one story.
NEAR_DUPLICATE_BITS = 3

_LANE = 12  # bits per counter lane; enough for MAX_SHINGLES votes
_LANE_MASK = (1 << _LANE) - 1
# _SPREAD[k][b]: a big integer with a 1 in lane (8k + i) for every bit i set in byte b, so adding
# eight table entries per shingle counts the 64 bit votes at C speed instead of a 64-step loop.
_SPREAD = tuple(
    tuple(sum(1 << ((8 * k + i) * _LANE) for i in range(8) if b >> i & 1) for b in range(256))
    for k in range(8)
)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    content_hash: str
    simhash: int  # signed 64-bit, to fit a BIGINT column

    @property
    def bands(self) -> tuple[int, int, int, int]:
        u = self.simhash & 0xFFFF_FFFF_FFFF_FFFF
        return (u & 0xFFFF, u >> 16 & 0xFFFF, u >> 32 & 0xFFFF, u >> 48 & 0xFFFF)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def fingerprint(text: str) -> Fingerprint:
    tokens = words(text)
    digest = hashlib.sha256(" ".join(tokens).encode()).hexdigest()
    return Fingerprint(content_hash=digest, simhash=simhash(tokens))


def simhash(tokens: list[str]) -> int:
    """Charikar SimHash of the 3-word shingles of `tokens`, as a signed 64-bit integer."""
    if len(tokens) < 3:
        shingles = [" ".join(tokens)] if tokens else []
    else:
        n = min(len(tokens) - 2, MAX_SHINGLES)
        shingles = [f"{tokens[i]} {tokens[i + 1]} {tokens[i + 2]}" for i in range(n)]
    if not shingles:
        return 0
    t0, t1, t2, t3, t4, t5, t6, t7 = _SPREAD
    votes = 0
    for shingle in shingles:
        raw = shingle.encode()
        lo = zlib.crc32(raw)
        hi = zlib.crc32(raw, 0x9E3779B9)
        votes += (
            t0[lo & 255]
            + t1[lo >> 8 & 255]
            + t2[lo >> 16 & 255]
            + t3[lo >> 24]
            + t4[hi & 255]
            + t5[hi >> 8 & 255]
            + t6[hi >> 16 & 255]
            + t7[hi >> 24]
        )
    half = len(shingles) / 2
    value = 0
    for bit in range(64):
        if (votes >> (bit * _LANE) & _LANE_MASK) > half:
            value |= 1 << bit
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()
