"""Documents URLs, included at the site root: the documents pages under /dokumenty/ and the plan documents next
to the plan pages (/planovani/…), where they have always been."""

from django.urls import path

from . import views, views_decisions, views_templates

app_name = "documents"
urlpatterns = [
    path("dokumenty/", views.index, name="index"),
    path("dokumenty/vytvorit/", views.generate, name="generate"),
    path("dokumenty/financni-kapitola/<int:pk>/dokument.<str:fmt>", views.chapter_document,
         name="chapter_document"),
    path("dokumenty/sablony/", views_templates.word_templates, name="word_templates"),
    path("dokumenty/sablony/<str:name>/<str:which>.docx", views_templates.word_template_file,
         name="word_template_file"),
    path("dokumenty/sablony/<str:name>/nahrat/", views_templates.word_template_upload_view,
         name="word_template_upload"),
    path("dokumenty/<int:pk>/", views.download, name="download"),
    path("dokumenty/<int:pk>/<str:filename>", views.download, name="download_named"),
    path("planovani/plan/<int:pk>/dokument.<str:fmt>", views.plan_document, name="plan_document"),
    path("planovani/akcni-plan/<int:pk>/dokument.<str:fmt>", views.action_plan_document, name="action_plan_document"),
    path("dokumenty/dotace/<int:pk>/<str:doc>.<str:fmt>", views_decisions.decision_file, name="decision_file"),
]
