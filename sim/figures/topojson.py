"""Decoding TopoJSON into coordinate arrays, with numpy only.

TopoJSON (Bostock, *The TopoJSON Format Specification* 1.0,
https://github.com/topojson/topojson-specification) stores each shared border
once, as an *arc*, and geometries as lists of arc indices:

* with a ``transform``, arc positions are quantised integers, delta-encoded: the
  first position is absolute, each later one is the difference to the one
  before (spec 2.1.2 and 2.2); the coordinates are
  ``x = cumsum(dx) * scale_x + translate_x`` and likewise for ``y``;
* an arc index ``i >= 0`` means arc ``i``; a negative index means arc ``~i``
  (``-1 - i``) traversed backwards (spec 2.1.4);
* the arcs of a line or ring are joined end to start, and the first position of
  every arc after the first duplicates the last one of its predecessor, so it is
  dropped (spec 2.1.4);
* ``Point``/``MultiPoint`` coordinates are quantised but not delta-encoded.

A GIS stack (shapely, geopandas) would do the same but is far heavier than the
forty lines needed here for drawing.

Examples
--------
>>> topology = {
...     "type": "Topology",
...     "transform": {"scale": [1, 1], "translate": [0, 0]},
...     "objects": {"shapes": {"type": "GeometryCollection", "geometries": [
...         {"type": "Polygon", "arcs": [[0, ~1]], "properties": {"name": "square"}}]}},
...     "arcs": [[[0, 0], [1, 0], [0, 1]], [[0, 0], [0, 1], [1, 0]]],
... }
>>> [feature] = features(topology, "shapes")
>>> feature.parts[0].tolist()
[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

POLYGON_TYPES = ("Polygon", "MultiPolygon")
LINE_TYPES = ("LineString", "MultiLineString")
POINT_TYPES = ("Point", "MultiPoint")


@dataclass(frozen=True)
class Feature:
    """One decoded geometry of a TopoJSON object.

    ``parts`` holds float arrays of shape ``(n, 2)`` (x, y; longitude and
    latitude for geographic data): the rings of a (multi)polygon, exterior and
    holes alike, each closed; the lines of a (multi)line string; or a single
    ``(n, 2)`` array of points.
    """

    name: str
    kind: Literal["polygon", "line", "point"]
    parts: tuple[np.ndarray, ...]
    id: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of all parts."""
        xy = np.concatenate(self.parts)
        return (*xy.min(axis=0).tolist(), *xy.max(axis=0).tolist())


def _transform(topology: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray] | None:
    transform = topology.get("transform")
    if transform is None:
        return None
    try:
        scale = np.asarray(transform["scale"], dtype=float)
        translate = np.asarray(transform["translate"], dtype=float)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"topology 'transform' must have numeric 'scale' and 'translate': {exc}"
        ) from None
    if scale.shape != (2,) or translate.shape != (2,):
        raise ValueError(
            f"topology 'transform' scale and translate must be pairs, got {transform!r}"
        )
    return scale, translate


def decode_arcs(topology: Mapping[str, Any]) -> list[np.ndarray]:
    """Absolute coordinates of every arc of ``topology``.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON ``Topology`` (``json.load`` of the file).

    Returns
    -------
    list of numpy.ndarray
        Arc ``i`` as a float array of shape ``(n_i, 2)``; extra position
        dimensions (elevation) are dropped.

    Raises
    ------
    ValueError
        If ``topology`` is not a TopoJSON topology or an arc is malformed.
    """
    if not isinstance(topology, Mapping) or topology.get("type") != "Topology":
        found = topology.get("type") if isinstance(topology, Mapping) else type(topology).__name__
        raise ValueError(f"topology: expected a TopoJSON object of type 'Topology', got {found!r}")
    arcs = topology.get("arcs")
    if not isinstance(arcs, list) or not arcs:
        raise ValueError("topology 'arcs' must be a non-empty list")
    lengths = np.array([len(arc) for arc in arcs])
    if (lengths < 2).any():
        bad = int(np.flatnonzero(lengths < 2)[0])
        raise ValueError(f"topology arc {bad} has fewer than two positions: {arcs[bad]!r}")
    try:
        flat = np.array([position[:2] for arc in arcs for position in arc], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"topology 'arcs' must hold numeric positions: {exc}") from None
    if flat.ndim != 2 or flat.shape[1] != 2:
        raise ValueError("topology 'arcs' positions must have two coordinates each")
    transform = _transform(topology)
    ends = np.cumsum(lengths)
    if transform is not None:
        # Delta decoding of all arcs at once: a running sum over the flat array,
        # minus the running sum reached before each arc starts.
        running = np.cumsum(flat, axis=0)
        before = np.vstack([np.zeros((1, 2)), running[ends[:-1] - 1]])
        flat = (running - np.repeat(before, lengths, axis=0)) * transform[0] + transform[1]
    return np.split(flat, ends[:-1])


