"""Isolation between organizations, generated from the URL configuration.

Every URL that names an object is requested by each kind of member of organization A,
and by a user of no organization, with B's objects in it: the answer must be the one
a missing object gets, a refusal, and nothing anywhere may change. The same URLs with
A's own objects must answer, so the refusals come from isolation, not broken URLs.
"""

import pytest
from django.urls import reverse

from assessments import urls as app_urls
from assessments.models import (
    Citation,
    Evidence,
    Role,
)
from tests.isolation_support import (
    CLAUSE,
    FILL,
    FILLABLE,
    MATRIX,
    METHODS,
    OBJECT_ROUTES,
    REFUSED,
    SHARED,
    WHO,
    address,
    form_body,
    matrix_route,
    send,
    send_to,
    state_reader,
    version_of,
)
from tests.views_support import (
    assert_sent_to_log_in,
    clause_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_pdf_layout")]


def test_every_url_kwarg_has_a_value_to_fill_it():
    problems = [
        f"pattern {route.route} has no name to reverse it by"
        for route in OBJECT_ROUTES
        if not route.name
    ]
    problems += [
        f"pattern {route} ({route.route}) needs a value for <{kwarg}> in FILL"
        for route in OBJECT_ROUTES
        for kwarg in route.kwargs
        if kwarg not in FILL
    ]

    assert not problems, "\n".join(problems)


def test_matrix_covers_every_object_pattern_of_the_app():
    app_patterns = {
        f"{app_urls.app_name}:{pattern.name}"
        for pattern in app_urls.urlpatterns
        if pattern.pattern.regex.groupindex
    }
    size = len(MATRIX) * len(WHO) * len(METHODS)
    print(f"isolation matrix: {len(MATRIX)} patterns x {len(WHO)} users x 2 = {size}")

    assert MATRIX
    assert app_patterns == {route.name for route in MATRIX + SHARED}


def test_every_matrix_url_names_an_object_of_an_organization(world):
    # Otherwise the URL is the same for A and B, and the matrix proves nothing.
    unowned = [
        route
        for route in MATRIX
        if all(FILL[name](world.a) == FILL[name](world.b) for name in route.kwargs)
    ]

    assert not unowned, f"{unowned}: shared like the catalogue, or FILL is wrong"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("who", WHO, ids=str)
@pytest.mark.parametrize("route", MATRIX, ids=str)
def test_user_of_a_cannot_reach_objects_of_b(client, world, route, who, method):
    client.force_login(world.user(who))

    response = send(client, method, route, world.b)
    missing = send(client, method, route, world.nowhere)

    status = response.status_code
    assert status in REFUSED[method], f"{method} {address(route, world.b)}: {status}"
    assert status == missing.status_code, "B's object answers unlike a missing one"
    assert world.state_of_b() == world.b_before


def test_admin_of_a_cannot_pair_objects_of_a_with_objects_of_b(client, world):
    client.force_login(world.a.members[Role.ADMIN])
    state_of_a = state_reader(world.a)
    a_before = state_of_a()
    mixed = []
    for route in MATRIX:
        owned = [n for n in route.kwargs if FILL[n](world.a) != FILL[n](world.b)]
        for name in owned if len(owned) > 1 else ():
            kwargs = {
                n: FILL[n](world.b if n == name else world.a) for n in route.kwargs
            }
            mixed.append(reverse(route.name, kwargs=kwargs))

    answers = {
        (method, target): send_to(client, method, target, world.b).status_code
        for target in mixed
        for method in METHODS
    }

    assert mixed, "no URL names two objects of an organization: drop this test"
    refused = {key: status in REFUSED[key[0]] for key, status in answers.items()}
    assert all(refused.values()), answers
    assert world.state_of_b() == world.b_before
    assert state_of_a() == a_before


@pytest.mark.parametrize("route", MATRIX, ids=str)
def test_members_of_a_reach_objects_of_a(client, world, route):
    for role in Role:
        client.force_login(world.a.members[role])

        response = send(client, "get", route, world.a)

        assert response.status_code != 404, f"{role} {address(route, world.a)}"


@pytest.mark.parametrize("route", MATRIX, ids=str)
def test_admin_of_a_posts_to_objects_of_a(client, world, route):
    client.force_login(world.a.members[Role.ADMIN])

    response = send(client, "post", route, world.a)

    assert response.status_code not in (403, 404), address(route, world.a)


@pytest.mark.parametrize("route", [r for r in FILLABLE if r.kwargs], ids=str)
def test_visitor_not_logged_in_is_sent_to_log_in(client, world, route):
    target = address(route, world.b)

    for response in (client.get(target), client.post(target, form_body(world.b))):
        assert_sent_to_log_in(response)


@pytest.mark.parametrize("route", SHARED, ids=str)
def test_catalogue_is_shared_with_every_user(client, world, route):
    client.force_login(world.outsider)

    response = client.get(address(route, world.b))

    assert response.status_code == 200


def test_answer_of_a_cannot_cite_evidence_of_b(client, world):
    client.force_login(world.a.members[Role.ASSESSOR])
    theirs = world.b.evidence[Evidence.Kind.TEXT].pk
    body = clause_data(CLAUSE, version_of(world.a), status="met", evidence=[theirs])

    response = client.post(address(matrix_route("clause-save"), world.a), body)

    assert response.status_code == 400
    assert not Citation.objects.filter(evidence_id=theirs).exclude(
        answer__assessment__organization=world.b.organization
    )


def test_comparison_ignores_assessments_of_b(client, world):
    client.force_login(world.a.members[Role.ADMIN])
    theirs = world.b.assessment.pk

    response = client.get(
        address(matrix_route("compare"), world.a), {"a": theirs, "b": theirs}
    )

    assert response.status_code == 200
    assert world.b.assessment.title not in response.content.decode()
