from django.urls import path

from . import api

urlpatterns = [
    path("finance/<str:region>/<int:year>/support/", api.SupportView.as_view(), name="finance-support"),
    path("finance/<str:region>/<int:year>/allocation/", api.AllocationView.as_view(), name="finance-allocation"),
    path("finance/<str:region>/<int:year>/chapter/", api.ChapterView.as_view(), name="finance-chapter"),
    path("cofinancing/<str:region>/<int:year>/", api.CofinancingView.as_view(), name="cofinancing"),
]
