"""The roadmap and the key gaps, on small hand-made catalogues (no database)."""

from assessments.reports.analysis import key_gaps, roadmap
from assessments.scoring import score
from tests.test_scoring import MET, all_met, make_area, make_catalogue


def codes(steps) -> list[str]:
    return [step.clause.code for step in steps]


def test_roadmap_orders_open_clauses_by_level_then_by_catalogue_area_order():
    # 5.2.9 precedes 5.2.10 in the catalogue, though not as text.
    first, second = make_area("5.2.9"), make_area("5.2.10")
    catalogue = make_catalogue(first, second)
    answers = all_met(first, up_to=1)
    result = score(catalogue, answers, target_level=3)

    steps = roadmap(catalogue, result)

    assert codes(steps) == [
        "5.2.10.1.a",
        "5.2.10.1.b",
        "5.2.9.2.a",
        "5.2.9.2.b",
        "5.2.10.2.a",
        "5.2.10.2.b",
        "5.2.9.3.a",
        "5.2.9.3.b",
        "5.2.10.3.a",
        "5.2.10.3.b",
    ]


def test_roadmap_marks_clauses_only_short_of_the_target_as_not_blocking():
    first, second = make_area("5.2.9"), make_area("5.2.10")
    catalogue = make_catalogue(first, second)
    result = score(catalogue, all_met(first, up_to=1), target_level=3)

    blocking = {s.clause.code: s.blocks_next_level for s in roadmap(catalogue, result)}

    assert blocking["5.2.10.1.a"] is True
    assert blocking["5.2.9.2.a"] is True
    assert blocking["5.2.10.2.a"] is False
    assert blocking["5.2.9.3.b"] is False
    assert blocking["5.2.10.3.b"] is False


def test_roadmap_without_target_lists_only_clauses_blocking_the_next_level():
    area = make_area("5.2.1")
    catalogue = make_catalogue(area)
    answers = all_met(area, up_to=2) | {"5.2.1.4.a": MET}

    steps = roadmap(catalogue, score(catalogue, answers))

    assert codes(steps) == ["5.2.1.3.a", "5.2.1.3.b"]
    assert all(step.blocks_next_level for step in steps)


def test_roadmap_leaves_out_areas_out_of_scope():
    inside, outside = make_area("5.2.1"), make_area("5.2.2")
    catalogue = make_catalogue(inside, outside)
    result = score(catalogue, {}, scope=["5.2.1"], target_level=5)

    steps = roadmap(catalogue, result)

    assert steps
    assert {step.clause.area for step in steps} == {"5.2.1"}


def test_roadmap_is_empty_when_every_area_is_at_level_five():
    area = make_area("5.2.1")
    catalogue = make_catalogue(area)

    assert roadmap(catalogue, score(catalogue, all_met(area), target_level=5)) == []


def test_key_gaps_returns_at_most_the_limit():
    area = make_area("5.2.1", per_level=(6, 2, 2, 2, 2))
    catalogue = make_catalogue(area)
    result = score(catalogue, {})

    gaps = key_gaps(catalogue, result, limit=4)

    assert codes(gaps) == ["5.2.1.1.a", "5.2.1.1.b", "5.2.1.1.c", "5.2.1.1.d"]


def test_key_gaps_come_only_from_areas_at_the_overall_level():
    low, high = make_area("5.2.1"), make_area("5.2.2")
    catalogue = make_catalogue(low, high)
    answers = all_met(low, up_to=1) | all_met(high, up_to=3)
    result = score(catalogue, answers, target_level=5)

    gaps = key_gaps(catalogue, result, limit=10)

    assert codes(gaps) == ["5.2.1.2.a", "5.2.1.2.b"]


def test_key_gaps_leave_out_clauses_only_short_of_the_target():
    area = make_area("5.2.1")
    catalogue = make_catalogue(area)
    result = score(catalogue, all_met(area, up_to=1), target_level=4)

    gaps = key_gaps(catalogue, result, limit=10)

    assert codes(gaps) == ["5.2.1.2.a", "5.2.1.2.b"]
    assert all(step.blocks_next_level for step in gaps)


def test_key_gaps_start_with_the_area_closest_to_its_next_level():
    far = make_area("5.2.1", per_level=(3, 2, 2, 2, 2))
    near = make_area("5.2.2", per_level=(1, 2, 2, 2, 2))
    catalogue = make_catalogue(far, near)
    result = score(catalogue, {})

    gaps = key_gaps(catalogue, result, limit=10)

    assert codes(gaps)[0] == "5.2.2.1.a"
    assert sorted(codes(gaps)) == [
        "5.2.1.1.a",
        "5.2.1.1.b",
        "5.2.1.1.c",
        "5.2.2.1.a",
    ]


def test_key_gaps_go_round_the_lowest_areas():
    first, second = make_area("5.2.1"), make_area("5.2.2")
    catalogue = make_catalogue(first, second)
    result = score(catalogue, {})

    gaps = key_gaps(catalogue, result, limit=3)

    assert codes(gaps) == ["5.2.1.1.a", "5.2.2.1.a", "5.2.1.1.b"]


def test_key_gaps_are_empty_at_level_five():
    area = make_area("5.2.1")
    catalogue = make_catalogue(area)

    assert key_gaps(catalogue, score(catalogue, all_met(area))) == []
