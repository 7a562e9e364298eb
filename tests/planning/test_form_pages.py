"""The declared form pages (socplan.planning.pages served by formpages.FormPageView): every declaration is a
page with its URL name and permission marks, and the one view class does the permission, form, service,
error and redirect steps the same way for all of them."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from socplan.planning.formpages import FormPageView
from socplan.planning.models import Plan, PlanSection, PlanStatus
from socplan.planning.pages import PAGES

from .conftest import PASSWORD, build_plan

pytestmark = pytest.mark.django_db


def test_every_declaration_is_a_marked_page_under_its_name():
    names = [p.name for p in PAGES]
    assert len(names) == len(set(names)) == 34
    for page in PAGES:
        kwargs = {k: 1 for k in ("pk", "year") if f"<int:{k}>" in page.route}
        match = resolve(reverse(f"planning:{page.name}", kwargs=kwargs))
        assert match.func.view_class is FormPageView and match.func.view_initkwargs["page"] is page
        assert match.func.scoped_write and match.func.scope_model is page.model
        assert match.func.scope_action == page.action


def test_anonymous_goes_to_login_and_a_user_without_the_right_gets_403(client, t, users):
    plan = build_plan(t.jmk, orp=t.blansko, measures=1)
    url = reverse("planning:plan_edit", args=[plan.pk])
    assert "/login" in client.get(url)["Location"] or client.get(url).status_code == 302
    client.login(username="orp_znojmo", password=PASSWORD)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"title": "Cizí", "year_from": 2024, "year_to": 2026}).status_code in (403, 404)
    assert Plan.objects.get(pk=plan.pk).title != "Cizí"


def test_edit_page_saves_through_the_service_and_a_stale_version_is_a_form_error(client, t, users):
    plan = build_plan(t.jmk, orp=t.blansko, measures=1)
    client.login(username="orp_blansko", password=PASSWORD)
    url = reverse("planning:plan_edit", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Upravit plán" in page.content.decode()
    form = {"title": "Nový název", "summary": "", "year_from": 2024, "year_to": 2026, "comments_until": "",
            "version": plan.version}
    done = client.post(url, form)
    assert done.status_code == 302 and done["Location"] == reverse("planning:plan_detail", args=[plan.pk])
    assert Plan.objects.get(pk=plan.pk).title == "Nový název"
    stale = client.post(url, {**form, "title": "Zastaralá úprava"})  # the version read before the first save
    assert stale.status_code == 200 and 'role="alert"' in stale.content.decode()
    assert Plan.objects.get(pk=plan.pk).title == "Nový název"


def test_section_create_and_delete_through_the_declared_pages(client, t, users):
    plan = build_plan(t.jmk, orp=t.blansko, measures=1)
    client.login(username="orp_blansko", password=PASSWORD)
    add = client.post(reverse("planning:section_add", args=[plan.pk]),
                      {"kind": "needs", "title": "Nová kapitola", "order": 5})
    assert add.status_code == 302 and add["Location"].endswith("#kapitoly")
    section = PlanSection.objects.get(plan=plan, title="Nová kapitola")
    edit_url = reverse("planning:section_edit", args=[section.pk])
    assert "confirm-delete" in client.get(edit_url).content.decode()
    gone = client.post(edit_url, {"delete": "1"})
    assert gone.status_code == 302 and not PlanSection.objects.filter(pk=section.pk).exists()


def test_a_refused_confirmation_comes_back_as_a_message_on_the_plan(client, t, users):
    plan = build_plan(t.jmk, orp=t.blansko, measures=1)
    client.login(username="orp_blansko", password=PASSWORD)
    # a draft cannot be "returned to draft": the service refuses, the page says why on the plan page
    response = client.post(reverse("planning:plan_unpublish_update", args=[plan.pk]), {"confirm": "1"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("planning:plan_detail", args=[plan.pk])
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
