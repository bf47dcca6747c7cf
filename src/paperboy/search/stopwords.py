"""English stopwords: function words that carry no topic on their own.

The list is deliberately short and made of closed-class words only (articles,
pronouns, auxiliaries, prepositions, conjunctions, a few adverbs). Content
words that happen to be frequent in abstracts ("model", "method", "show")
stay searchable: BM25's idf already discounts them, and a user may well search
for them. Entries are lowercase, accent-free surface forms, matched before
stemming. "s" is the possessive's fragment ("model's" splits at the
apostrophe); "t" is not listed although "don't" leaves it too: abstracts
rarely contract, and "T cells" and "t-test" need it (SciFact train agrees).
"""

from __future__ import annotations

ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all also am an and any are as at
    be been before being below between both but by
    can could did do does doing down during
    each either else etc ever every few for from further
    had has have having he her here hers herself him himself his how however
    i if in into is it its itself just
    may me might more most must my myself
    neither no nor not now of off on once only or other our ours ourselves out over own
    s same shall she should so some such than that the their theirs them themselves
    then there these they this those through thus to too
    under until up upon us very via was we were what when where whether which while who
    whom whose why will with within without would yet you your yours yourself yourselves
    """.split()  # noqa: SIM905 - a word list reads better as text
)
