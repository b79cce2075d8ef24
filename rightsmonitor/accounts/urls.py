from django.urls import URLPattern, path

from rightsmonitor.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("logout/", views.logout, name="logout"),
    path("profile/", views.profile, name="profile"),
    # Passwords
    path("password/", views.password_change, name="password_change"),
    path("password/changed/", views.password_change_done, name="password_change_done"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    # Two-factor authentication
    path("two-factor/", views.two_factor_status, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/backup-codes/", views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path(
        "two-factor/backup-codes/new/",
        views.two_factor_regenerate,
        name="two_factor_regenerate",
    ),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    # Users and invitations (staff)
    path("users/", views.user_list, name="user_list"),
    path("users/invite/", views.invite, name="invite"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    # Public: the link in the invitation e-mail
    path("join/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
