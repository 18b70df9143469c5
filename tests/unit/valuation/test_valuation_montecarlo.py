"""Monte Carlo: reproducible, unbiased for symmetric inputs, samples inside their ranges."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from valuation_builders import GEMEENTE, SETTINGS, demo_chain, demo_prices

from proeftuin.core.valuation import (
    Chain,
    Distribution,
    Effect,
    Estimate,
    Investment,
    Price,
    PriceList,
    Settings,
    appraise,
    compile_model,
    draw_estimates,
    evaluate,
    npv_reference,
    sample_parameters,
    simulate,
)
from proeftuin.core.valuation.montecarlo import BLOCK, PERT_TABLE, pert_quantiles

finite = {"allow_nan": False, "allow_infinity": False}


def test_same_seed_same_draws_and_other_seed_other_draws():
    chain, prices = demo_chain(), demo_prices(ggz_known=True)
    first = simulate(chain, prices, SETTINGS, draws=5_000, seed=42)
    again = simulate(chain, prices, SETTINGS, draws=5_000, seed=42)
    other = simulate(chain, prices, SETTINGS, draws=5_000, seed=43)
    assert np.array_equal(first.npv, again.npv)
    assert first.percentiles == again.percentiles and first.p_positive == again.p_positive
    assert not np.array_equal(first.npv, other.npv)


def test_run_without_seed_records_one_that_reproduces_it():
    chain, prices = demo_chain(), demo_prices()
    fresh = simulate(chain, prices, SETTINGS, draws=2_000)
    replay = simulate(chain, prices, SETTINGS, draws=2_000, seed=fresh.seed)
    assert np.array_equal(fresh.npv, replay.npv)


def symmetric_chain(distribution: Distribution) -> tuple[Chain, PriceList]:
    """Symmetric estimates far from their bounds, decay fixed: the NPV mean is the likely NPV."""

    def sym(mid: float, half: float) -> Estimate:
        return Estimate(mid - half, mid, mid + half, distribution)

    effects = [
        Effect(
            f"e{i}",
            f"effect {i}",
            f"p{i}",
            size=sym(0.3, 0.1),
            participants=sym(100, 30),
            beneficiaries=[GEMEENTE],
            start_year=i,
            decay=Estimate.exact(0.1),
            deadweight=sym(0.3, 0.1),
            attribution=sym(0.6, 0.2),
        )
        for i in range(3)
    ]
    prices = PriceList.of([Price(f"p{i}", sym(20_000, 8_000)) for i in range(3)])
    investments = [
        Investment.per_year("inv", "Gemeente", "jeugd", 300_000, 3, cost_factor=sym(1.0, 0.2))
    ]
    return Chain(investments, [], effects), prices


@pytest.mark.parametrize(
    "distribution", [Distribution.TRIANGULAR, Distribution.PERT, Distribution.NORMAL]
)
def test_mean_approaches_the_deterministic_npv_for_symmetric_distributions(distribution):
    chain, prices = symmetric_chain(distribution)
    chosen = Settings(discount_rate=0.03, horizon=10)
    deterministic = appraise(chain, prices, chosen).npv
    result = simulate(chain, prices, chosen, draws=60_000, seed=2026)
    # Independent factors: the mean of the product is the product of the means, so only noise.
    assert abs(result.mean - deterministic) <= 4.5 * result.standard_error
    assert result.percentiles[5.0] < deterministic < result.percentiles[95.0]


def test_vectorised_draws_agree_with_the_plain_loop_draw_by_draw():
    model = compile_model(demo_chain(), demo_prices(ggz_known=True), SETTINGS)
    values = sample_parameters(model, 300, np.random.default_rng(3))
    assert evaluate(model, values).npv == pytest.approx(
        [npv_reference(model, row) for row in values], rel=1e-10
    )


def test_result_summary_is_consistent():
    result = simulate(demo_chain(), demo_prices(), SETTINGS, draws=BLOCK + 1_234, seed=9)
    assert result.npv.shape == (BLOCK + 1_234,)
    assert 0.0 <= result.p_positive <= 1.0
    assert result.p_positive == pytest.approx(np.mean(result.npv > 0))
    values = list(result.percentiles.values())
    assert values == sorted(values)
    assert result.mean == pytest.approx(result.benefits_mean - result.costs_mean)
    assert sum(result.party_net_mean.values()) == pytest.approx(result.mean)
    assert result.unknown_prices == ("ggz",)
    assert (
        "effect:uhp:size" in result.sampled
        and "effect:uitzetting:participants" not in result.sampled
    )


@st.composite
def ordered(draw):
    points = sorted(draw(st.floats(-1e6, 1e6, **finite)) for _ in range(3))
    if points[0] == points[2]:
        points[2] = points[0] + 1.0
    points[1] = min(max(points[1], points[0]), points[2])
    return points


@given(
    points=ordered(),
    distribution=st.sampled_from([Distribution.PERT, Distribution.TRIANGULAR]),
    seed=st.integers(0, 2**32),
)
@settings(max_examples=40, deadline=None)
def test_pert_and_triangular_samples_stay_within_low_and_high(points, distribution, seed):
    low, likely, high = points
    samples = draw_estimates(
        [Estimate(low, likely, high, distribution)], 2_000, np.random.default_rng(seed)
    )
    assert samples.shape == (2_000, 1)
    assert samples.min() >= low and samples.max() <= high


def test_distribution_shapes_follow_their_documented_reading():
    rng = np.random.default_rng(11)
    a, m, b = 10.0, 20.0, 60.0
    estimates = [
        Estimate(a, m, b, Distribution.TRIANGULAR),
        Estimate(a, m, b, Distribution.PERT),
        Estimate(a, m, b, Distribution.NORMAL),
        Estimate(a, m, b, Distribution.LOGNORMAL),
        Estimate.exact(7.0),
    ]
    tri, pert, normal, lognormal, exact = draw_estimates(estimates, 200_000, rng).T
    assert tri.mean() == pytest.approx((a + m + b) / 3, rel=5e-3)
    pert_mean = (a + 4 * m + b) / 6
    assert pert.mean() == pytest.approx(pert_mean, rel=5e-3)
    assert pert.var() == pytest.approx((pert_mean - a) * (b - pert_mean) / 7, rel=2e-2)
    shape = stats.beta(1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a))
    assert stats.kstest((pert - a) / (b - a), shape.cdf).pvalue > 1e-3
    p5, p50, p95 = np.percentile(normal, [5, 50, 95])
    assert p50 == pytest.approx(m, abs=0.2)  # centred on likely ...
    assert p95 - p5 == pytest.approx(
        b - a, rel=1e-2
    )  # ... with [low, high] as wide as its 90% interval
    assert np.median(lognormal) == pytest.approx(m, rel=1e-2)
    assert np.std(np.log(lognormal)) == pytest.approx(
        np.log(b / a) / (2 * 1.6448536269514722), rel=1e-2
    )
    assert np.all(exact == 7.0)


def test_unbounded_draws_are_clipped_to_hard_bounds():
    chain = demo_chain().with_effect("uhp", size=Estimate(0.0, 0.02, 0.9, Distribution.NORMAL))
    model = compile_model(chain, demo_prices(), SETTINGS)
    values = sample_parameters(model, 20_000, np.random.default_rng(5))
    column = values[:, model.index["effect:uhp:size"]]
    assert column.min() >= 0.0 and column.max() <= 1.0


@pytest.mark.parametrize(
    ("alpha", "beta"), [(1.0, 5.0), (5.0, 1.0), (3.0, 3.0), (1.2, 4.8), (2.6, 3.4)]
)
def test_pert_quantile_table_matches_scipy_beta(alpha, beta):
    table = pert_quantiles(alpha, beta)
    probabilities = np.linspace(0.0, 1.0, PERT_TABLE)
    exact = stats.beta(alpha, beta).ppf(probabilities)
    assert table[0] == 0.0 and table[-1] == 1.0
    assert np.all(np.diff(table) >= 0)
    assert np.max(np.abs(table - exact)) < 1e-4
    # Between nodes the CDF of the interpolated sample is off by less than one cell.
    between = (table[1:] + table[:-1]) / 2
    cdf_error = np.abs(
        stats.beta(alpha, beta).cdf(between) - (probabilities[1:] + probabilities[:-1]) / 2
    )
    assert cdf_error.max() < 1.0 / (PERT_TABLE - 1)


def test_pert_samples_follow_the_beta_distribution():
    rng = np.random.default_rng(4)
    low, likely, high = 100.0, 130.0, 400.0
    (sample,) = draw_estimates([Estimate(low, likely, high)], 300_000, rng).T
    alpha = 1 + 4 * (likely - low) / (high - low)
    beta = 1 + 4 * (high - likely) / (high - low)
    result = stats.kstest((sample - low) / (high - low), stats.beta(alpha, beta).cdf)
    assert result.pvalue > 1e-3
