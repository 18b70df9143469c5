"""*Wie deed dit eerder?*: which projects resemble this one (issue 12, item 4).

Seed 004 calls it the project carousel: a new pilot starts while the last one's lessons are
lost, and funders' demand for "new" hides that many projects share the same core (004 §1.4).
So a project page lists similar projects, by theme, target group and text.

The score is a weighted sum, each part in [0, 1]:

* text (0.6): cosine similarity of TF-IDF vectors over the Dutch stems of name, summary and
  approach (scikit-learn's ``TfidfVectorizer`` with :func:`~.search.terms` as analyser, so
  "gezinnen" and "gezin…" meet the way the search does);
* themes (0.25): Jaccard overlap of the theme codes;
* target group (0.15): Jaccard overlap of the target group's stems.

Projects with a score under :data:`MIN_SCORE` are not shown. Ties keep the candidates' order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from .search import terms

WEIGHTS = {"text": 0.6, "themes": 0.25, "target_group": 0.15}
MIN_SCORE = 0.12


@dataclass(frozen=True)
class ProjectText:
    key: str
    text: str
    themes: frozenset[str]
    target_group: str


@dataclass(frozen=True)
class Similar:
    key: str
    score: float
    shared_themes: tuple[str, ...]


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def rank(target: ProjectText, candidates: Sequence[ProjectText], limit: int = 5) -> list[Similar]:
    """The candidates most like ``target``, best first (never ``target`` itself)."""
    pool = [c for c in candidates if c.key != target.key]
    if not pool:
        return []
    texts = [target.text, *(c.text for c in pool)]
    try:
        matrix = TfidfVectorizer(analyzer=terms).fit_transform(texts)
        text_scores = linear_kernel(matrix[0:1], matrix[1:]).ravel()
    except ValueError:  # no words at all
        text_scores = [0.0] * len(pool)
    target_group = set(terms(target.target_group))
    results = []
    for candidate, text_score in zip(pool, text_scores, strict=True):
        score = (
            WEIGHTS["text"] * float(text_score)
            + WEIGHTS["themes"] * _jaccard(set(target.themes), set(candidate.themes))
            + WEIGHTS["target_group"] * _jaccard(target_group, set(terms(candidate.target_group)))
        )
        if score >= MIN_SCORE:
            shared = tuple(sorted(target.themes & candidate.themes))
            results.append(Similar(candidate.key, round(score, 4), shared))
    results.sort(key=lambda s: -s.score)
    return results[:limit]
