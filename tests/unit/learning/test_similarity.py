"""Similar projects: ranking by text, themes and target group."""

from hypothesis import given
from hypothesis import strategies as st

from proeftuin.core.learning.similarity import MIN_SCORE, ProjectText, rank


def p(key, text, themes=(), target=""):
    return ProjectText(key, text, frozenset(themes), target)


TARGET = p(
    "a",
    "Vroeg erop af bij schulden: het wijkteam belt bij achterstanden",
    {"schulden"},
    "huishoudens met schulden",
)


def test_the_most_similar_project_comes_first_and_unrelated_ones_are_left_out():
    result = rank(
        TARGET,
        [
            p("b", "Eenzaamheid bij ouderen, vrijwilligers op bezoek", {"ouderen"}, "ouderen"),
            p(
                "c",
                "Wijkteams bellen huishoudens met achterstanden in de huur",
                {"schulden"},
                "huishoudens",
            ),
            p("d", "Schulden en armoede in de wijk", {"schulden", "wijk"}),
        ],
    )
    assert [s.key for s in result][:2] == ["c", "d"]
    assert "b" not in [s.key for s in result]
    assert result[0].shared_themes == ("schulden",)


def test_never_the_project_itself():
    assert rank(TARGET, [TARGET]) == []


words = st.sampled_from(["wijkteam", "schulden", "ouderen", "jongeren", "wonen", "werk", "gezin"])


@given(st.lists(st.lists(words, min_size=0, max_size=6), min_size=1, max_size=6))
def test_scores_are_bounded_sorted_and_above_the_minimum(texts):
    pool = [p(str(i), " ".join(t), set(t[:1])) for i, t in enumerate(texts)]
    result = rank(TARGET, pool, limit=10)
    scores = [s.score for s in result]
    assert scores == sorted(scores, reverse=True)
    assert all(MIN_SCORE <= s <= 1.0 + 1e-9 for s in scores)
