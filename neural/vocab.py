"""Vocabularies, padded batches and the decoding length limit.

Every sequence the models see is a row of token ids. A source is its tokens
followed by ``<eos>``, so that even an empty input has one position for the
encoder to attend to (column ``len(source)`` of every attention map is that
end-of-input marker). A target is read as ``<bos> t1 .. tn`` and predicted as
``t1 .. tn <eos>`` (teacher forcing).

>>> v = Vocab.build([("a", "b"), ("b", "c")])
>>> v.tokens[:4]
('<pad>', '<unk>', '<bos>', '<eos>')
>>> v.encode(("a", "zzz"))
[4, 1]
>>> v.decode([4, 6, 3, 5])
('a', 'c')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPECIALS = (PAD, UNK, BOS, EOS)
PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3


@dataclass(frozen=True)
class Vocab:
    """A fixed token list; ids 0-3 are ``<pad>``, ``<unk>``, ``<bos>``, ``<eos>``."""

    tokens: tuple[str, ...]

    @classmethod
    def build(cls, sequences: Iterable[Sequence[str]]) -> Vocab:
        """The specials, then every token of ``sequences`` in sorted order (deterministic)."""
        seen = {tok for seq in sequences for tok in seq} - set(SPECIALS)
        return cls((*SPECIALS, *sorted(seen)))

    @classmethod
    def from_list(cls, tokens: Sequence[str]) -> Vocab:
        """Rebuild a vocabulary saved with :meth:`to_list`; the specials must lead."""
        if tuple(tokens[: len(SPECIALS)]) != SPECIALS or len(set(tokens)) != len(tokens):
            raise ValueError("not a vocabulary: specials missing or tokens repeated")
        return cls(tuple(str(t) for t in tokens))

    def to_list(self) -> list[str]:
        return list(self.tokens)

    def __len__(self) -> int:
        return len(self.tokens)

    @cached_property
    def index(self) -> dict[str, int]:
        """Token -> id."""
        return {tok: i for i, tok in enumerate(self.tokens)}

    def encode(self, tokens: Sequence[str], index: dict[str, int] | None = None) -> list[int]:
        """Ids of ``tokens``; a token never seen in training becomes ``<unk>``."""
        idx = index if index is not None else self.index
        return [idx.get(tok, UNK_ID) for tok in tokens]

    def decode(self, ids: Iterable[int]) -> tuple[str, ...]:
        """Tokens of ``ids`` up to the first ``<eos>``; ``<pad>`` and ``<bos>`` are dropped."""
        out: list[str] = []
        for i in ids:
            if i == EOS_ID:
                break
            if i in (PAD_ID, BOS_ID):
                continue
            out.append(self.tokens[i])
        return tuple(out)


def max_decode_length(target_lengths: Iterable[int], factor: float, margin: int) -> int:
    """The greedy decoder's step limit: ``ceil(factor * longest training target) + margin``.

    The limit must come from the training data alone, yet must not make a
    longer test answer impossible: on a length split the test outputs are
    longer than any training output (about 2.2x the longest one on the usual
    splits), so the default ``factor=2.0, margin=10`` leaves room for them
    while stopping a model that never emits ``<eos>``.

    >>> max_decode_length([3, 22, 5], factor=2.0, margin=10)
    54
    """
    longest = max(target_lengths, default=0)
    return math.ceil(factor * longest) + margin


def source_ids(vocab: Vocab, sources: Iterable[Sequence[str]]) -> list[list[int]]:
    """Encoder rows: each source's ids followed by ``<eos>``."""
    index = vocab.index
    return [[*vocab.encode(s, index), EOS_ID] for s in sources]


def target_ids(vocab: Vocab, targets: Iterable[Sequence[str]]) -> list[list[int]]:
    """Decoder rows ``<bos> t1 .. tn <eos>``: the input is ``row[:-1]``, the gold ``row[1:]``."""
    index = vocab.index
    return [[BOS_ID, *vocab.encode(t, index), EOS_ID] for t in targets]
