"""Games with more than two players, solved with pygambit (the ``games`` extra).

The joint secondary-sanctions game
----------------------------------
One sanctioner decides once, for all buyers at the same time, whether to
impose secondary sanctions {impose, hold off}; each buyer ``b`` decides
{keep buying, cut purchases}.  Each buyer comes with the six parameters of
the two-player ``secondary_sanctions`` game (:mod:`sim.games.subgames`:
``D_b, S_b, f_b, C_b, K_b, G_b``; the sanctioner's ``C_b, K_b, G_b`` are its
valuations of sanctioning *that* buyer).  With ``s`` the sanctioner's action
and ``a_b`` buyer ``b``'s:

* sanctioner: ``u_0 = sum_b A_b(s, a_b)``;
* buyer ``b``: ``u_b = B_b(s, a_b) + [a_b = keep] * sigma * sum_{b' != b, a_b' = cut} f_b' D_b'``,

where ``A_b, B_b`` are the two-player payoffs and ``sigma`` (``spillover``, >= 0)
is the share of the discount another buyer gives up that passes to a buyer
who keeps buying (the seller must place the oil a cutting buyer refuses, so
it offers the others a deeper discount).  With ``sigma = 0`` the buyers'
payoffs do not depend on each other, but the game is still not two separate
games: the sanctioner imposes on all buyers or none.

Equilibria are computed by ``pygambit.nash.enumpoly_solve`` (all equilibria,
by enumerating supports and solving each support's polynomial system; McKelvey
and McLennan 1996) or, for two players, ``enummixed_solve`` (all extreme
equilibria, the method nashpy's vertex enumeration also implements).

References
----------
McKelvey, R. D. and McLennan, A. (1996). Computation of equilibria in finite
games. In Amman, Kendrick and Rust (eds.), *Handbook of Computational
Economics* 1, 87-142.

Savani, R. and Turocy, T. L. (2025). Gambit: The package for computation in
game theory, version 16.  https://www.gambit-project.org
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

from sim.errors import ParameterError
from sim.games.selection import RULE_APPLIED, SELECTION_RULES, payoff_dominant_mask
from sim.games.subgames import SUBGAMES

#: Methods accepted by :func:`solve_nplayer`.
NPLAYER_METHODS: tuple[str, ...] = ("enumpoly", "enummixed")

_INSTALL_HINT = "pip install ceasefire[games]"


def require_pygambit() -> Any:
    """Import and return pygambit, or raise ImportError saying how to install it."""
    try:
        import pygambit
    except ImportError as exc:
        raise ImportError(
            f"n-player games need pygambit, which is not installed: {_INSTALL_HINT}"
        ) from exc
    return pygambit


@dataclass(frozen=True)
class NPlayerEquilibrium:
    """One Nash equilibrium of an n-player game.

    Attributes
    ----------
    mixes : tuple of ndarray
        Each player's probabilities over its actions, in player order.
    payoffs : ndarray, shape (players,)
        Each player's expected payoff.
    max_regret : float
        The largest gain any player could get by deviating (0 for an exact
        equilibrium; pygambit accepts up to ``maxregret`` times the payoff range).
    """

    mixes: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    max_regret: float


@dataclass(frozen=True)
class NPlayerResult:
    """All equilibria found for an n-player game, with how they were computed.

    Attributes
    ----------
    players : tuple of str
    actions : tuple of tuple of str
    equilibria : tuple of NPlayerEquilibrium
    method : str
        The pygambit method ("enumpoly" or "enummixed").
    parameters : dict
        Its parameters as pygambit reports them (e.g. ``maxregret``).
    pygambit_version : str
    """

    players: tuple[str, ...]
    actions: tuple[tuple[str, ...], ...]
    equilibria: tuple[NPlayerEquilibrium, ...]
    method: str
    parameters: dict[str, Any]
    pygambit_version: str

    def __len__(self) -> int:
        return len(self.equilibria)


def _check_payoffs(payoffs: Sequence[np.ndarray]) -> list[np.ndarray]:
    arrays = [np.asarray(u, dtype=float) for u in payoffs]
    if len(arrays) < 2:
        raise ValueError(f"payoffs needs one array per player (>= 2), got {len(arrays)}")
    shape = arrays[0].shape
    if len(shape) != len(arrays) or min(shape) < 1:
        raise ValueError(
            f"each payoff array must have one axis per player ({len(arrays)}), got shape {shape}"
        )
    for i, u in enumerate(arrays):
        if u.shape != shape:
            raise ValueError(f"payoffs[{i}] has shape {u.shape}, expected {shape}")
        if not np.all(np.isfinite(u)):
            raise ValueError(f"payoffs[{i}] must be finite (found NaN or infinity)")
    return arrays


def solve_nplayer(
    payoffs: Sequence[np.ndarray],
    players: Sequence[str] | None = None,
    actions: Sequence[Sequence[str]] | None = None,
    method: str = "enumpoly",
    maxregret: float = 1e-8,
) -> NPlayerResult:
    """All Nash equilibria of a finite normal-form game, by pygambit.

    Parameters
    ----------
    payoffs : sequence of ndarray, each of shape (m_1, ..., m_N)
        ``payoffs[i][a_1, ..., a_N]`` is player ``i``'s payoff at the profile.
    players : sequence of str, optional
        Player names (default "0", "1", ...).
    actions : sequence of sequence of str, optional
        Action labels per player (default "0", "1", ...).
    method : {"enumpoly", "enummixed"}
        ``enumpoly`` for any number of players; ``enummixed`` for two players.
    maxregret : float
        ``enumpoly``'s acceptance criterion, relative to the payoff range.

    Returns
    -------
    NPlayerResult

    Raises
    ------
    ImportError
        If pygambit is not installed.
    ValueError
        On bad shapes, names or method.
    """
    gbt = require_pygambit()
    arrays = _check_payoffs(payoffs)
    shape = arrays[0].shape
    players = tuple(players) if players is not None else tuple(str(i) for i in range(len(shape)))
    if len(players) != len(shape):
        raise ValueError(f"players must name {len(shape)} players, got {list(players)}")
    if actions is None:
        actions = tuple(tuple(str(a) for a in range(m)) for m in shape)
    actions = tuple(tuple(a) for a in actions)
    if tuple(len(a) for a in actions) != shape:
        raise ValueError(f"actions must have {shape} labels per player, got {actions}")
    if method not in NPLAYER_METHODS:
        raise ValueError(f"method must be one of {list(NPLAYER_METHODS)}, got {method!r}")
    if method == "enummixed" and len(shape) != 2:
        raise ValueError("method 'enummixed' solves two-player games only; use 'enumpoly'")

    game = gbt.Game.from_arrays(*arrays)
    if method == "enumpoly":
        result = gbt.nash.enumpoly_solve(game, use_strategic=True, maxregret=maxregret)
    else:
        result = gbt.nash.enummixed_solve(game, rational=False)
    found = []
    for profile in result.equilibria:
        mixes = tuple(
            np.array([float(profile[s]) for s in player.strategies]) for player in game.players
        )
        found.append(
            NPlayerEquilibrium(
                mixes=mixes,
                payoffs=np.array([float(profile.payoff(p)) for p in game.players]),
                max_regret=float(profile.max_regret()),
            )
        )
    found.sort(key=lambda e: tuple(-x for mix in e.mixes for x in mix))
    return NPlayerResult(
        players=players,
        actions=actions,
        equilibria=tuple(found),
        method=result.method,
        parameters=dict(result.parameters),
        pygambit_version=gbt.__version__,
    )


def joint_sanctions_payoffs(
    buyers: Mapping[str, Mapping[str, Any]], spillover: float = 0.0
) -> list[np.ndarray]:
    """Payoff arrays of the joint secondary-sanctions game (see the module docstring).

    Parameters
    ----------
    buyers : mapping of str to mapping
        Buyer name -> the six ``secondary_sanctions`` parameters (numbers).
    spillover : float
        ``sigma`` >= 0: share of another buyer's forgone discount that passes
        to a buyer who keeps buying.

    Returns
    -------
    list of ndarray, each of shape (2,) * (1 + number of buyers)
        Sanctioner first, then the buyers in the mapping's order; action 0 is
        impose / keep buying.

    Raises
    ------
    ParameterError
        On a bad buyer parameter or spillover.
    """
    spec = SUBGAMES["secondary_sanctions"]
    if not buyers:
        raise ParameterError("joint sanctions game: give at least one buyer")
    if not (np.isfinite(spillover) and spillover >= 0):
        raise ParameterError(f"joint sanctions game: spillover must be >= 0, got {spillover!r}")
    names = list(buyers)
    mats = []
    forgone = []
    for name in names:
        arrays, n = spec.check(buyers[name], where=f"buyer {name!r}")
        if n != 1 or any(np.ndim(v) for v in buyers[name].values()):
            raise ParameterError(f"buyer {name!r}: the joint game takes numbers, not arrays")
        A, B = spec.payoffs(arrays)
        mats.append((A[0], B[0]))
        forgone.append(float(arrays["cut_share"][0] * arrays["discount_value"][0]))
    k = len(names)
    shape = (2,) * (1 + k)
    u = [np.zeros(shape) for _ in range(1 + k)]
    for profile in product(range(2), repeat=1 + k):
        s, acts = profile[0], profile[1:]
        u[0][profile] = sum(mats[b][0][s, acts[b]] for b in range(k))
        for b in range(k):
            spill = sum(forgone[o] for o in range(k) if o != b and acts[o] == 1)
            keep = acts[b] == 0
            u[1 + b][profile] = mats[b][1][s, acts[b]] + (spillover * spill if keep else 0.0)
    return u


def solve_joint_sanctions(
    buyers: Mapping[str, Mapping[str, Any]],
    sanctioner: str = "sanctioner",
    selection: str = "payoff_dominant",
    spillover: float = 0.0,
) -> dict[str, Any]:
    """Solve the joint sanctions game and return its expected effects.

    Parameters
    ----------
    buyers : mapping of str to mapping
        Buyer name -> its ``secondary_sanctions`` parameters (numbers).
    sanctioner : str
        The sanctioner's name (for labels only).
    selection : {"payoff_dominant", "risk_dominant", "expected"}
        ``payoff_dominant``: an equilibrium giving every player at least as much
        as every other, else (as ``risk_dominant``, which applies to 2x2 games
        only) the average over the equilibria found.
    spillover : float
        See :func:`joint_sanctions_payoffs`.

    Returns
    -------
    dict
        ``result`` (:class:`NPlayerResult`), ``weights`` (one per equilibrium),
        ``rule_applied`` (str), ``imposed`` (float) and ``kept_share`` (buyer ->
        float: ``1 - f_b P(b cuts)``, averaged over the selected equilibria).

    Raises
    ------
    ImportError
        If pygambit is not installed.
    ParameterError
        On bad parameters or selection.
    """
    if selection not in SELECTION_RULES:
        raise ParameterError(
            f"joint sanctions game: selection must be one of {list(SELECTION_RULES)}, "
            f"got {selection!r}"
        )
    payoffs = joint_sanctions_payoffs(buyers, spillover)
    spec = SUBGAMES["secondary_sanctions"]
    names = list(buyers)
    result = solve_nplayer(
        payoffs,
        players=(sanctioner, *names),
        actions=(spec.row_actions, *(spec.col_actions for _ in names)),
    )
    if len(result) == 0:
        raise ParameterError("joint sanctions game: pygambit found no equilibrium")
    k = len(result)
    valid = np.ones((1, k), dtype=bool)
    weights = np.full(k, 1.0 / k)
    rule = 0 if k == 1 else 3
    if k > 1 and selection == "payoff_dominant":
        stacked = np.array([e.payoffs for e in result.equilibria])[None]
        dominant = payoff_dominant_mask(stacked, valid)[0]
        if dominant.any():
            weights, rule = dominant / dominant.sum(), 1
    imposed = float(sum(w * e.mixes[0][0] for w, e in zip(weights, result.equilibria, strict=True)))
    kept = {
        name: float(
            sum(
                w * (1.0 - float(buyers[name]["cut_share"]) * e.mixes[1 + b][1])
                for w, e in zip(weights, result.equilibria, strict=True)
            )
        )
        for b, name in enumerate(names)
    }
    return {
        "result": result,
        "weights": weights,
        "rule_applied": RULE_APPLIED[rule],
        "imposed": imposed,
        "kept_share": kept,
    }
