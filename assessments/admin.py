from django.contrib import admin
from django.http import HttpRequest

from assessments.models import Area, Clause, Framework, LevelDefinition


class ReadOnlyAdmin(admin.ModelAdmin):
    """The catalogue changes only through load_framework, never by hand."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ["code", "title_zh", "published", "implemented", "loaded_at"]


@admin.register(LevelDefinition)
class LevelDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["framework", "level", "ordinal_zh", "name_zh", "name_en"]
    list_filter = ["framework"]


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name_zh", "name_en", "parent", "assessable", "framework"]
    list_filter = ["framework", "assessable"]
    list_select_related = ["parent", "framework"]


@admin.register(Clause)
class ClauseAdmin(ReadOnlyAdmin):
    list_display = ["code", "level", "baseline", "text_zh", "area"]
    list_filter = ["framework", "level", "baseline", "area"]
    list_select_related = ["area"]
    search_fields = ["code", "text_zh", "text_en"]
