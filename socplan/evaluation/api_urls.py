from django.urls import path

from . import api

urlpatterns = [
    path("evaluations/<int:year>/", api.EvaluationResultsView.as_view(), name="evaluation-results"),
]
