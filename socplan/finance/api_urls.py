from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, api_programmes

router = SimpleRouter()
router.register("finance/allocations", api.AllocationRunViewSet, basename="finance-allocation-run")
router.register("finance/budgets", api.BudgetViewSet, basename="finance-budget")
router.register("finance/unit-reports", api.UnitReportViewSet, basename="finance-unit-report")
router.register("finance/programmes", api_programmes.ProgrammeViewSet, basename="finance-programme")
router.register("finance/decisions", api_programmes.DecisionViewSet, basename="finance-decision")

allocation = api.AllocationRunsView.as_view()
# the authorization-matrix test: the run's URL and (by the name) its detail route
allocation.scope_url_kwargs = lambda run: {"region": run.region.code, "year": run.year}

urlpatterns = [
    *router.urls,
    path("finance/<str:region>/<int:year>/support/", api.SupportView.as_view(), name="finance-support"),
    path("finance/<str:region>/<int:year>/allocation/", allocation, name="finance-allocation-run-create"),
    path("finance/<str:region>/<int:year>/chapter/", api.ChapterView.as_view(), name="finance-chapter"),
    path("cofinancing/<str:region>/<int:year>/", api.CofinancingView.as_view(), name="cofinancing"),
]
