"""Pages of the network module under /sit/ (Czech URLs). Write pages end in _create/_edit/_delete/_update/
_approve (the accounts authorization-matrix test discovers them)."""

from django.urls import path
from django.views.generic import RedirectView

from . import law_views, views

app_name = "network"
urlpatterns = [
    path("", views.index, name="index"),
    path("kraj/<str:region>/<int:year>/", views.year, name="year"),
    path("kraj/<str:region>/<int:year>/co-se-meni/", law_views.law_changes_page, name="law_changes"),
    path("nova/", views.network_year_create, name="network_year_create"),
    path("verze/<int:pk>/", views.version, name="version"),
    path("verze/<int:pk>/podminky/", views.version_check, name="version_check"),
    # the co-financing pages read the finance module's statement and live there (finance is above network);
    # these URLs and names keep working as permanent redirects
    path("verze/<int:pk>/spolufinancovani/",
         RedirectView.as_view(pattern_name="finance:version_cofinancing", permanent=True, query_string=True),
         name="version_cofinancing"),
    path("verze/<int:pk>/pridat/", views.network_entry_create, name="network_entry_create"),
    path("verze/<int:pk>/schvalit/", views.network_version_approve, name="network_version_approve"),
    path("verze/<int:pk>/projednat/", views.network_negotiation_update, name="network_negotiation_update"),
    path("verze/<int:pk>/dodatek/", views.network_amendment_create, name="network_amendment_create"),
    path("verze/<int:pk>/zverejnit/", views.network_publication_create, name="network_publication_create"),
    path("polozka/<int:pk>/", views.entry, name="entry"),
    path("polozka/<int:pk>/upravit/", views.network_entry_edit, name="network_entry_edit"),
    path("polozka/<int:pk>/vyradit/", views.network_entry_delete, name="network_entry_delete"),
    path("rozdil/", views.diff, name="diff"),
    path("rozdil/<int:a>/<int:b>/", views.diff_detail, name="diff_detail"),
    path("rozdil/<int:a>/<int:b>/xlsx/", views.diff_xlsx, name="diff_xlsx"),
    path("sluzba/<int:pk>/", views.service_history, name="service"),
    path("zamery/", views.requests_list, name="requests"),
    path("zamery/novy/", views.development_request_create, name="development_request_create"),
    path("zamery/<int:pk>/", views.request_detail, name="request"),
    path("zamery/<int:pk>/upravit/", views.development_request_edit, name="development_request_edit"),
    path("zamery/<int:pk>/stanovisko/", views.request_opinion_create, name="request_opinion_create"),
    path("zamery/<int:pk>/projednani/", views.request_review_create, name="request_review_create"),
    path("zamery/<int:pk>/hodnoceni/", views.request_evaluation_create, name="request_evaluation_create"),
    path("zamery/<int:pk>/rozhodnuti/", views.request_decision_create, name="request_decision_create"),
    path("zamery/<int:pk>/vratit/", views.request_return_create, name="request_return_create"),
    path("zamery/<int:pk>/znovu-podat/", views.request_resubmit_update, name="request_resubmit_update"),
    path("zamery/<int:pk>/komentar/", views.request_comment_create, name="request_comment_create"),
    path("deklarace/", views.declarations_list, name="declarations"),
    path("deklarace/nova/", views.cofinancing_declaration_create, name="cofinancing_declaration_create"),
    path("deklarace/<int:pk>/upravit/", views.cofinancing_declaration_edit, name="cofinancing_declaration_edit"),
    path("deklarace/<int:pk>/stahnout/", views.cofinancing_declaration_delete, name="cofinancing_declaration_delete"),
    path("obec/<str:code>/",
         RedirectView.as_view(pattern_name="finance:municipality_cofinancing", permanent=True, query_string=True),
         name="municipality"),
    path("okres/<str:code>/<int:year>/", views.district, name="district"),
    path("okres/<str:code>/<int:year>/komentar/", views.district_comment_create, name="district_comment_create"),
    path("okres/<str:code>/<int:year>/navrh/", views.district_proposal_create, name="district_proposal_create"),
    path("navrh/<int:pk>/rozhodnuti/", views.district_proposal_edit, name="district_proposal_edit"),
    path("nastaveni/<str:region>/<int:year>/", views.parameters, name="parameters"),
    path("nastaveni/<int:pk>/upravit/", views.network_parameters_edit, name="network_parameters_edit"),
    path("nastaveni/<int:pk>/nova-verze/", views.network_parameters_new_edition,
         name="network_parameters_new_edition"),
    path("nastaveni/<int:pk>/uroven/", views.network_tier_create, name="network_tier_create"),
    path("nastaveni/<int:pk>/druh/", views.network_kindparameter_create, name="network_kindparameter_create"),
    path("uroven/<int:pk>/upravit/", views.network_tier_edit, name="network_tier_edit"),
    path("podminka/<int:pk>/upravit/", views.network_rule_edit, name="network_rule_edit"),
    path("druh/<int:pk>/upravit/", views.network_kindparameter_edit, name="network_kindparameter_edit"),
    path("druh/<int:pk>/smazat/", views.network_kindparameter_delete, name="network_kindparameter_delete"),
    path("upozorneni/", views.notifications, name="notifications"),
    path("upozorneni/<int:pk>/precteno/", views.notification_read, name="notification_read"),
]
