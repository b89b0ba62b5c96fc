"""The county's municipalities as inline SVG, coloured by reported impact (no map tiles)."""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .models import ImpactLevel

GEOJSON = Path(__file__).resolve().parent / "data" / "stockholm_municipalities.geojson"
WIDTH = 600


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Area:
    shape: Shape
    impact: str
    impact_label: str
    affected: bool


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


@lru_cache(maxsize=1)
def shapes() -> tuple[tuple[Shape, ...], int]:
    """Project once (equirectangular, scaled by the county's latitude) to SVG paths."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
    lon_min = min(p[0] for p in points)
    lon_max = max(p[0] for p in points)
    lat_min = min(p[1] for p in points)
    lat_max = max(p[1] for p in points)
    k = math.cos(math.radians((lat_min + lat_max) / 2))
    scale = WIDTH / ((lon_max - lon_min) * k)
    height = round((lat_max - lat_min) * scale)

    def xy(p: list[float]) -> tuple[float, float]:
        return (p[0] - lon_min) * k * scale, (lat_max - p[1]) * scale

    result = []
    for feature in features:
        rings = _rings(feature["geometry"])
        d = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in map(xy, ring)) + " Z" for ring in rings
        )
        outer = max(rings, key=len)
        cx = sum(xy(p)[0] for p in outer) / len(outer)
        cy = sum(xy(p)[1] for p in outer) / len(outer)
        props = feature["properties"]
        result.append(Shape(props["municipality_code"], props["name"], d, cx, cy))
    return tuple(sorted(result, key=lambda s: s.name)), height


def municipality_map(*, impacts: dict[str, str], affected: set[str]) -> dict:
    labels = dict(ImpactLevel.choices)
    all_shapes, height = shapes()
    areas = [
        Area(
            shape=shape,
            impact=impacts.get(shape.code, ""),
            impact_label=str(labels.get(impacts.get(shape.code, ""), "")),
            affected=shape.code in affected,
        )
        for shape in all_shapes
    ]
    return {"areas": areas, "width": WIDTH, "height": height, "levels": ImpactLevel.choices}
