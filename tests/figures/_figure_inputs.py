"""Hand-built inputs for the figure tests: results of a made-up five-actor world.

Imported by the test modules and by ``conftest.py`` (a unique module name, so
that no other folder's ``conftest`` can shadow it).

The numbers are invented (round, easy to check by eye in the baseline images),
not the calibrated model; the figures must not depend on the engine.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import xarray as xr

from sim.results import DealVerdict, SolveResult, Timeline, Zopa

ACTORS = ("north", "south", "broker", "funder", "patron")
LABELS = {
    "north": "North",
    "south": "South",
    "broker": "Broker",
    "funder": "Funder",
    "patron": "Patron",
}
TOTAL_KM2 = 600_000.0


def _verdict(accepts: bool, veto: bool = True) -> DealVerdict:
    return DealVerdict(
        utility=0.5, reservation=0.4, margin=0.1 if accepts else -0.1, accepts=accepts, veto=veto
    )


def make_solve_result(*, open_zopa: bool = True) -> SolveResult:
    """A SolveResult with an open ZOPA [110k, 130k], or a closed one (gap 15k)."""
    if open_zopa:
        acceptable = {
            "north": (110_000.0, TOTAL_KM2),
            "south": (0.0, 130_000.0),
            "broker": (60_000.0, 160_000.0),
            "funder": (0.0, 140_000.0),
            "patron": (90_000.0, TOTAL_KM2),
        }
        zopa = Zopa(exists=True, lo_km2=110_000.0, hi_km2=130_000.0, binding=("north", "south"))
        solutions = {
            "nash": 121_000.0,
            "kalai_smorodinsky": 119_500.0,
            "rubinstein": 124_000.0,
            "unanimity": 117_000.0,
        }
    else:
        acceptable = {
            "north": (140_000.0, TOTAL_KM2),
            "south": (0.0, 125_000.0),
            "broker": (60_000.0, 160_000.0),
            "funder": (float("nan"), float("nan")),
            "patron": (90_000.0, TOTAL_KM2),
        }
        zopa = Zopa(
            exists=False,
            lo_km2=140_000.0,
            hi_km2=125_000.0,
            binding=("north", "south"),
            gap_km2=15_000.0,
        )
        solutions = {
            k: float("nan") for k in ("nash", "kalai_smorodinsky", "rubinstein", "unanimity")
        }
    deal_lines = {"freeze": 116_000.0, "claimed": 135_000.0}
    deals = {
        "freeze": {a: _verdict(open_zopa) for a in ("north", "south", "broker")},
        "claimed": {"north": _verdict(True), "south": _verdict(False), "broker": _verdict(True)},
    }
    return SolveResult(
        scenario="toy",
        month="2026-01",
        actors=ACTORS,
        actor_labels=LABELS,
        actor_colors={},
        veto_players=("north", "south", "broker"),
        reservation=dict.fromkeys(ACTORS, 0.4),
        reservation_value=dict.fromkeys(ACTORS, 4.0),
        acceptable=acceptable,
        zopa=zopa,
        solutions=solutions,
        deals=deals,
        deal_lines=deal_lines,
        deal_labels={"freeze": "Freeze at the contact line", "claimed": "All claimed provinces"},
        reference_lines={"borders": 0.0, "pre_war": 43_000.0, "claimed": 135_000.0},
        reference_labels={
            "borders": "Original borders",
            "pre_war": "Pre-war line",
            "claimed": "Claimed provinces",
        },
        total_km2=TOTAL_KM2,
        status_quo_km2=116_000.0,
        settings={},
    )


def make_timeline() -> Timeline:
    """24 months: the line creeps up, South's maximum rises after month 10, a window opens."""
    months = tuple(f"{2026 + (m // 12)}-{m % 12 + 1:02d}" for m in range(24))
    t = np.arange(24, dtype=float)
    line = 116_000.0 + 600.0 * t
    north_lo = 140_000.0 - 900.0 * t
    south_hi = np.where(t < 10, 112_000.0, 112_000.0 + 2_500.0 * (t - 10))
    broker_lo, broker_hi = 60_000.0 + 0 * t, 160_000.0 - 500.0 * t
    lo = np.maximum(north_lo, broker_lo)
    hi = np.minimum(south_hi, broker_hi)
    exists = hi >= lo
    open_months = [months[i] for i in np.flatnonzero(exists)]
    return Timeline(
        scenario="toy",
        months=months,
        line_km2=line,
        exists=exists,
        lo_km2=lo,
        hi_km2=hi,
        binding=tuple(("north", "south") for _ in months),
        reservation={a: np.full(24, 0.4) for a in ("north", "south", "broker")},
        bounds={
            "north": (north_lo, np.full(24, TOTAL_KM2)),
            "south": (np.zeros(24), south_hi),
            "broker": (broker_lo, broker_hi),
        },
        convergence={"south": north_lo - south_hi},
        events=(("2026-11", "Election"), ("2026-04", "Spring thaw")),
        windows=((open_months[0], open_months[-1]),) if open_months else (),
        first_open=open_months[0] if open_months else None,
        actor_labels=LABELS,
        actor_colors={},
        total_km2=TOTAL_KM2,
    )


