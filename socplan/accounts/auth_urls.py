"""Login, logout and password change under /ucet/ (URL names `login`, `logout`, `password_change`, …).

Password reset by e-mail is not offered: socplan sends no mail; a kraj administrator sets a new password
in the administration (docs/accounts.md).
"""

from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("heslo/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("heslo/hotovo/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
