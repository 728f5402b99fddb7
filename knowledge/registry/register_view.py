"""The register page's query: the areas with their GSA and KSA, searched by name or alias (no
case, å/ä/ö folded), filtered by region, a missing GSA or KSA, or a designation not verified in
12 months, page by page.

"Verified" is the designation's ``recorded_at``: set when it was recorded and again each time
someone confirms it is still right (:meth:`DesignationStore.verify`); the store keeps no other
date of checking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.registry.areas import REGION_LABELS, Area, Register
from knowledge.registry.designations import ROLES, Designation
from knowledge.text import fold

STALE_AFTER = dt.timedelta(days=365)
MAX_PAGE_SIZE = 200
FILTER_LABELS = {
    "saknar_gsa": "Saknar GSA",
    "saknar_ksa": "Saknar KSA",
    "ej_verifierad": "Inte verifierad på 12 månader",
}


@dataclass(frozen=True)
class RegisterQuery:
    """``search``: words all found in the area's name or one alias (or its parent's name);
    ``region``: a key of REGION_LABELS; ``missing_gsa``/``missing_ksa``: areas without one;
    ``stale``: areas with a designation not verified in 12 months; ``page`` counts from 1."""

    search: str = ""
    region: str | None = None
    missing_gsa: bool = False
    missing_ksa: bool = False
    stale: bool = False
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class RoleCell:
    role: str  # "gsa" | "ksa"
    designation: Designation | None
    stale: bool  # recorded or last verified more than 12 months ago

    @property
    def missing(self) -> bool:
        return self.designation is None


@dataclass(frozen=True)
class AreaRow:
    area: Area
    region_label: str
    gsa: RoleCell
    ksa: RoleCell

    @property
    def link(self) -> str:
        return f"/admin/register?omrade={self.area.id}#omrade-{self.area.id}"


@dataclass(frozen=True)
class RegisterPage:
    rows: tuple[AreaRow, ...]
    total: int  # areas matching the query, on every page
    page: int
    page_size: int
    areas: int  # every area of the register
    missing: dict[str, int]  # areas without a GSA / KSA, whatever the filters
    stale: int  # designations not verified in 12 months, whatever the filters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def register_page(
    register: Register, designations: Iterable[Designation], query: RegisterQuery, now: dt.datetime
) -> RegisterPage:
    """One page of the register's areas (in the register's order) for ``query``."""
    if query.region is not None and query.region not in REGION_LABELS:
        raise ValueError(f"Okänd region {query.region!r}: välj {', '.join(REGION_LABELS)}.")
    current = {(d.area_id, d.role): d for d in designations}
    rows = [_row(area, current, now) for area in register.all()]
    words = fold(query.search).split()
    chosen = [
        r for r in rows
        if (not words or _found(r.area, register, words))
        and (query.region is None or r.area.region == query.region)
        and (not query.missing_gsa or r.gsa.missing)
        and (not query.missing_ksa or r.ksa.missing)
        and (not query.stale or r.gsa.stale or r.ksa.stale)
    ]  # fmt: skip
    size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    page = max(1, query.page)
    return RegisterPage(
        rows=tuple(chosen[(page - 1) * size : page * size]),
        total=len(chosen),
        page=page,
        page_size=size,
        areas=len(rows),
        missing={role: sum(1 for r in rows if _cell(r, role).missing) for role in ROLES},
        stale=sum(1 for r in rows for role in ROLES if _cell(r, role).stale),
    )


def _cell(row: AreaRow, role: str) -> RoleCell:
    return row.gsa if role == "gsa" else row.ksa


def _row(area: Area, current: dict[tuple[str, str], Designation], now: dt.datetime) -> AreaRow:
    cells = []
    for role in ROLES:
        d = current.get((area.id, role))
        cells.append(RoleCell(role, d, d is not None and now - d.recorded_at > STALE_AFTER))
    return AreaRow(area, REGION_LABELS.get(area.region, area.region), cells[0], cells[1])


def _found(area: Area, register: Register, words: list[str]) -> bool:
    parent = register.get(area.parent) if area.parent else None
    names = [area.name, *area.aliases, *([parent.name] if parent else [])]
    return any(all(w in fold(n).replace("-", " ") or w in fold(n) for w in words) for n in names)
