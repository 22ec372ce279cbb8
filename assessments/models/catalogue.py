"""The standard as loaded from framework_data: read-only rows that assessments cite."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(zh: str, en: str) -> str:
    """Pick the English text when the active language is English, else the Chinese."""
    language = get_language() or ""
    return en if language.startswith("en") and en else zh


class Framework(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    title_zh = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    publisher_zh = models.CharField(max_length=200)
    publisher_en = models.CharField(max_length=200)
    published = models.DateField()
    implemented = models.DateField()
    objectives = models.JSONField(default=list)
    modules = models.JSONField(default=list)
    errata = models.JSONField(default=dict)
    # SHA-256 of the data files as loaded, so a reload of unchanged data does nothing.
    digest = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework")

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return in_language(self.title_zh, self.title_en)

    @property
    def publisher(self) -> str:
        return in_language(self.publisher_zh, self.publisher_en)


class LevelDefinition(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField()
    ordinal_zh = models.CharField(max_length=20)
    ordinal_en = models.CharField(max_length=20)
    name_zh = models.CharField(max_length=20)
    name_en = models.CharField(max_length=40)
    characteristic_zh = models.TextField()
    characteristic_en = models.TextField()
    summary_zh = models.TextField()
    summary_en = models.TextField()
    details = models.JSONField(default=list)

    class Meta:
        ordering = ["framework", "level"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], name="unique_level")
        ]
        verbose_name = _("level definition")

    def __str__(self) -> str:
        return f"{self.ordinal_zh}（{self.name_zh}）"

    @property
    def name(self) -> str:
        return in_language(self.name_zh, self.name_en)

    @property
    def ordinal(self) -> str:
        return in_language(self.ordinal_zh, self.ordinal_en)

    @property
    def label(self) -> str:
        """第三级（优秀级） in Chinese, Level 3 (Excellent) in English."""
        return in_language(
            f"{self.ordinal_zh}（{self.name_zh}）",
            f"{self.ordinal_en} ({self.name_en})",
        )

    @property
    def characteristic(self) -> str:
        return in_language(self.characteristic_zh, self.characteristic_en)

    @property
    def summary(self) -> str:
        return in_language(self.summary_zh, self.summary_en)

    def localized_details(self) -> list[str]:
        return [in_language(item["zh"], item["en"]) for item in self.details]


class Area(models.Model):
    """A section of 5.2: one of the ten domains, or a stage of the model lifecycle."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=20)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="stages"
    )
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()
    assessable = models.BooleanField(default=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="unique_area_code"
            )
        ]
        verbose_name = _("area")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def name(self) -> str:
        return in_language(self.name_zh, self.name_en)


class Clause(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="clauses"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="clauses")
    code = models.CharField(_("code"), max_length=24)
    level = models.PositiveSmallIntegerField()
    letter = models.CharField(max_length=1)
    position = models.PositiveSmallIntegerField()
    text_zh = models.TextField()
    text_en = models.TextField()
    question_zh = models.TextField(blank=True)
    question_en = models.TextField(blank=True)
    baseline = models.BooleanField(default=False)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="unique_clause_code"
            )
        ]
        verbose_name = _("clause")

    def __str__(self) -> str:
        return self.code

    @property
    def text(self) -> str:
        return in_language(self.text_zh, self.text_en)

    @property
    def question(self) -> str:
        return in_language(self.question_zh, self.question_en)
