"""Read-only pages of the standard: level definitions, modules, areas and clauses."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from assessments.models import Area, Framework
from assessments.models.catalogue import in_language


@login_required
def show_framework(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_id)
    areas = list(framework.areas.select_related("parent").order_by("position"))
    areas_by_code = {area.code: area for area in areas}
    context = {
        "framework": framework,
        "levels": framework.levels.order_by("level"),
        "areas": areas,
        "objectives": [
            {
                "letter": item["letter"],
                "name": in_language(item["name_zh"], item["name_en"]),
                "text": in_language(item["text_zh"], item["text_en"]),
            }
            for item in framework.objectives
        ],
        "modules": [
            {
                "letter": item["letter"],
                "area": areas_by_code[item["area"]],
                "text": in_language(item["text_zh"], item["text_en"]),
            }
            for item in framework.modules
        ],
    }
    return render(request, "catalogue/framework.html", context)


@login_required
def show_area(request: HttpRequest, framework_id: int, area_code: str) -> HttpResponse:
    area = get_object_or_404(
        Area.objects.select_related("framework", "parent"),
        framework_id=framework_id,
        code=area_code,
    )
    levels = area.framework.levels.order_by("level")
    clauses = list(area.clauses.order_by("position"))
    context = {
        "framework": area.framework,
        "area": area,
        "stages": area.stages.order_by("position"),
        "levels": [
            (level, [clause for clause in clauses if clause.level == level.level])
            for level in levels
        ],
    }
    return render(request, "catalogue/area.html", context)
