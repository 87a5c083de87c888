"""Strategic subgames whose payoffs are built from named scenario parameters.

Three kinds of 2x2 normal-form game, each a :class:`SubgameSpec`: the payoff
of every cell is a formula in named parameters (floats or 1-D arrays over a
batch of parameter sets), the selected equilibrium (:mod:`sim.games.selection`)
gives expected values -- the *effects* -- that the war model consumes.
Payoffs are relative to the status-quo cell, whose payoffs are 0 for both
players unless stated; only differences within one player's payoffs change a
best response, so some parameters only set payoff *levels* (they matter for
payoff-dominance selection and for the reported payoffs, not for which
profiles are equilibria).  Row action 0 / column action 0 are listed first.

``secondary_sanctions`` -- row: sanctioner {impose, hold off}; column: buyer
{keep buying, cut purchases}.  Parameters ``D`` discount_value, ``S``
sanction_cost, ``f`` cut_share, ``C`` imposition_cost, ``K`` enforcement_value,
``G`` cut_gain::

                   keep buying          cut purchases
    impose       (K - C,  D - S)      (f G - C,  (1 - f) D)
    hold off     (0,      D)          (f G,      (1 - f) D)

With ``C > K`` holding off is dominant and the buyer keeps buying.  With
``K > C`` and ``S < f D`` the buyer keeps buying whatever happens, and the
sanctioner imposes.  With ``K > C`` and ``S > f D`` there is no pure
equilibrium (an inspection game): the sanctioner imposes with probability
``f D / S`` and the buyer keeps buying with probability ``C / K`` -- raising the
sanctions cost ``S`` lowers how often sanctions must be imposed, not how much
the buyer buys (Tsebelis 1990).  Effects: ``kept_share = 1 - f P(cut)``,
``imposed = P(impose)``.

``escalation`` -- row: supplier {supply the next rung, withhold}; column:
target {escalate, restrain}.  Parameters ``M`` rung_value, ``c`` supply_cost,
``R`` risk_cost, ``L`` rung_damage, ``X`` escalation_cost, ``H``
red_line_value::

                   escalate                 restrain
    supply       (M - c - R,  H - L - X)   (M - c,  -L)
    withhold     (0,          -X)          (0,       0)

With ``M < c`` withholding is dominant.  With ``M > c`` and ``H < X`` the
target's threat is not credible: (supply, restrain).  With ``M - c > R`` and
``H > X``: (supply, escalate).  With ``0 < M - c < R`` and ``H > X`` no pure
equilibrium: the supplier supplies with probability ``X / H``, the target
escalates with probability ``(M - c) / R``.  Effects: ``supplied = P(supply)``,
``escalated = P(escalate)``.

``alignment`` -- row: ally {stay aligned, hedge}; column: patron {keep
supporting, pull back}.  Parameters ``V`` support_value, ``T`` hedge_gain,
``h`` hedge_cost, ``P`` hedge_penalty, ``C`` support_cost, ``U``
alignment_value, ``W`` partnership_value::

                   keep supporting          pull back
    stay aligned (V,  U + W - C)            (0,      U)
    hedge        (V + T - h - P,  -C)       (T - h,  0)

The ally hedges against a supporting patron iff ``T > h + P`` and against a
patron that pulls back iff ``T > h``; the patron supports an aligned ally iff
``W > C`` and never gains from supporting a hedging one.  With ``W > C`` and
``h < T < h + P`` the game is a coordination game with two pure equilibria,
(aligned, supporting) and (hedging, pulling back), and the selection rule
decides.  Effects: ``aligned = P(stay aligned)``, ``supported = P(keep
supporting)``.

References
----------
Tsebelis, G. (1990). Are sanctions effective? A game-theoretic analysis.
*Journal of Conflict Resolution* 34(1), 3-28.

Schelling, T. C. (1966). *Arms and Influence*. Yale University Press (the
escalation ladder and the credibility of threats).

Snyder, G. H. (1984). The security dilemma in alliance politics. *World
Politics* 36(4), 461-495 (abandonment vs entrapment between ally and patron).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import ParameterError
from sim.games.closed_form import solve_2x2
from sim.games.selection import SELECTION_RULES
from sim.games.solve import equilibria, select

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Parameter:
    """A named payoff parameter of a subgame.

    Attributes
    ----------
    name : str
    meaning : str
        One line: what the number is.
    unit : str
    domain : {"nonnegative", "share"}
        ``"share"`` must lie in [0, 1]; ``"nonnegative"`` must be >= 0.
    """

    name: str
    meaning: str
    unit: str
    domain: str = "nonnegative"


@dataclass(frozen=True)
class SubgameSpec:
    """A kind of 2x2 subgame: actions, parameters, payoffs and effects.

    Attributes
    ----------
    kind : str
    row_role, col_role : str
        What the row and column players are (e.g. "sanctioner", "buyer").
    row_actions, col_actions : tuple of str
        Action labels; the first is action 0.
    parameters : tuple of Parameter
    effects_meaning : dict of str to str
        The effect names and what each means.
    payoffs : callable
        ``payoffs(p) -> (A, B)`` from a dict of arrays of shape (n,) to two
        arrays of shape (n, 2, 2); the cell formulas are in its docstring.
    effect_values : callable
        ``effect_values(row_first, col_first, p) -> dict`` (broadcasting).
    """

    kind: str
    row_role: str
    col_role: str
    row_actions: tuple[str, str]
    col_actions: tuple[str, str]
    parameters: tuple[Parameter, ...]
    effects_meaning: dict[str, str]
    payoffs: Callable[[dict[str, np.ndarray]], tuple[np.ndarray, np.ndarray]] = field(repr=False)
    effect_values: Callable[..., dict[str, np.ndarray]] = field(repr=False)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Names of the required parameters, in declaration order."""
        return tuple(p.name for p in self.parameters)

    @property
    def effect_names(self) -> tuple[str, ...]:
        """Names of the effects, in order."""
        return tuple(self.effects_meaning)

    def check(self, params: Params, where: str = "") -> tuple[dict[str, np.ndarray], int]:
        """Validate parameters and return them as float arrays with the batch size.

        Parameters
        ----------
        params : mapping of str to float or 1-D array
            Every required parameter, each a number or a 1-D array of length ``n``
            (all arrays the same length).
        where : str
            Prefix for error messages, e.g. the game's name.

        Returns
        -------
        arrays : dict of str to ndarray, shape (n,)
            Scalars are broadcast to length ``n``.
        n : int
            The batch size (1 when every parameter is a number).

        Raises
        ------
        ParameterError
            Naming the parameter and the bad value: missing or unknown names,
            a non-numeric, non-finite or out-of-domain value, or arrays of
            different lengths.
        """
        prefix = f"{where or self.kind}: "
        names = self.parameter_names
        missing = [name for name in names if name not in params]
        if missing:
            raise ParameterError(
                f"{prefix}missing parameter(s) {missing} for kind {self.kind!r} "
                f"(required: {list(names)})"
            )
        unknown = sorted(set(params) - set(names))
        if unknown:
            raise ParameterError(
                f"{prefix}unknown parameter(s) {unknown} for kind {self.kind!r} "
                f"(required: {list(names)})"
            )
        raw: dict[str, np.ndarray] = {}
        for spec in self.parameters:
            value = params[spec.name]
            try:
                arr = np.asarray(value, dtype=float)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"{prefix}parameter {spec.name!r} must be a number or a 1-D array of "
                    f"numbers, got {value!r}"
                ) from None
            if arr.ndim > 1:
                raise ParameterError(
                    f"{prefix}parameter {spec.name!r} must be a number or a 1-D array, "
                    f"got shape {arr.shape}"
                )
            bad = ~np.isfinite(arr)
            if spec.domain == "share":
                bad |= (arr < 0) | (arr > 1)
                rule = "a finite share in [0, 1]"
            else:
                bad |= arr < 0
                rule = "finite and >= 0"
            if np.any(bad):
                first = arr if arr.ndim == 0 else arr[np.argmax(bad)]
                raise ParameterError(
                    f"{prefix}parameter {spec.name!r} must be {rule}, got {float(first)!r}"
                )
            raw[spec.name] = arr
        lengths = {name: arr.shape[0] for name, arr in raw.items() if arr.ndim == 1}
        if len(set(lengths.values())) > 1:
            raise ParameterError(
                f"{prefix}parameter arrays have different lengths {lengths}; use one batch size"
            )
        n = next(iter(lengths.values()), 1)
        return {name: np.broadcast_to(arr, (n,)) for name, arr in raw.items()}, n

    def build(self, params: Params) -> tuple[np.ndarray, np.ndarray]:
        """Payoff matrices of the batch, each of shape (n, 2, 2) (n = 1 for numbers).

        Raises
        ------
        ParameterError
            On a bad parameter (see :meth:`check`).
        """
        arrays, _ = self.check(params)
        return self.payoffs(arrays)

    def effects(
        self, row_mix: np.ndarray, col_mix: np.ndarray, params: Params
    ) -> dict[str, np.ndarray]:
        """Expected effects of a strategy profile.

        Parameters
        ----------
        row_mix, col_mix : float or ndarray
            Probability that the row (column) player plays its *first* action;
            broadcast against the parameters.
        params : mapping of str to float or ndarray
            The parameters (arrays must broadcast with the mixes).

        Returns
        -------
        dict of str to ndarray
            One entry per name in :attr:`effects_meaning`.
        """
        arrays = {name: np.asarray(params[name], dtype=float) for name in self.parameter_names}
        return self.effect_values(
            np.asarray(row_mix, dtype=float), np.asarray(col_mix, dtype=float), arrays
        )


