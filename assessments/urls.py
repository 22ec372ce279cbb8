from django.urls import path

from assessments.views import catalogue

app_name = "assessments"

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("frameworks/<int:framework_id>/", catalogue.show_framework, name="framework"),
    path(
        "frameworks/<int:framework_id>/areas/<str:area_code>/",
        catalogue.show_area,
        name="framework-area",
    ),
]
