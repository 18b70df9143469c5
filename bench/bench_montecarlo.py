"""Benchmark: vectorised Monte Carlo against a straightforward per-draw Python loop.

Issue 5 (performance): 100,000 draws of a chain with 25 uncertain parameters over a 15-year
horizon in at most 0.3 s, and at least 50x faster than a per-draw Python loop measured in the
same run. Run it with::

    .venv/bin/python bench/bench_montecarlo.py [--draws 100000] [--loop-draws 2000] [--repeats 5]

No Django is needed. Nothing here asserts on timing; it prints the figures and whether they meet
the targets.
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from proeftuin.core.valuation import (  # noqa: E402
    Activity,
    BenefitShare,
    Chain,
    Distribution,
    Effect,
    Estimate,
    Investment,
    Link,
    Model,
    Price,
    PriceList,
    Settings,
    compile_model,
    npv_reference,
    simulate_model,
)
from proeftuin.core.valuation.montecarlo import PERT_WEIGHT, Z95  # noqa: E402

TARGET_SECONDS = 0.3
TARGET_SPEEDUP = 50.0
HORIZON = 15

T, P, N, L = (
    Distribution.TRIANGULAR,
    Distribution.PERT,
    Distribution.NORMAL,
    Distribution.LOGNORMAL,
)


def bench_chain() -> tuple[Chain, PriceList, Settings]:
    """A demo-sized chain: 4 effects × 5 uncertain estimates, 3 uncertain prices, 2 cost factors."""

    def effect(eid: str, indicator: str, key: str, dist: Distribution, start: int, beneficiaries):
        return Effect(
            eid,
            indicator,
            key,
            size=Estimate(0.05, 0.12, 0.25, dist),
            participants=Estimate(80, 100, 130, dist),
            beneficiaries=beneficiaries,
            start_year=start,
            duration=8,
            decay=Estimate(0.0, 0.1, 0.25, T),
            deadweight=Estimate(0.1, 0.2, 0.35, P),
            attribution=Estimate(0.5, 0.7, 0.9, N),
        )

    effects = [
        effect(
            "uhp",
            "Minder uithuisplaatsingen",
            "uhp",
            P,
            1,
            [BenefitShare("Gemeente", "jeugd", 1.0)],
        ),
        effect(
            "ots",
            "Minder ondertoezichtstellingen",
            "ots",
            T,
            1,
            [BenefitShare("Gemeente", "jeugd", 1.0)],
        ),
        effect(
            "huur",
            "Minder huisuitzettingen",
            "uitzetting",
            L,
            2,
            [BenefitShare("Woningcorporatie", "wonen", 0.7), BenefitShare("Gemeente", "wmo", 0.3)],
        ),
        effect(
            "ggz",
            "Minder crisisopnames",
            "uitzetting",
            N,
            2,
            [BenefitShare("Zorgverzekeraar", "zorg", 1.0)],
        ),
    ]
    prices = PriceList.of(
        [
            Price("uhp", Estimate(45_000, 60_000, 80_000, L), "Uithuisplaatsing, per jaar"),
            Price("ots", Estimate(8_000, 10_000, 14_000, P), "Ondertoezichtstelling, per jaar"),
            Price("uitzetting", Estimate(6_000, 9_000, 12_000, T), "Huisuitzetting"),
        ]
    )
    investments = [
        Investment.per_year(
            "gemeente", "Gemeente", "jeugd", 250_000, 4, cost_factor=Estimate(0.9, 1.0, 1.3, P)
        ),
        Investment.per_year(
            "fonds", "Fonds", "fonds", 100_000, 2, cost_factor=Estimate(0.95, 1.0, 1.2, T)
        ),
    ]
    links = [
        Link(
            "gemeente",
            "team",
            "als de gemeente een wijkteam betaalt, dan is er één regisseur per gezin",
        ),
        Link("fonds", "team", "als het fonds meebetaalt, dan kan het team starten"),
        *(
            Link("team", e.id, "als één regisseur werkt met één plan, dan minder zware maatregelen")
            for e in effects
        ),
    ]
    chain = Chain(
        investments, [Activity("team", "Eén gezin, één plan")], effects, links, name="bench"
    )
    return chain, prices, Settings(horizon=HORIZON)


def loop_sampler(model: Model):
    """Per-parameter scalar samplers from the standard library, mirroring ``montecarlo.draw``."""
    samplers = []
    for p in model.parameters:
        e = p.estimate
        lo = -math.inf if p.lower is None else p.lower
        hi = math.inf if p.upper is None else p.upper
        if not e.uncertain:
            samplers.append((lambda _r, v=e.likely: v, lo, hi))
        elif e.distribution == Distribution.TRIANGULAR:
            samplers.append((lambda r, e=e: r.triangular(e.low, e.high, e.likely), lo, hi))
        elif e.distribution == Distribution.PERT:
            w = e.high - e.low
            a = 1 + PERT_WEIGHT * (e.likely - e.low) / w
            b = 1 + PERT_WEIGHT * (e.high - e.likely) / w
            samplers.append((lambda r, e=e, w=w, a=a, b=b: e.low + w * r.betavariate(a, b), lo, hi))
        elif e.distribution == Distribution.NORMAL:
            sd = (e.high - e.low) / (2 * Z95)
            samplers.append((lambda r, e=e, sd=sd: r.gauss(e.likely, sd), lo, hi))
        else:
            sigma = (math.log(e.high) - math.log(e.low)) / (2 * Z95)
            samplers.append(
                (lambda r, e=e, s=sigma: r.lognormvariate(math.log(e.likely), s), lo, hi)
            )
    return samplers


def run_loop(model: Model, draws: int, seed: int) -> np.ndarray:
    """The baseline: for each draw, sample every parameter and compute the NPV with loops."""
    rng = random.Random(seed)
    samplers = loop_sampler(model)
    out = []
    for _ in range(draws):
        values = [min(max(sample(rng), lo), hi) for sample, lo, hi in samplers]
        out.append(npv_reference(model, values))
    return np.asarray(out)


def interleaved_best(repeats: int, **runs) -> dict[str, tuple[float, float]]:
    """Best wall-clock and CPU seconds of each run, alternating the runs so that both see the
    same machine load (other processes may be busy); one warm-up each first."""
    for fn in runs.values():
        fn()
    best = {name: (math.inf, math.inf) for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--loop-draws", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    chain, prices, settings = bench_chain()
    model = compile_model(chain, prices, settings)
    uncertain = len(model.uncertain)

    best = interleaved_best(
        args.repeats,
        vectorised=lambda: simulate_model(model, draws=args.draws, seed=1),
        loop=lambda: run_loop(model, args.loop_draws, seed=1),
    )
    vector_s, vector_cpu = best["vectorised"]
    loop_s, loop_cpu = best["loop"]
    scale = args.draws / args.loop_draws
    loop_extrapolated = loop_s * scale
    speedup = loop_extrapolated / vector_s
    result = simulate_model(model, draws=args.draws, seed=1)
    loop_npv = run_loop(model, args.loop_draws, seed=2)

    print("Proeftuin valuation: Monte Carlo benchmark (issue 5)")
    print(f"  python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(
        f"  chain: {len(chain.effects)} effects, {len(chain.investments)} investments, "
        f"{uncertain} uncertain parameters, horizon {settings.horizon} years"
    )
    print(
        f"  vectorised engine: {args.draws:,} draws in {vector_s:.4f} s wall "
        f"({vector_cpu:.4f} s CPU), best of {args.repeats} warm runs"
    )
    verdict = "met" if vector_s <= TARGET_SECONDS else "NOT met"
    print(f"    target <= {TARGET_SECONDS} s: {verdict}")
    print(
        f"  per-draw Python loop: {args.loop_draws:,} draws in {loop_s:.4f} s wall "
        f"({loop_cpu:.4f} s CPU), best of {args.repeats} warm runs;"
    )
    print(
        f"    extrapolated linearly to {args.draws:,} draws (x{scale:g}): "
        f"{loop_extrapolated:.2f} s (not run in full)"
    )
    verdict = "met" if speedup >= TARGET_SPEEDUP else "NOT met"
    print(f"  speed-up: {speedup:.0f}x (target >= {TARGET_SPEEDUP:.0f}x: {verdict})")
    print(
        f"  sanity: vectorised mean NPV {result.mean:,.0f}, P(NPV > 0) = {result.p_positive:.3f}; "
        f"loop mean NPV {loop_npv.mean():,.0f} over {args.loop_draws:,} draws"
    )


if __name__ == "__main__":
    main()