def _matrices(cells: list[list[tuple[np.ndarray, np.ndarray]]]) -> tuple[np.ndarray, np.ndarray]:
    """Stack ``cells[i][j] = (row payoff, column payoff)`` into two (n, 2, 2) arrays."""
    A = np.stack([np.stack([cells[i][j][0] for j in range(2)], -1) for i in range(2)], -2)
    B = np.stack([np.stack([cells[i][j][1] for j in range(2)], -1) for i in range(2)], -2)
    return A, B


def sanctions_payoffs(p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs of the secondary-sanctions game.

    Row: sanctioner {impose, hold off}; column: buyer {keep buying, cut purchases}.
    ``D`` discount_value, ``S`` sanction_cost, ``f`` cut_share, ``C``
    imposition_cost, ``K`` enforcement_value, ``G`` cut_gain::

        (impose,   keep) : A = K - C        B = D - S
        (impose,   cut)  : A = f G - C      B = (1 - f) D
        (hold off, keep) : A = 0            B = D
        (hold off, cut)  : A = f G          B = (1 - f) D

    The buyer's payoffs are its gain from the discount on what it still buys,
    minus the sanctions cost if it keeps buying under sanctions (a buyer that
    cuts is not penalised); the sanctioner's are the value of the purchases cut
    (``G`` for all of them), the cost of imposing, and the value of enforcing
    against a buyer that defies it.  ``G`` only sets the level of the cut column
    (it changes no best response).  Units: $bn/yr (each player's own valuation).
    """
    D, S, f = p["discount_value"], p["sanction_cost"], p["cut_share"]
    C, K, G = p["imposition_cost"], p["enforcement_value"], p["cut_gain"]
    zero = np.zeros_like(D)
    return _matrices(
        [
            [(K - C, D - S), (f * G - C, (1 - f) * D)],
            [(zero, D), (f * G, (1 - f) * D)],
        ]
    )


def sanctions_effects(
    row_first: np.ndarray, col_first: np.ndarray, p: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Effects of the sanctions game.

    ``kept_share = 1 - f * (1 - P(keep))``: the expected share of the buyer's
    purchases that survives (a buyer that cuts gives up the share ``f``);
    ``imposed = P(impose)``.
    """
    f = p["cut_share"]
    kept = 1.0 - f * (1.0 - col_first)
    imposed = row_first + np.zeros_like(kept)
    return {"kept_share": kept, "imposed": imposed}


def escalation_payoffs(p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs of the escalation game for one rung of the ladder.

    Row: supplier {supply the next rung, withhold}; column: target {escalate,
    restrain}.  ``M`` rung_value, ``c`` supply_cost, ``R`` risk_cost, ``L``
    rung_damage, ``X`` escalation_cost, ``H`` red_line_value::

        (supply,   escalate) : A = M - c - R    B = H - L - X
        (supply,   restrain) : A = M - c        B = -L
        (withhold, escalate) : A = 0            B = -X
        (withhold, restrain) : A = 0            B = 0

    The supplier values the rung's effect on the war (``M``), pays for it
    (``c``) and bears the risk cost ``R`` of an escalation that answers its
    supply; the target loses ``L`` to a supplied rung, pays ``X`` to escalate,
    and gains ``H`` (its deterrent's credibility) by answering a crossed red
    line.  ``L`` only sets a level.  Units: index, each player's own payoff unit
    (only ratios within one player's parameters matter).
    """
    M, c, R = p["rung_value"], p["supply_cost"], p["risk_cost"]
    L, X, H = p["rung_damage"], p["escalation_cost"], p["red_line_value"]
    zero = np.zeros_like(M)
    return _matrices(
        [
            [(M - c - R, H - L - X), (M - c, -L)],
            [(zero, -X), (zero, zero)],
        ]
    )


def escalation_effects(
    row_first: np.ndarray, col_first: np.ndarray, p: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Effects of the escalation game: ``supplied = P(supply)``, ``escalated = P(escalate)``."""
    shape = np.broadcast_shapes(np.shape(row_first), np.shape(col_first))
    return {
        "supplied": np.broadcast_to(row_first, shape).astype(float),
        "escalated": np.broadcast_to(col_first, shape).astype(float),
    }


def alignment_payoffs(p: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Payoffs of the alignment game.

    Row: ally {stay aligned, hedge}; column: patron {keep supporting, pull back}.
    ``V`` support_value, ``T`` hedge_gain, ``h`` hedge_cost, ``P``
    hedge_penalty, ``C`` support_cost, ``U`` alignment_value, ``W``
    partnership_value::

        (aligned, support)   : A = V                B = U + W - C
        (aligned, pull back) : A = 0                B = U
        (hedge,   support)   : A = V + T - h - P    B = -C
        (hedge,   pull back) : A = T - h            B = 0

    The ally values the patron's support (``V``), gains ``T`` by hedging toward
    the patron's rival at a cost ``h`` (and an extra ``P`` while the patron
    still supports it); the patron pays ``C`` to support, values the ally's
    alignment (``U``) and gains ``W`` from supporting an aligned ally (shared
    burden, credibility).  ``V`` and ``U`` only set levels.  Units: $bn/yr
    equivalent (each player's own valuation).
    """
    V, T, h, P = p["support_value"], p["hedge_gain"], p["hedge_cost"], p["hedge_penalty"]
    C, U, W = p["support_cost"], p["alignment_value"], p["partnership_value"]
    zero = np.zeros_like(V)
    return _matrices(
        [
            [(V, U + W - C), (zero, U)],
            [(V + T - h - P, -C), (T - h, zero)],
        ]
    )


def alignment_effects(
    row_first: np.ndarray, col_first: np.ndarray, p: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Effects of the alignment game: ``aligned = P(stay aligned)``, ``supported = P(support)``."""
    shape = np.broadcast_shapes(np.shape(row_first), np.shape(col_first))
    return {
        "aligned": np.broadcast_to(row_first, shape).astype(float),
        "supported": np.broadcast_to(col_first, shape).astype(float),
    }


_MONEY = "$bn/yr"
_INDEX = "index (the player's payoff unit)"

#: The subgame kinds, by name.
SUBGAMES: dict[str, SubgameSpec] = {
    "secondary_sanctions": SubgameSpec(
        kind="secondary_sanctions",
        row_role="sanctioner",
        col_role="buyer",
        row_actions=("impose", "hold off"),
        col_actions=("keep buying", "cut purchases"),
        parameters=(
            Parameter(
                "discount_value",
                "buyer's yearly saving from buying the target's oil below the market price",
                _MONEY,
            ),
            Parameter(
                "sanction_cost",
                "buyer's yearly cost of being under secondary sanctions while it keeps buying",
                _MONEY,
            ),
            Parameter(
                "cut_share",
                "share of its purchases the buyer gives up when it cuts",
                "share",
                "share",
            ),
            Parameter(
                "imposition_cost",
                "sanctioner's yearly cost of imposing (retaliation, oil price, diplomacy)",
                _MONEY + " equivalent",
            ),
            Parameter(
                "enforcement_value",
                "sanctioner's value of enforcing against a buyer that keeps buying (credibility)",
                _MONEY + " equivalent",
            ),
            Parameter(
                "cut_gain",
                "sanctioner's value of the buyer cutting all its purchases (revenue denied)",
                _MONEY + " equivalent",
            ),
        ),
        effects_meaning={
            "kept_share": "expected share of the buyer's purchases that survives, in [0, 1]",
            "imposed": "probability the sanctioner imposes",
        },
        payoffs=sanctions_payoffs,
        effect_values=sanctions_effects,
    ),
    "escalation": SubgameSpec(
        kind="escalation",
        row_role="supplier",
        col_role="target",
        row_actions=("supply next rung", "withhold"),
        col_actions=("escalate", "restrain"),
        parameters=(
            Parameter("rung_value", "supplier's value of the rung's effect on the war", _INDEX),
            Parameter("supply_cost", "supplier's cost of supplying (money, stocks)", _INDEX),
            Parameter(
                "risk_cost",
                "supplier's expected cost of an escalation answering its supply",
                _INDEX,
            ),
            Parameter("rung_damage", "target's loss from the rung when supplied", _INDEX),
            Parameter("escalation_cost", "target's own cost of escalating", _INDEX),
            Parameter("red_line_value", "target's value of answering a crossed red line", _INDEX),
        ),
        effects_meaning={
            "supplied": "probability the rung is supplied",
            "escalated": "probability the target escalates",
        },
        payoffs=escalation_payoffs,
        effect_values=escalation_effects,
    ),
    "alignment": SubgameSpec(
        kind="alignment",
        row_role="ally",
        col_role="patron",
        row_actions=("stay aligned", "hedge"),
        col_actions=("keep supporting", "pull back"),
        parameters=(
            Parameter("support_value", "ally's value of the patron's support", _MONEY),
            Parameter("hedge_gain", "ally's gain from hedging toward the patron's rival", _MONEY),
            Parameter("hedge_cost", "ally's cost of hedging, whatever the patron does", _MONEY),
            Parameter(
                "hedge_penalty", "ally's extra cost of hedging while the patron supports", _MONEY
            ),
            Parameter("support_cost", "patron's cost of keeping up its support", _MONEY),
            Parameter("alignment_value", "patron's value of the ally staying aligned", _MONEY),
            Parameter("partnership_value", "patron's gain from supporting an aligned ally", _MONEY),
        ),
        effects_meaning={
            "aligned": "probability the ally stays aligned",
            "supported": "probability the patron keeps supporting",
        },
        payoffs=alignment_payoffs,
        effect_values=alignment_effects,
    ),
}


def subgame_spec(kind: str) -> SubgameSpec:
    """The spec of a subgame kind; ParameterError naming the kind if unknown."""
    try:
        return SUBGAMES[kind]
    except KeyError:
        raise ParameterError(
            f"unknown subgame kind {kind!r}; known kinds: {sorted(SUBGAMES)}"
        ) from None


def _field(config: Any, name: str, game: str) -> Any:
    """``config.name`` or ``config[name]``; ParameterError if absent."""
    if isinstance(config, Mapping):
        if name in config:
            return config[name]
    elif hasattr(config, name):
        return getattr(config, name)
    raise ParameterError(f"game {game!r}: missing field {name!r}")


def _check_selection(selection: Any, game: str) -> str:
    if selection not in SELECTION_RULES:
        raise ParameterError(
            f"game {game!r}: selection must be one of {list(SELECTION_RULES)}, got {selection!r}"
        )
    return selection


def _distinct_sets(
    arrays: dict[str, np.ndarray], dedupe: str | bool
) -> tuple[np.ndarray, np.ndarray] | None:
    """Indices of the distinct parameter sets and the map back, or None to solve all.

    A game is a function of its parameters only, so identical parameter sets
    need one solution.  Measured on ``benchmarks/bench_games.py``, sorting
    several columns (``np.unique(axis=0)``) costs more than the closed form
    itself, while sorting one column is cheap; so ``"auto"`` deduplicates only
    when at most one parameter varies over the batch (a one-parameter sweep),
    and ``True`` always does.
    """
    if dedupe is False:
        return None
    n = len(next(iter(arrays.values())))
    varying = [arr for arr in arrays.values() if n > 1 and np.any(arr != arr[0])]
    if not varying:
        return np.zeros(1, dtype=np.intp), np.zeros(n, dtype=np.intp)
    if len(varying) == 1:
        _, index, inverse = np.unique(varying[0], return_index=True, return_inverse=True)
    elif dedupe is True:
        stacked = np.stack(varying, axis=1)
        _, index, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
    else:
        return None
    return index, inverse.reshape(-1)


def _expected_effects(
    spec: SubgameSpec, selection: str, arrays: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Closed-form expected effects of every parameter set in ``arrays`` (each (n,))."""
    A, B = spec.payoffs(arrays)
    out = solve_2x2(A, B, selection)
    columns = {key: arr[:, None] for key, arr in arrays.items()}
    per_candidate = spec.effect_values(
        np.nan_to_num(out.equilibria.row_first), np.nan_to_num(out.equilibria.col_first), columns
    )
    return {effect: out.expectation(values) for effect, values in per_candidate.items()}


def evaluate_subgames(
    configs: Mapping[str, Any], dedupe: str | bool = "auto"
) -> dict[str, dict[str, np.ndarray]]:
    """Solve every subgame of a scenario over a batch and return its effects.

    Parameters
    ----------
    configs : mapping of str to object or dict
        Game name -> a config with ``kind`` (a key of :data:`SUBGAMES`),
        ``selection`` (a rule of :mod:`sim.games.selection`) and ``params``
        (parameter name -> float or 1-D array of length ``n``).  All arrays of
        all games share one length ``n``.
    dedupe : {"auto", True, False}
        Whether to solve each distinct parameter set once and map the solutions
        back: ``"auto"`` when at most one parameter varies over the batch,
        ``True`` always, ``False`` never (see :func:`_distinct_sets` for why).
        The result is the same either way.

    Returns
    -------
    dict of str to dict of str to ndarray, shape (n,)
        Game name -> effect name -> expected effect under the selected
        equilibria (``n = 1`` when every parameter is a number).

    Raises
    ------
    ParameterError
        On an unknown kind or selection, a bad parameter, or batches of
        different lengths.
    """
    if dedupe not in ("auto", True, False):
        raise ValueError(f"dedupe must be 'auto', True or False, got {dedupe!r}")
    checked = {}
    for name, config in configs.items():
        spec = subgame_spec(_field(config, "kind", name))
        selection = _check_selection(_field(config, "selection", name), name)
        arrays, n = spec.check(_field(config, "params", name), where=f"game {name!r}")
        checked[name] = (spec, selection, arrays, n)
    batch = {n for *_, n in checked.values() if n > 1}
    if len(batch) > 1:
        sizes = {name: n for name, (*_, n) in checked.items()}
        raise ParameterError(f"subgame parameter batches have different lengths: {sizes}")
    n_total = next(iter(batch), 1)

    results: dict[str, dict[str, np.ndarray]] = {}
    for name, (spec, selection, arrays, _) in checked.items():
        distinct = _distinct_sets(arrays, dedupe)
        if distinct is None:
            effects = _expected_effects(spec, selection, arrays)
        else:
            index, inverse = distinct
            few = _expected_effects(spec, selection, {k: a[index] for k, a in arrays.items()})
            effects = {effect: values[inverse] for effect, values in few.items()}
        results[name] = {
            effect: np.broadcast_to(values, (n_total,)).copy() for effect, values in effects.items()
        }
    return results


@dataclass(frozen=True)
class SubgameReport:
    """One subgame at one parameter set, explained (for the CLI and figures).

    Attributes
    ----------
    kind, selection : str
    row_role, col_role : str
    row_actions, col_actions : tuple of str
    params : dict of str to float
    A, B : ndarray, shape (2, 2)
        Row and column payoffs.
    equilibria : EquilibriumSet
        All equilibria, from nashpy (:func:`sim.games.solve.equilibria`).
    equilibrium_effects : tuple of dict
        The effects at each equilibrium.
    chosen : Selection
        The selected outcome (:func:`sim.games.solve.select`).
    effects : dict of str to float
        Expected effects under the selection (what the war model consumes).
    """

    kind: str
    selection: str
    row_role: str
    col_role: str
    row_actions: tuple[str, str]
    col_actions: tuple[str, str]
    params: dict[str, float]
    A: np.ndarray
    B: np.ndarray
    equilibria: Any
    equilibrium_effects: tuple[dict[str, float], ...]
    chosen: Any
    effects: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """Plain Python (lists, floats, strings) for JSON."""
        found = self.equilibria
        return {
            "kind": self.kind,
            "roles": {"row": self.row_role, "col": self.col_role},
            "actions": {"row": list(self.row_actions), "col": list(self.col_actions)},
            "params": dict(self.params),
            "payoffs": {"row": self.A.tolist(), "col": self.B.tolist()},
            "equilibria": [
                {
                    "row_mix": e.row_mix.tolist(),
                    "col_mix": e.col_mix.tolist(),
                    "row_payoff": e.row_payoff,
                    "col_payoff": e.col_payoff,
                    "effects": eff,
                    "weight": float(w),
                }
                for e, eff, w in zip(
                    found, self.equilibrium_effects, self.chosen.weights, strict=True
                )
            ],
            "computed_by": {
                "method": found.method,
                "requested_method": found.requested_method,
                "nashpy_version": found.nashpy_version,
                "degenerate": found.degenerate,
                "warnings": list(found.warnings),
            },
            "selection": {"rule": self.selection, "applied": self.chosen.rule_applied},
            "selected": {
                "row_mix": self.chosen.row_mix.tolist(),
                "col_mix": self.chosen.col_mix.tolist(),
                "row_payoff": self.chosen.row_payoff,
                "col_payoff": self.chosen.col_payoff,
            },
            "effects": dict(self.effects),
        }


def describe_subgame(
    kind: str, params: Params, selection: str = "payoff_dominant", method: str = "support"
) -> SubgameReport:
    """Solve one subgame at one parameter set with nashpy and explain the outcome.

    Parameters
    ----------
    kind : str
        A key of :data:`SUBGAMES`.
    params : mapping of str to float
        Every parameter of the kind, each a number.
    selection : {"payoff_dominant", "risk_dominant", "expected"}
    method : {"support", "vertex", "lemke_howson"}
        nashpy algorithm (a degenerate game is re-solved by vertex enumeration).

    Returns
    -------
    SubgameReport

    Raises
    ------
    ParameterError
        On an unknown kind or selection, or a bad or non-scalar parameter.
    """
    spec = subgame_spec(kind)
    _check_selection(selection, kind)
    arrays, _ = spec.check(params)
    if any(np.ndim(params[name]) != 0 for name in spec.parameter_names):
        raise ParameterError(f"{kind}: describe_subgame takes one parameter set (numbers only)")
    A, B = (M[0] for M in spec.payoffs(arrays))
    found = equilibria(A, B, method=method)
    chosen = select(A, B, found, selection)
    scalars = {name: float(arr[0]) for name, arr in arrays.items()}
    per_eq = tuple(
        {k: float(v) for k, v in spec.effects(e.row_mix[0], e.col_mix[0], scalars).items()}
        for e in found
    )
    effects = {
        name: float(sum(w * eff[name] for w, eff in zip(chosen.weights, per_eq, strict=True)))
        for name in spec.effect_names
    }
    return SubgameReport(
        kind=kind,
        selection=selection,
        row_role=spec.row_role,
        col_role=spec.col_role,
        row_actions=spec.row_actions,
        col_actions=spec.col_actions,
        params=scalars,
        A=A,
        B=B,
        equilibria=found,
        equilibrium_effects=per_eq,
        chosen=chosen,
        effects=effects,
    )