def make_phase_dataset() -> xr.Dataset:
    """A 25 x 20 grid where a ZOPA exists above a curved boundary."""
    r = np.linspace(0.02, 0.30, 25)
    c = np.linspace(0.0, 1.0, 20)
    rr, cc = np.meshgrid(r, c, indexing="ij")
    width = 60_000.0 * (cc - 2.0 * (rr - 0.1) ** 2 * 10 - 0.25)
    exists = width > 0
    return xr.Dataset(
        {
            "zopa_exists": (("discount_rate", "war_cost"), exists),
            "zopa_width_km2": (("discount_rate", "war_cost"), np.where(exists, width, 0.0)),
        },
        coords={
            "discount_rate": (
                "discount_rate",
                r,
                {"long_name": "North's discount rate", "units": "1/year"},
            ),
            "war_cost": ("war_cost", c, {"long_name": "South's cost of war"}),
        },
    )


MAP_FILE = Path(__file__).parents[2] / "models" / "data" / "ukraine_oblasts.topo.json"


def load_map() -> dict:
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def make_control() -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Invented shares per region (now, under the ZOPA's lowest and highest line)."""
    now = {
        "Crimea": 1.0,
        "Luhans'k": 0.95,
        "Donets'k": 0.7,
        "Zaporizhzhya": 0.7,
        "Kherson": 0.7,
        "Kharkiv": 0.05,
    }
    lower = {**now, "Kharkiv": 0.0}
    upper = {**now, "Donets'k": 1.0, "Zaporizhzhya": 0.9}
    return now, lower, upper


PARAMETERS = ["North discount rate", "South war cost", "Broker deadline", "Front drift"]


def make_sobol() -> dict[str, np.ndarray]:
    return {
        "S1": np.array([0.40, 0.20, 0.05, 0.10]),
        "S1_conf": np.array([0.05, 0.04, 0.03, 0.03]),
        "ST": np.array([0.55, 0.30, 0.10, 0.12]),
        "ST_conf": np.array([0.06, 0.05, 0.04, 0.03]),
    }


def make_frontier() -> tuple[np.ndarray, np.ndarray]:
    line = np.linspace(0.0, 1.0, 101)
    return 1.0 - line**2, 1.0 - (1.0 - line) ** 1.5


def square_topology() -> dict:
    """Two unit squares side by side sharing one arc (the middle edge), quantised.

    Arc 0 runs along the shared edge (1,0) -> (1,1); the left square uses it
    forwards, the right square reversed (~0 = -1).  With scale 0.5 and
    translate (10, 20) the integer positions are twice the unit coordinates.
    """
    return {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10.0, 20.0]},
        "objects": {
            "squares": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "left"}},
                    {"type": "Polygon", "arcs": [[2, -1]], "id": "R"},
                    {"type": "Point", "coordinates": [4, 2], "properties": {"name": "dot"}},
                    {"type": None},
                ],
            },
            "edge": {"type": "LineString", "arcs": [-1]},
        },
        "arcs": [
            # (2,0) -> (2,2): absolute start, then a delta
            [[2, 0], [0, 2]],
            # (2,2) -> (0,2) -> (0,0) -> (2,0)
            [[2, 2], [-2, 0], [0, -2], [2, 0]],
            # (2,0) -> (4,0) -> (4,2) -> (2,2)
            [[2, 0], [2, 0], [0, 2], [-2, 0]],
        ],
    }
