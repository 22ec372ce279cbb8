"""What the dashboard shows: every assessment's levels, and the trend chart."""

from django.utils.timezone import localdate
from django.utils.translation import gettext as _

from assessments.models import Organization
from assessments.models.catalogue import in_language
from assessments.presenters import level_definition, level_label
from assessments.reports.charts import trend_svg
from assessments.services.frameworks import catalogue_for
from assessments.services.history import score_all


def dashboard_context(organization: Organization) -> dict[str, object]:
    scored = score_all(organization)
    if not scored:
        return {"scored": [], "chart": "", "rows": []}
    # Areas come from the newest assessment's framework; older assessments of
    # another version show only the areas they share with it.
    catalogue = catalogue_for(scored[-1][0].framework)
    areas = list(catalogue.assessable_areas())
    overall = _("Overall")
    series = [(overall, [result.overall_level for _a, result in scored])]
    series += [
        (
            f"{area.code} {in_language(area.name_zh, area.name_en)}",
            [
                r.areas[area.code].level if area.code in r.areas else 0
                for _a, r in scored
            ],
        )
        for area in areas
    ]
    chart = trend_svg(
        [localdate(assessment.created_at).isoformat() for assessment, _r in scored],
        series,
        highlight=overall,
        title=_("Levels over time"),
    )
    rows = [
        {
            "code": area.code,
            "name": in_language(area.name_zh, area.name_en),
            "levels": [result.areas.get(area.code) for _a, result in scored],
        }
        for area in areas
    ]
    labelled = [
        (assessment, level_label(level_definition(catalogue, result.overall_level)))
        for assessment, result in scored
    ]
    return {"scored": labelled, "chart": chart, "rows": rows}
