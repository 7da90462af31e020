"""The lexicon: which words mean which output tokens, from the data alone.

Two sources of evidence, in this order:

1. A word given alone as a whole input means that input's output.
2. A word never seen alone means a token by *cross-situational* evidence
   (Siskind 1996; Yu & Smith 2007): the token is present in every output
   whose input has the word. Two further tests keep modifiers from stealing
   the meaning of the words they stand beside:

   - *mutual exclusivity* (Markman & Wachtel 1988): a token already named by
     another word is not this word's meaning;
   - *ownership*: the word is present wherever the token is. A modifier seen
     only beside one direction word co-occurs with that word's token, but the
     token also turns up without the modifier, so the modifier does not own it.

Every other word is a function word: it carries no meaning of its own and can
only be a fixed word of a composition rule.

>>> from sandbox.data import Example
>>> data = [Example.of(s, t, id=f"e{i}") for i, (s, t) in enumerate([
...     ("a", "A"), ("a b", "A B"), ("c b", "C B"), ("c", "C"), ("a z", "A A")])]
>>> lex = induce_lexicon(data)
>>> sorted((w, r.template) for w, r in lex.items())
[('a', ('A',)), ('b', ('B',)), ('c', ('C',))]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from sandbox.data import Example
from symbolic.rules import Rule, RuleKind, lexical_rule_id

MAX_EVIDENCE = 3


def induce_lexicon(examples: Sequence[Example], mutual_exclusivity: bool = True) -> dict[str, Rule]:
    """One lexical rule per meaningful word (see the module docstring)."""
    lexicon = _words_seen_alone(examples)
    named = {t for rule in lexicon.values() for t in rule.constants}
    by_word: dict[str, list[int]] = defaultdict(list)
    by_token: dict[str, set[int]] = defaultdict(set)
    for i, ex in enumerate(examples):
        for w in set(ex.source):
            by_word[w].append(i)
        for t in set(ex.target):
            by_token[t].add(i)
    # Frequent words first: they have the most evidence, and mutual exclusivity
    # then protects their tokens from rarer words.
    for word in sorted(by_word, key=lambda w: (-len(by_word[w]), w)):
        if word in lexicon:
            continue
        rows = by_word[word]
        common = set(examples[rows[0]].target)
        for i in rows[1:]:
            common &= set(examples[i].target)
            if not common:
                break
        row_set = set(rows)
        owned = sorted(t for t in common if by_token[t] <= row_set)
        if mutual_exclusivity:
            owned = [t for t in owned if t not in named]
        if len(owned) != 1:
            continue  # no token, or no way to choose among several: a function word
        token = owned[0]
        shortest = sorted(rows, key=lambda i: (len(examples[i].source), i))[:MAX_EVIDENCE]
        lexicon[word] = Rule(
            lexical_rule_id(word), (word,), (token,), tuple(examples[i].id for i in shortest),
            RuleKind.LEXICAL, support=len(rows), notes=("cross-situational, owned token",),
        )
        named.add(token)
    return dict(sorted(lexicon.items()))


def _words_seen_alone(examples: Sequence[Example]) -> dict[str, Rule]:
    outputs: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    ids: dict[str, list[str]] = defaultdict(list)
    for ex in examples:
        if len(ex.source) == 1:
            outputs[ex.source[0]][ex.target] += 1
            ids[ex.source[0]].append(ex.id)
    lexicon: dict[str, Rule] = {}
    for word, counts in outputs.items():
        # The most frequent output wins; ties go to the smallest, for determinism.
        meaning = min(counts, key=lambda t: (-counts[t], t))
        lexicon[word] = Rule(
            lexical_rule_id(word), (word,), meaning, tuple(ids[word][:MAX_EVIDENCE]),
            RuleKind.LEXICAL, support=sum(counts.values()), notes=("seen alone",),
        )
    return lexicon
