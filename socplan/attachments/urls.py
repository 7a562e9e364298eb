from django.urls import path

from . import views

app_name = "attachments"
urlpatterns = [
    path("<int:pk>/stahnout/", views.attachment_download, name="download"),
    path("<int:pk>/odebrat/", views.attachment_remove, name="remove"),
    path("<str:key>/<int:pk>/", views.attachment_list, name="list"),
]
