"""The lexicon: which words mean which output tokens, from the data alone.

Two sources of evidence, in this order:

1. A word given alone as a whole input means that input's output.
2. A word never seen alone means a token by *cross-situational* evidence
   (Siskind 1996; Yu & Smith 2007): the token is present in every output
   whose input has the word. Two further tests keep modifiers from stealing
   the meaning of the words they stand beside:

   - *mutual exclusivity* (Markman & Wachtel 1988): a token already named by
     another word is not this word's meaning;
   - *ownership*: the word is present wherever the token is, except where
     another word that always comes with the token accounts for it (an
     operator whose rule writes the token as a constant); and no such word
     stands wherever the word does and elsewhere too. A modifier seen
     only beside one direction word co-occurs with that word's token, but the
     token also turns up without the modifier (and without any such word), so
     the modifier does not own it;
   - *paradigm* (an optional bias, on by default): another meaningful word
     with a one-token meaning stands where it stands somewhere, between the
     same two neighbours (as one direction word stands for another; the
     neighbours are the words just before and after, the input's edges
     counting as neighbours too); and the word never stands between two
     meaningful words (there it is a connective). A
     word that fails is read as an operator whose token is a constant of
     the rules it anchors, not as a meaning that fills slots:
     two connectives read as meanings would merge into one rule without
     fixed words, and lose any difference in how tightly they bind.

Every other word is a function word: it carries no meaning of its own and can
only be a fixed word of a composition rule.

>>> from sandbox.data import Example
>>> data = [Example.of(s, t, id=f"e{i}") for i, (s, t) in enumerate([
...     ("a", "A"), ("c", "C"), ("a b", "A B"), ("c b", "C B"), ("a d", "A D"), ("a z", "A A"),
...     ("q a", "A Q")])]
>>> sorted((w, r.template) for w, r in induce_lexicon(data).items())
[('a', ('A',)), ('b', ('B',)), ('c', ('C',)), ('d', ('D',))]

``z`` owns no token. ``q`` owns ``Q``, but no other meaningful word ever
stands where it stands (first, before ``a``), while ``b`` and ``d`` stand in
for each other after ``a``; without the paradigm bias ``q`` is a meaning too:

>>> sorted(induce_lexicon(data, paradigm=False))
['a', 'b', 'c', 'd', 'q']
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from sandbox.data import Example
from symbolic.rules import WORD_EVIDENCE, Rule, RuleKind, lexical_rule_id
from symbolic.work import Work

SEEN_ALONE = "seen alone"  # the note of a word's lexical rule when the word was a whole input


def induce_lexicon(examples: Sequence[Example], mutual_exclusivity: bool = True,
                   paradigm: bool = True, function_words: frozenset[str] = frozenset(),
                   repeated: frozenset[str] = frozenset(), work: Work | None = None) -> dict[str, Rule]:
    """One lexical rule per meaningful word (see the module docstring).

    ``function_words`` are words never seen alone that are to be read as
    function words whatever their co-occurrences say (the learner's lexicon
    revision); they vouch for no other word either. A word in ``repeated``
    that owns a token means it as many times as the outputs beside it hold
    it in common measure (the greatest common divisor of its counts: 4 where
    they are 4, 8 and 12); otherwise once, and the revision tries more only
    where reading it once leaves examples poorly explained.

    Its steps are spent from ``work``: a step per token read, per row and
    per token row a word's evidence reads, per context a round of the
    paradigm test reads. Once the budget is spent, the words not yet read
    are function words and the paradigm test stops where it is (the
    induction that follows then memorizes, naming the stage).
    """
    work = work if work is not None else Work(None)
    work.afford(sum(len(ex.source) + len(ex.target) for ex in examples))
    lexicon = _words_seen_alone(examples)
    owned = _owned_tokens(examples, lexicon, mutual_exclusivity, repeated, work)
    owned = {w: r for w, r in owned.items() if w not in function_words}
    if paradigm:
        contexts = _contexts(examples, set(owned) | set(lexicon))
        stands_in = _substitutes(contexts, owned, {**lexicon, **owned})
        # Until nothing changes: a word that fails loses its meaning, and then
        # vouches for no other word (nor makes another a connective). Connectives
        # go one at a time, the most often between meanings first: a word that
        # stands between a connective and a meaning is not a connective itself.
        while True:
            if not work.afford(len(owned) + sum(len(contexts[w]) for w in owned)):
                break
            meaningful = {**lexicon, **owned}
            kept = {w: r for w, r in owned.items() if stands_in[w] & meaningful.keys()}
            if kept.keys() != owned.keys():
                owned = kept
                continue
            between = {w: sum(a in meaningful and b in meaningful for a, b in contexts[w]) / len(contexts[w])
                       for w in owned}
            worst = max(between, key=lambda w: (between[w], w), default=None)
            if worst is None or between[worst] == 0:
                break
            del owned[worst]
    lexicon.update(owned)
    return dict(sorted(lexicon.items()))


def _substitutes(contexts: Mapping[str, set[tuple[str, str]]], candidates: Mapping[str, Rule],
                 meaningful: Mapping[str, Rule]) -> dict[str, set[str]]:
    """For each candidate word, the meaningful words seen between the same neighbours somewhere.

    Only words whose meaning is one token stand in (a word for a sequence is
    not the same kind of thing as a word for a token).
    """
    by_context: dict[tuple[str, str], set[str]] = defaultdict(set)
    for v, rule in meaningful.items():
        if len(rule.meaning) == 1:
            for c in contexts.get(v, ()):
                by_context[c].add(v)
    return {w: set().union(*(by_context[c] for c in contexts.get(w, ()))) - {w} for w in candidates}


def _contexts(examples: Sequence[Example], words: set[str]) -> dict[str, set[tuple[str, str]]]:
    """The (previous word, next word) pairs beside each word; the edges are marked ``""``."""
    out: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for ex in examples:
        if words.isdisjoint(ex.source):
            continue
        padded = ("", *ex.source, "")
        for i in range(1, len(padded) - 1):
            if padded[i] in words:
                out[padded[i]].add((padded[i - 1], padded[i + 1]))
    return out


def _owned_tokens(examples: Sequence[Example], alone: Mapping[str, Rule],
                  mutual_exclusivity: bool, repeated: frozenset[str], work: Work) -> dict[str, Rule]:
    """Lexical rules for words never seen alone, by cross-situational evidence and ownership."""
    lexicon: dict[str, Rule] = {}
    named = {t for rule in alone.values() for t in rule.constants}
    by_word: dict[str, list[int]] = defaultdict(list)
    by_token: dict[str, set[int]] = defaultdict(set)
    targets = [frozenset(ex.target) for ex in examples]
    for i, ex in enumerate(examples):
        for w in set(ex.source):
            by_word[w].append(i)
        for t in targets[i]:
            by_token[t].add(i)
    always: dict[str, frozenset[str]] = {}  # word -> the tokens in every output beside it

    def tokens_beside(u: str) -> frozenset[str]:
        found = always.get(u)
        if found is None:
            found = always[u] = _in_all(targets[i] for i in by_word[u])
        return found

    def brings(u: str, token: str) -> bool:
        return token in tokens_beside(u)

    def beside(word: str) -> frozenset[str]:
        """The other words present wherever ``word`` is."""
        return _in_all(frozenset(examples[i].source) for i in by_word[word]) - {word}

    def accounted(word: str, token: str, near: frozenset[str]) -> bool:
        """Where the token is without the word, another word that always brings it is there;
        and no word that always brings it stands wherever this word does, and elsewhere too
        (then this word is its modifier)."""
        if any(brings(u, token) and len(by_word[u]) > len(by_word[word]) for u in near):
            return False
        without = by_token[token].difference(by_word[word])
        return all(any(u != word and brings(u, token) for u in examples[i].source) for i in without)

    # Frequent words first: they have the most evidence, and mutual exclusivity
    # then protects their tokens from rarer words.
    for word in sorted(by_word, key=lambda w: (-len(by_word[w]), w)):
        if word in alone:
            continue
        rows = by_word[word]
        common = tokens_beside(word)
        if not work.afford(len(rows) + sum(len(by_token[t]) for t in common)):
            break
        near = beside(word) if common else frozenset()
        owned = sorted(t for t in common if accounted(word, t, near))
        if mutual_exclusivity:
            owned = [t for t in owned if t not in named]
        if len(owned) != 1:
            continue  # no token, or no way to choose among several: a function word
        token = owned[0]
        times = 1
        if word in repeated:
            times = max(1, math.gcd(*(examples[i].target.count(token) for i in rows)))
        shortest = heapq.nsmallest(WORD_EVIDENCE, rows, key=lambda i: (len(examples[i].source), i))
        lexicon[word] = Rule(
            lexical_rule_id(word), (word,), (token,) * times, tuple(examples[i].id for i in shortest),
            RuleKind.LEXICAL, support=len(rows), notes=("cross-situational, owned token",),
        )
        named.add(token)
    return lexicon


def _in_all(sets: Iterable[frozenset[str]]) -> frozenset[str]:
    """The members common to every set (stops early once none are left)."""
    it = iter(sets)
    common = set(next(it))
    for other in it:
        common &= other
        if not common:
            break
    return frozenset(common)


def _words_seen_alone(examples: Sequence[Example]) -> dict[str, Rule]:
    outputs: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    ids: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for ex in examples:
        if len(ex.source) == 1:
            outputs[ex.source[0]][ex.target] += 1
            ids[ex.source[0]].append((ex.id, ex.target))
    lexicon: dict[str, Rule] = {}
    for word, counts in outputs.items():
        # The most frequent output wins; ties go to the smallest, for determinism.
        meaning = min(counts, key=lambda t: (-counts[t], t))
        evidence = [i for i, t in ids[word] if t == meaning][:WORD_EVIDENCE]
        lexicon[word] = Rule(
            lexical_rule_id(word), (word,), meaning, tuple(evidence),
            RuleKind.LEXICAL, support=sum(counts.values()), notes=(SEEN_ALONE,),
        )
    return lexicon
