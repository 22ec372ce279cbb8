"""The cumulative scoring rule, on small hand-made catalogues (no database)."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.catalogue import Area, Catalogue, Clause
from assessments.scoring import (
    Answer,
    Status,
    result_as_json,
    score,
    score_area,
    what_if,
)

MET = Answer(Status.MET)
PARTIAL = Answer(Status.PARTIAL)
NOT_MET = Answer(Status.NOT_MET)


def make_area(code: str, per_level=(2, 2, 2, 2, 2), parent=None, baseline=()) -> Area:
    clauses = []
    for level, count in enumerate(per_level, start=1):
        for index in range(count):
            clause_code = f"{code}.{level}.{'abcdefgh'[index]}"
            clauses.append(
                Clause(
                    clause_code,
                    code,
                    level,
                    "abcdefgh"[index],
                    "文",
                    "text",
                    baseline=clause_code in baseline,
                )
            )
    return Area(code, "区", "Area", parent, tuple(clauses))


def make_catalogue(*areas: Area) -> Catalogue:
    parents = {area.parent for area in areas if area.parent}
    domains = tuple(Area(code, "域", "Domain", None) for code in sorted(parents))
    return Catalogue(
        code="T/TEST",
        title_zh="",
        title_en="",
        publisher_zh="",
        publisher_en="",
        published=datetime.date(2024, 1, 1),
        implemented=datetime.date(2024, 1, 1),
        levels=(),
        objectives=(),
        modules=(),
        areas=domains + areas,
    )


def all_met(area: Area, up_to: int = 5) -> dict[str, Answer]:
    return {c.code: MET for c in area.clauses if c.level <= up_to}


STRATEGY = make_area("5.2.1")


def test_no_answers_is_level_zero():
    assert score_area(STRATEGY, {}).level == 0


def test_level_is_highest_with_every_clause_up_to_it_satisfied():
    assert score_area(STRATEGY, all_met(STRATEGY, up_to=3)).level == 3


def test_satisfied_higher_level_never_counts_while_a_lower_clause_is_open():
    answers = all_met(STRATEGY)
    answers["5.2.1.2.b"] = NOT_MET

    result = score_area(STRATEGY, answers)

    assert result.level == 1
    assert result.gaps == ("5.2.1.2.b",)


@pytest.mark.parametrize(
    "answer, satisfied",
    [
        (Answer(Status.MET), True),
        (Answer(Status.NOT_APPLICABLE, "本组织不开发深度学习模型"), True),
        (Answer(Status.NOT_APPLICABLE, "   "), False),
        (Answer(Status.NOT_APPLICABLE), False),
        (Answer(Status.PARTIAL), False),
        (Answer(Status.NOT_MET), False),
        (Answer(None, "note only"), False),
    ],
)
def test_which_answers_satisfy_a_clause(answer, satisfied):
    area = make_area("5.2.5", per_level=(1, 1, 1, 1, 1))

    result = score_area(area, {"5.2.5.1.a": answer})

    assert (result.level >= 1) is satisfied


def test_baseline_clause_is_satisfied_without_an_answer_and_not_askable():
    area = make_area("5.2.2", per_level=(1, 2, 2, 2, 2), baseline={"5.2.2.1.a"})

    result = score_area(area, {})

    assert result.level == 1
    assert result.askable == 8
    assert result.gaps == ("5.2.2.2.a", "5.2.2.2.b")


def test_gaps_are_open_clauses_up_to_the_next_level_and_empty_at_five():
    answers = all_met(STRATEGY, up_to=2)
    answers["5.2.1.4.a"] = MET

    at_two = score_area(STRATEGY, answers)
    at_five = score_area(STRATEGY, all_met(STRATEGY))

    assert at_two.gaps == ("5.2.1.3.a", "5.2.1.3.b")
    assert at_five.gaps == ()


def test_target_gaps_list_every_open_clause_up_to_the_target():
    answers = all_met(STRATEGY, up_to=1)

    result = score_area(STRATEGY, answers, target_level=3)

    assert result.target_gaps == ("5.2.1.2.a", "5.2.1.2.b", "5.2.1.3.a", "5.2.1.3.b")
    assert score_area(STRATEGY, answers).target_gaps is None


def test_coverage_counts_partial_as_half_and_is_per_level():
    answers = {"5.2.1.1.a": MET, "5.2.1.1.b": PARTIAL, "5.2.1.2.a": NOT_MET}

    result = score_area(STRATEGY, answers)

    assert result.coverage == {1: 0.75, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0}
    assert result.level == 0


def test_lifecycle_domain_takes_the_lowest_stage_level_in_scope():
    stage_one = make_area("5.2.3.1", parent="5.2.3")
    stage_two = make_area("5.2.3.2", parent="5.2.3")
    catalogue = make_catalogue(STRATEGY, stage_one, stage_two)
    answers = all_met(stage_one, up_to=4) | all_met(stage_two, up_to=2)

    everything = score(catalogue, answers)
    only_stage_one = score(catalogue, answers, scope=["5.2.3.1"])

    assert everything.domains == {"5.2.3": 2}
    assert only_stage_one.domains == {"5.2.3": 4}


def test_overall_is_the_lowest_area_in_scope_and_out_of_scope_areas_vanish():
    stage = make_area("5.2.3.1", parent="5.2.3")
    catalogue = make_catalogue(STRATEGY, stage)
    answers = all_met(STRATEGY, up_to=4) | all_met(stage, up_to=1)

    full = score(catalogue, answers)
    strategy_only = score(catalogue, answers, scope=["5.2.1"])

    assert full.overall_level == 1
    assert strategy_only.overall_level == 4
    assert set(strategy_only.areas) == {"5.2.1"}
    assert strategy_only.domains == {}


def test_domain_code_in_scope_stands_for_all_its_stages():
    stages = [make_area(f"5.2.3.{n}", parent="5.2.3") for n in (1, 2)]
    catalogue = make_catalogue(STRATEGY, *stages)

    result = score(catalogue, {}, scope=["5.2.3"])

    assert set(result.areas) == {"5.2.3.1", "5.2.3.2"}


def test_mean_level_is_an_indicator_rounded_to_one_decimal():
    areas = [make_area(code) for code in ("5.2.1", "5.2.4", "5.2.5")]
    catalogue = make_catalogue(*areas)
    answers = all_met(areas[0], 3) | all_met(areas[1], 2) | all_met(areas[2], 2)

    result = score(catalogue, answers)

    assert result.mean_level == 2.3
    assert result.overall_level == 2


def test_completion_is_answered_over_askable_clauses_in_scope():
    other = make_area("5.2.4")
    catalogue = make_catalogue(STRATEGY, other)
    answers = {"5.2.1.1.a": NOT_MET, "5.2.1.1.b": Answer(None), "5.2.4.1.a": PARTIAL}

    assert score(catalogue, answers).completion == 2 / 20
    assert score(catalogue, answers, scope=["5.2.4"]).completion == 1 / 10


def test_empty_scope_is_refused():
    with pytest.raises(ValueError, match="at least one area"):
        score(make_catalogue(STRATEGY), {}, scope=[])


def test_what_if_raises_levels_without_touching_the_answers():
    catalogue = make_catalogue(STRATEGY)
    answers = all_met(STRATEGY, up_to=1)
    answers["5.2.1.2.a"] = MET

    result = what_if(catalogue, answers, ["5.2.1.2.b"])

    assert result.areas["5.2.1"].level == 2
    assert "5.2.1.2.b" not in answers


def test_json_shape_has_domains_and_target_gaps_only_when_targeted():
    stage = make_area("5.2.3.1", parent="5.2.3")
    catalogue = make_catalogue(STRATEGY, stage)

    plain = result_as_json("T/TEST", score(catalogue, {}))
    targeted = result_as_json("T/TEST", score(catalogue, {}, target_level=2))

    assert plain["areas"]["5.2.3"] == {"level": 0}
    assert "target_gaps" not in plain["areas"]["5.2.1"]
    assert targeted["areas"]["5.2.1"]["target_gaps"][-1] == "5.2.1.2.b"
    assert plain["areas"]["5.2.1"]["coverage"]["1"] == 0.0


# Property-based checks over random answers to a two-area catalogue.

PROPERTY_AREAS = (
    make_area("5.2.1", per_level=(2, 3, 1, 2, 1), baseline={"5.2.1.1.a"}),
    make_area("5.2.3.1", per_level=(1, 2, 2, 1, 3), parent="5.2.3"),
)
PROPERTY_CATALOGUE = make_catalogue(*PROPERTY_AREAS)
CODES = [clause.code for area in PROPERTY_AREAS for clause in area.clauses]
answer_strategy = st.one_of(
    st.just(Answer(None)),
    st.sampled_from(list(Status)).map(Answer),
    st.just(Answer(Status.NOT_APPLICABLE, "理由")),
)
answers_strategy = st.dictionaries(st.sampled_from(CODES), answer_strategy)


@given(answers_strategy, st.sampled_from(CODES))
def test_satisfying_any_clause_never_lowers_a_level(answers, code):
    before = score(PROPERTY_CATALOGUE, answers)

    after = score(PROPERTY_CATALOGUE, answers | {code: MET})

    for area in before.areas:
        assert after.areas[area].level >= before.areas[area].level
    assert after.overall_level >= before.overall_level


@given(answers_strategy)
def test_level_never_exceeds_the_highest_fully_satisfied_level(answers):
    result = score(PROPERTY_CATALOGUE, answers)

    for area in PROPERTY_AREAS:
        level = result.areas[area.code].level
        for clause in area.clauses:
            if clause.level <= level:
                answer = answers.get(clause.code, Answer(None))
                assert clause.baseline or answer.satisfied


@given(answers_strategy)
def test_overall_level_is_the_minimum_of_the_area_levels(answers):
    result = score(PROPERTY_CATALOGUE, answers)

    assert result.overall_level == min(a.level for a in result.areas.values())
