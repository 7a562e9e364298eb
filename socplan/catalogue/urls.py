from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("sluzba/<int:pk>/", views.service, name="service"),
    path("sluzba/<int:pk>/karta.pdf", views.service_card, name="service_card"),
    path("sluzba/<int:pk>/volna-mista/", views.free_capacity_edit, name="free_capacity"),
    path("sluzba/<int:pk>/obsah/", views.content_edit, name="content_edit"),
    path("navrhy/", views.proposal_list, name="proposals"),
    path("navrh/<int:pk>/", views.proposal_detail, name="proposal"),
    path("foto/<int:pk>/", views.photo, name="photo"),
    path("foto/<int:pk>/nahled/", views.photo, {"size": "thumb"}, name="photo_thumb"),
    path("foto/<int:pk>/original/", views.photo, {"size": "original"}, name="photo_original"),
    path("brozura/", views.brochure_index, name="brochure_index"),
    path("brozura/<str:orp>.pdf", views.brochure, name="brochure"),
    path("otevrena-data/", views.open_data, name="open_data"),
    path("data/<str:name>", views.download, name="download"),
]
