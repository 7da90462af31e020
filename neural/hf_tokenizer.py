"""Words to a Hugging Face tokenizer's pieces and back, and the word-level tokenizer of ``config=tiny``.

The sandbox speaks in words (a task's tokens); a pretrained checkpoint speaks
in its tokenizer's pieces (SentencePiece, BPE...). :class:`WordPieces` is the
map between the two that the ``hf-seq2seq`` learner needs for training,
decoding and attribution:

- a source is each word's pieces in turn, then the end-of-sequence token, and
  every piece remembers the word it came from (the end token and any other
  special token belong to the end-of-input column ``len(source)``);
- a target is its words' pieces, then the end-of-sequence token;
- an answer (piece ids) is decoded to text and split on white space, and every
  piece is credited to the word it completes, so that attention over pieces
  sums up to attention over words.

With a word-level tokenizer every piece is one word and all of this is the
identity. :func:`word_level_tokenizer` builds one from a task's words (T5's
special tokens first: ``<pad>`` 0, ``</s>`` 1, ``<unk>`` 2). Both need the
``hf`` extra (``tests/neural/test_hf.py`` exercises them); this module imports
it only when called, so that it loads without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

PAD, EOS, UNK = "<pad>", "</s>", "<unk>"


def word_level_tokenizer(words: Iterable[str]) -> Any:
    """A fast tokenizer with one id per word of ``words`` (sorted, so deterministic) after the specials."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate((PAD, EOS, UNK, *sorted(set(words) - {PAD, EOS, UNK})))}
    backend = Tokenizer(models.WordLevel(vocab, unk_token=UNK))
    # Splitting on white space only: a task's words (SCAN's I_TURN_LEFT, COGS's
    # brackets and commas) stay whole, whatever characters they hold.
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=backend, pad_token=PAD, eos_token=EOS, unk_token=UNK)


def is_word_level(tokenizer: Any) -> bool:
    """Whether every piece of ``tokenizer`` is a whole white-space-separated word."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    return (backend is not None and type(backend.model).__name__ == "WordLevel"
            and type(backend.pre_tokenizer).__name__ == "WhitespaceSplit")


class WordPieces:
    """Words <-> pieces of one tokenizer, with per-word caching (a task has few distinct words)."""

    def __init__(self, tokenizer: Any, eos_id: int):
        self.tokenizer = tokenizer
        self.eos_id = eos_id
        self.unk_id = tokenizer.unk_token_id if tokenizer.unk_token_id is not None else eos_id
        self.special = set(tokenizer.all_special_ids) | {eos_id}
        self.word_level = is_word_level(tokenizer)
        self._cache: dict[str, list[int]] = {}

    def pieces(self, word: str) -> list[int]:
        """The piece ids of one word (``<unk>`` where the tokenizer gives none)."""
        ids = self._cache.get(word)
        if ids is None:
            ids = list(self.tokenizer(word, add_special_tokens=False)["input_ids"]) or [self.unk_id]
            self._cache[word] = ids
        return ids

    def source_row(self, words: Sequence[str]) -> tuple[list[int], list[int]]:
        """Encoder ids and, for each id, the word it came from (``len(words)``: the end token)."""
        ids: list[int] = []
        owner: list[int] = []
        for i, word in enumerate(words):
            piece_ids = self.pieces(word)
            ids += piece_ids
            owner += [i] * len(piece_ids)
        return [*ids, self.eos_id], [*owner, len(words)]

    def target_row(self, words: Sequence[str]) -> list[int]:
        """Decoder labels: the words' pieces, then the end token."""
        return [p for w in words for p in self.pieces(w)] + [self.eos_id]

    def words(self, ids: Sequence[int]) -> tuple[tuple[str, ...], list[int]]:
        """The words of an answer (up to its end token) and, per id, the output word it belongs to.

        A special token in the middle of an answer belongs to no word (``-1``).
        """
        ids = list(ids)
        if self.eos_id in ids:
            ids = ids[: ids.index(self.eos_id)]
        if self.word_level:
            owner: list[int] = []
            words: list[str] = []
            for tok_id, tok in zip(ids, self.tokenizer.convert_ids_to_tokens(ids), strict=True):
                owner.append(-1 if tok_id in self.special else len(words))
                if tok_id not in self.special:
                    words.append(tok)
            return tuple(words), owner
        # A piece belongs to the word that the text decoded so far ends in;
        # clean_up_tokenization_spaces is off, as it would glue " ," to a word.
        owner = []
        text = ""
        for k in range(len(ids)):
            text = self._decode(ids[: k + 1])
            owner.append(-1 if ids[k] in self.special else len(text.split()) - 1)
        return tuple(text.split()), owner

    def _decode(self, ids: Sequence[int]) -> str:
        return str(self.tokenizer.decode(list(ids), skip_special_tokens=True, clean_up_tokenization_spaces=False))


def words_attention(attn: Any, src_owner: Sequence[int], out_owner: Sequence[int], n_src: int, n_out: int) -> Any:
    """Attention over pieces ``(T, S)`` summed to input words and averaged per output word.

    The result is ``(n_out, n_src + 1)``; its last column is the end of the
    input (the end token and any other special piece).

    >>> import numpy as np
    >>> a = np.array([[0.5, 0.25, 0.25], [0.0, 0.0, 1.0]])
    >>> words_attention(a, [0, 0, 1], [0, 0], 1, 1).tolist()
    [[0.375, 0.625]]
    """
    import numpy as np

    by_word = np.zeros((attn.shape[0], n_src + 1), dtype=np.float32)
    np.add.at(by_word.T, np.minimum(np.asarray(src_owner), n_src), attn.T)
    out = np.zeros((n_out, n_src + 1), dtype=np.float32)
    counts = np.zeros(n_out, dtype=np.float32)
    for t, word in enumerate(out_owner):
        if 0 <= word < n_out:
            out[word] += by_word[t]
            counts[word] += 1
    return out / np.maximum(counts, 1)[:, None]
