"""Documents URLs, included at the site root: the documents pages under /dokumenty/ and the plan documents next
to the plan pages (/planovani/…), where they have always been."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("dokumenty/", views.index, name="index"),
    path("dokumenty/vytvorit/", views.generate, name="generate"),
    path("dokumenty/<int:pk>/", views.download, name="download"),
    path("dokumenty/<int:pk>/<str:filename>", views.download, name="download_named"),
    path("planovani/plan/<int:pk>/dokument.<str:fmt>", views.plan_document, name="plan_document"),
    path("planovani/akcni-plan/<int:pk>/dokument.<str:fmt>", views.action_plan_document, name="action_plan_document"),
]