def _stitch(indices: Sequence[int], arcs: Sequence[np.ndarray]) -> np.ndarray:
    """Join arcs (negative index = reversed) into one line, dropping repeated joints."""
    pieces = []
    for position, index in enumerate(indices):
        if not isinstance(index, int | np.integer) or not -len(arcs) <= index < len(arcs):
            raise ValueError(f"arc index {index!r} out of range for {len(arcs)} arcs")
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        pieces.append(arc if position == 0 else arc[1:])
    if not pieces:
        raise ValueError("a line or ring must reference at least one arc")
    return np.concatenate(pieces)


def _points(coordinates: Any, transform: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
    xy = np.atleast_2d(np.asarray(coordinates, dtype=float))[:, :2]
    return xy if transform is None else xy * transform[0] + transform[1]


def _decode(
    geometry: Mapping[str, Any],
    arcs: Sequence[np.ndarray],
    transform: tuple[np.ndarray, np.ndarray] | None,
) -> tuple[str, tuple[np.ndarray, ...]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return "polygon", tuple(_stitch(ring, arcs) for ring in geometry["arcs"])
    if kind == "MultiPolygon":
        rings = [_stitch(ring, arcs) for polygon in geometry["arcs"] for ring in polygon]
        return "polygon", tuple(rings)
    if kind == "LineString":
        return "line", (_stitch(geometry["arcs"], arcs),)
    if kind == "MultiLineString":
        return "line", tuple(_stitch(line, arcs) for line in geometry["arcs"])
    if kind in POINT_TYPES:
        return "point", (_points(geometry["coordinates"], transform),)
    raise ValueError(f"unsupported TopoJSON geometry type {kind!r}")


def features(topology: Mapping[str, Any], object_name: str) -> list[Feature]:
    """The geometries of one object of ``topology``, decoded.

    Parameters
    ----------
    topology : mapping
        A parsed TopoJSON ``Topology``.
    object_name : str
        Key in ``topology["objects"]``; a ``GeometryCollection`` gives one
        feature per member (nested collections are flattened), any other
        geometry gives one feature.  Null geometries are skipped.

    Returns
    -------
    list of Feature
        In file order; ``name`` is ``properties["name"]``, else the ``id``,
        else the position in the collection.

    Raises
    ------
    ValueError
        If the object does not exist (the message lists those that do) or a
        geometry is malformed.
    """
    arcs = decode_arcs(topology)
    objects = topology.get("objects") or {}
    if object_name not in objects:
        raise ValueError(
            f"topology has no object {object_name!r}; it has {', '.join(map(repr, objects))}"
        )
    transform = _transform(topology)

    def members(geometry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        if geometry.get("type") == "GeometryCollection":
            return [m for child in geometry.get("geometries", []) for m in members(child)]
        return [geometry] if geometry.get("type") else []

    decoded = []
    for position, geometry in enumerate(members(objects[object_name])):
        properties = dict(geometry.get("properties") or {})
        identifier = geometry.get("id")
        name = properties.get("name") or (str(identifier) if identifier is not None else "")
        kind, parts = _decode(geometry, arcs, transform)
        decoded.append(
            Feature(
                name=name or str(position),
                kind=kind,  # type: ignore[arg-type]
                parts=parts,
                id=None if identifier is None else str(identifier),
                properties=properties,
            )
        )
    return decoded
