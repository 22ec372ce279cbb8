from django.urls import path

from assessments.views import (
    assessments,
    catalogue,
    evidence,
    history,
    organizations,
    questionnaire,
    results,
    review,
)

app_name = "assessments"

urlpatterns = [
    path("", organizations.home, name="home"),
    path("orgs/<slug:slug>/", organizations.show_organization, name="organization"),
    path(
        "orgs/<slug:slug>/members/",
        organizations.add_organization_member,
        name="member-add",
    ),
    path(
        "orgs/<slug:slug>/members/<int:membership_id>/",
        organizations.change_organization_member,
        name="member-change",
    ),
    path(
        "orgs/<slug:slug>/assessments/new/",
        assessments.new_assessment,
        name="assessment-new",
    ),
    path("orgs/<slug:slug>/evidence/", evidence.library, name="library"),
    path("orgs/<slug:slug>/dashboard/", history.dashboard, name="dashboard"),
    path("orgs/<slug:slug>/compare/", history.compare_assessments, name="compare"),
    path(
        "evidence/<int:evidence_id>/download/",
        evidence.download_evidence,
        name="evidence-download",
    ),
    path(
        "evidence/<int:evidence_id>/open/", evidence.open_evidence, name="evidence-open"
    ),
    path(
        "assessments/<int:assessment_id>/",
        assessments.show_assessment,
        name="assessment",
    ),
    path(
        "assessments/<int:assessment_id>/state/",
        review.change_assessment_state,
        name="assessment-state",
    ),
    path(
        "assessments/<int:assessment_id>/next/",
        review.start_next_assessment,
        name="assessment-next",
    ),
    path("assessments/<int:assessment_id>/trail/", review.show_trail, name="trail"),
    path(
        "assessments/<int:assessment_id>/clauses/<str:clause_code>/review/",
        review.review_clause,
        name="clause-review",
    ),
    path("reviews/<int:review_id>/respond/", review.respond, name="review-respond"),
    path(
        "assessments/<int:assessment_id>/results/",
        results.show_results,
        name="results",
    ),
    path(
        "assessments/<int:assessment_id>/report-check/",
        results.check_copy,
        name="report-check",
    ),
    path(
        "assessments/<int:assessment_id>/report.pdf",
        results.download_report,
        name="report",
    ),
    path(
        "assessments/<int:assessment_id>/clauses.<str:kind>",
        results.export_clauses,
        name="export",
    ),
    path(
        "assessments/<int:assessment_id>/areas/<str:area_code>/",
        questionnaire.show_area,
        name="area",
    ),
    path(
        "assessments/<int:assessment_id>/clauses/<str:clause_code>/",
        questionnaire.save_clause,
        name="clause-save",
    ),
    path("frameworks/<int:framework_id>/", catalogue.show_framework, name="framework"),
    path(
        "frameworks/<int:framework_id>/areas/<str:area_code>/",
        catalogue.show_area,
        name="framework-area",
    ),
]
