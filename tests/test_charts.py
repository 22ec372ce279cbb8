"""The radar chart drawn as SVG in plain Python (no database)."""

import xml.etree.ElementTree as ET

import pytest

from assessments.reports.charts import radar_svg

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["5.2.1 战略", "5.2.2 组织", "5.2.3.1 需求", "5.2.4 数据"]


def parse(svg: str) -> ET.Element:
    # The SVG is the app's own output, not untrusted input.
    return ET.fromstring(svg)  # noqa: S314


def spoke_labels(root: ET.Element) -> list[str]:
    # Spoke labels carry a text-anchor; the ring numbers do not.
    return [text.text for text in root.iter(f"{SVG}text") if text.get("text-anchor")]


def dashed_polygons(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{SVG}polygon") if p.get("stroke-dasharray")]


def test_radar_is_well_formed_svg():
    root = parse(radar_svg(LABELS, [1, 2, 3, 0], title="各领域等级"))

    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "各领域等级"


def test_radar_has_one_spoke_and_one_label_per_area():
    root = parse(radar_svg(LABELS, [1, 2, 3, 0]))

    assert spoke_labels(root) == LABELS
    assert len(list(root.iter(f"{SVG}line"))) == len(LABELS)


def test_radar_draws_the_target_ring_only_when_a_target_is_given():
    with_target = parse(radar_svg(LABELS, [1, 2, 3, 0], target=3))
    without_target = parse(radar_svg(LABELS, [1, 2, 3, 0]))

    assert len(dashed_polygons(with_target)) == 1
    assert dashed_polygons(without_target) == []


def test_radar_names_the_cjk_font_family():
    root = parse(radar_svg(LABELS, [1, 2, 3, 0]))

    assert "Noto Sans CJK SC" in root.get("font-family")


def test_radar_escapes_labels_and_title():
    labels = ["R&D <研发>", "A & B", "C<D"]

    root = parse(radar_svg(labels, [1, 1, 1], title="<标题> & more"))

    assert spoke_labels(root) == labels
    assert root.find(f"{SVG}title").text == "<标题> & more"


@pytest.mark.parametrize(
    "labels, values",
    [(["a", "b"], [1, 2]), ([], []), (["a", "b", "c"], [1, 2])],
    ids=["two labels", "no labels", "a value missing"],
)
def test_radar_refuses_fewer_than_three_labels_or_a_missing_value(labels, values):
    with pytest.raises(ValueError, match="at least three labels"):
        radar_svg(labels, values)
