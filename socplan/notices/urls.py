from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/precteno/", views.notification_read, name="read"),
    path("precteno/", views.notification_read_all, name="read_all"),
    path("nastaveni/", views.preferences, name="preferences"),
    path("odhlasit/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
