from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.index, name="index"),
    path("vytvorit/", views.generate, name="generate"),
    path("<int:pk>/", views.download, name="download"),
    path("<int:pk>/<str:filename>", views.download, name="download_named"),
]
