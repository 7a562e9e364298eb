from django.urls import path

from . import job_views

app_name = "core"
urlpatterns = [
    path("", job_views.job_list, name="job_list"),
    path("spustit/", job_views.job_start, name="job_start"),
    path("<int:pk>/", job_views.job_detail, name="job_detail"),
]
