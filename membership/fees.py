"""Who is invoiced for a budget year, and how much, with the basis of every amount.

Money is Decimal to the öre. Nothing is guessed: a municipality without a population figure for
the reference date, an actor without an invoice address or an unapproved schedule is a warning,
and a run with warnings must not be issued.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from actors.models import Actor, PopulationFigure

from .models import Agreement, FeeSchedule

ORE = Decimal("0.01")
NBSP = "\u00a0"


def sek(amount: Decimal) -> str:
    """Swedish formatting: 1 234 567,50 kr (non-breaking spaces)."""
    whole, _sep, cents = f"{amount.quantize(ORE):,.2f}".partition(".")
    return f"{whole.replace(',', NBSP)},{cents}{NBSP}kr"


def swedish_number(value: Decimal | int | float) -> str:
    """A quantity in Swedish format, decimals only when there are any: 4 380 or 167,5."""
    number = Decimal(str(value)).quantize(ORE)
    text = f"{number:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", NBSP).replace(".", ",")


@dataclass
class FeeRow:
    actor: Actor
    amount: Decimal | None
    basis: str
    # Warnings stop the run; notices are for the secretariat to check before confirming.
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class Preview:
    year: int
    schedule: FeeSchedule | None
    rows: list[FeeRow]
    warnings: list[str]
    notices: list[str] = field(default_factory=list)

    @property
    def all_warnings(self) -> list[str]:
        return self.warnings + [f"{row.actor.name}: {w}" for row in self.rows for w in row.warnings]

    @property
    def all_notices(self) -> list[str]:
        return self.notices + [f"{row.actor.name}: {n}" for row in self.rows for n in row.notices]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows if row.amount is not None), Decimal("0"))

    def totals_by_kind(self) -> list[tuple[str, int, Decimal]]:
        totals: dict[str, list] = defaultdict(lambda: [0, Decimal("0")])
        for row in self.rows:
            entry = totals[row.actor.get_kind_display()]
            entry[0] += 1
            entry[1] += row.amount or Decimal("0")
        return sorted((kind, count, amount) for kind, (count, amount) in totals.items())


def members_for(year: int) -> list[Actor]:
    """Actors whose agreements cover the year (re-joining actors have several agreements)."""
    covered = {}
    for agreement in Agreement.objects.select_related("actor").order_by("actor__name"):
        if agreement.covers(year):
            covered[agreement.actor_id] = agreement.actor
    return list(covered.values())


def _figures(actors: list[Actor], schedule: FeeSchedule) -> dict[int, PopulationFigure]:
    return {
        figure.actor_id: figure
        for figure in PopulationFigure.objects.filter(
            actor__in=actors, reference_date=schedule.population_date
        )
    }


def _figure_basis(figure: PopulationFigure) -> str:
    return _("%(inhabitants)s inhabitants on %(date)s (%(source)s)") % {
        "inhabitants": f"{figure.inhabitants:,}".replace(",", "\u00a0"),
        "date": figure.reference_date.isoformat(),
        "source": figure.source,
    }


def _year_before(date: datetime.date) -> datetime.date:
    try:
        return date.replace(year=date.year - 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year - 1, day=28)


def percent_change(change: Decimal) -> str:
    """Swedish formatting of a signed change: +15,2 % (non-breaking space)."""
    rounded = change.quantize(Decimal("0.1"), ROUND_HALF_UP)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else "±"
    return f"{sign}{abs(rounded):.1f}".replace(".", ",") + f"{NBSP}%"


def _population_checks(schedule: FeeSchedule, rows: list[FeeRow]) -> None:
    """Demo figures stop the run; a figure far from the previous year's is a notice. One query
    for all municipalities: this year's and the previous year's figures together."""
    ids = [row.actor.pk for row in rows if row.actor.is_municipality and row.amount is not None]
    if not ids:
        return
    current_date = schedule.population_date
    previous_date = _year_before(current_date)
    figures: dict[tuple[int, datetime.date], PopulationFigure] = {
        (figure.actor_id, figure.reference_date): figure
        for figure in PopulationFigure.objects.filter(
            actor_id__in=ids, reference_date__in=[current_date, previous_date]
        )
    }
    limit = Decimal(str(settings.POPULATION_CHANGE_WARNING_PERCENT))
    for row in rows:
        figure = figures.get((row.actor.pk, current_date))
        if figure is None:
            continue
        if figure.kind == PopulationFigure.Kind.DEMO:
            row.warnings.append(
                _("the population figure for %(date)s is demo data, not SCB's: import SCB's figure")
                % {"date": current_date.isoformat()}
            )
        previous = figures.get((row.actor.pk, previous_date))
        if previous is None:
            continue
        change = Decimal(figure.inhabitants - previous.inhabitants) * 100 / previous.inhabitants
        if abs(change) > limit:
            row.notices.append(
                _(
                    "the population changed by %(change)s in a year: %(inhabitants)s on "
                    "%(date)s against %(previous)s on %(previous_date)s; check the figure"
                )
                % {
                    "change": percent_change(change),
                    "inhabitants": f"{figure.inhabitants:,}".replace(",", NBSP),
                    "date": current_date.isoformat(),
                    "previous": f"{previous.inhabitants:,}".replace(",", NBSP),
                    "previous_date": previous_date.isoformat(),
                }
            )


def _per_inhabitant(schedule: FeeSchedule, members: list[Actor]) -> list[FeeRow]:
    municipalities = [a for a in members if a.is_municipality]
    figures = _figures(municipalities, schedule)
    double = set(schedule.double_fee_actors.values_list("pk", flat=True))
    associated = {f.actor_id: f for f in schedule.scheduled_fees.all()}
    rows = []
    for actor in members:
        if actor.membership_type == Actor.MembershipType.ASSOCIATED:
            fee = associated.get(actor.pk)
            if fee is None or fee.amount is None:
                rows.append(FeeRow(actor, None, "", [_("no fee set for this associated member")]))
            else:
                rows.append(FeeRow(actor, fee.amount, _("Associated member, fee per the schedule")))
        elif actor.is_municipality:
            figure = figures.get(actor.pk)
            if figure is None:
                rows.append(
                    FeeRow(
                        actor,
                        None,
                        "",
                        [
                            _("no population figure for %(date)s")
                            % {"date": schedule.population_date.isoformat()}
                        ],
                    )
                )
                continue
            amount = (schedule.rate_per_inhabitant * figure.inhabitants).quantize(
                ORE, ROUND_HALF_UP
            )
            basis = _("%(rate)s per inhabitant × %(figure)s") % {
                "rate": sek(schedule.rate_per_inhabitant),
                "figure": _figure_basis(figure),
            }
            rows.append(FeeRow(actor, amount, basis))
        elif actor.pk in double:
            rows.append(FeeRow(actor, schedule.double_fee, _("Double fee")))
        else:
            rows.append(FeeRow(actor, schedule.standard_fee, _("Standard fee")))
    return rows


def _split(total: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """Divide total by weights to the öre; leftover öre go to the largest remainders, so the
    parts always add up to the total."""
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    parts = {key: value.quantize(ORE, ROUND_DOWN) for key, value in exact.items()}
    leftover = int((total - sum(parts.values())) / ORE)
    for key in sorted(exact, key=lambda k: exact[k] - parts[k], reverse=True)[:leftover]:
        parts[key] += ORE
    return parts


def _cost_split(schedule: FeeSchedule, members: list[Actor]) -> tuple[list[FeeRow], list[str]]:
    if not schedule.cost_budget:
        return [], [_("The 2015 model needs a total cost budget on the schedule.")]
    half = (schedule.cost_budget / 2).quantize(ORE, ROUND_HALF_UP)
    municipalities = [a for a in members if a.is_municipality]
    others = [a for a in members if not a.is_municipality]
    figures = _figures(municipalities, schedule)
    shares = {f.actor_id: f.share for f in schedule.scheduled_fees.all() if f.share is not None}
    rows: list[FeeRow] = []
    with_figures = {
        a.pk: Decimal(figures[a.pk].inhabitants) for a in municipalities if a.pk in figures
    }
    population = sum(with_figures.values())
    parts = _split(half, with_figures) if with_figures else {}
    for actor in municipalities:
        if actor.pk not in parts:
            rows.append(
                FeeRow(
                    actor,
                    None,
                    "",
                    [
                        _("no population figure for %(date)s")
                        % {"date": schedule.population_date.isoformat()}
                    ],
                )
            )
            continue
        basis = _("Share of half the cost budget: %(figure)s of %(total)s") % {
            "figure": _figure_basis(figures[actor.pk]),
            "total": f"{int(population):,}".replace(",", "\u00a0"),
        }
        rows.append(FeeRow(actor, parts[actor.pk], basis))
    weights = {a.pk: shares.get(a.pk, Decimal("1")) for a in others}
    other_parts = _split(half, weights) if weights else {}
    for actor in others:
        rows.append(
            FeeRow(
                actor,
                other_parts[actor.pk],
                _("Share %(share)s of %(total)s of the other half of the cost budget")
                % {
                    "share": weights[actor.pk].normalize(),
                    "total": sum(weights.values()).normalize(),
                },
            )
        )
    return rows, []


def fee_preview(year: int) -> Preview:
    """Every actor to invoice for the year, its amount and basis, and what stops the run."""
    schedule = FeeSchedule.objects.filter(year=year).prefetch_related("double_fee_actors").first()
    warnings: list[str] = []
    if schedule is None:
        return Preview(
            year, None, [], [_("There is no fee schedule for %(year)s.") % {"year": year}]
        )
    if not schedule.is_approved:
        warnings.append(
            _("The fee schedule for %(year)s is not approved by the direction level.")
            % {"year": year}
        )
    members = members_for(year)
    if not members:
        warnings.append(_("No actor has an agreement that covers %(year)s.") % {"year": year})
    if schedule.model == FeeSchedule.Model.COST_SPLIT:
        rows, model_warnings = _cost_split(schedule, members)
        warnings += model_warnings
    else:
        rows = _per_inhabitant(schedule, members)
    _population_checks(schedule, rows)
    for row in rows:
        if not row.actor.invoice_address.strip():
            row.warnings.append(_("no invoice address"))
    rows.sort(key=lambda row: row.actor.name)
    return Preview(year, schedule, rows, warnings)
