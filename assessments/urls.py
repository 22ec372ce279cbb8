from django.urls import path

from assessments.views import (
    assessments,
    catalogue,
    evidence,
    organizations,
    questionnaire,
    results,
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
    path(
        "evidence/<int:evidence_id>/download/",
        evidence.download_evidence,
        name="evidence-download",
    ),
    path(
        "assessments/<int:assessment_id>/",
        assessments.show_assessment,
        name="assessment",
    ),
    path(
        "assessments/<int:assessment_id>/results/",
        results.show_results,
        name="results",
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
