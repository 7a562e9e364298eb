"""Pages and exports render for the demo (Czech), for anonymous visitors and for each seat."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from socplan.network.models import DevelopmentRequest, NetworkParameters, RequestState

pytestmark = pytest.mark.django_db


def test_overview_pages(client, users, demo):
    client.force_login(users.officer)
    html = client.get(reverse("network:index")).content.decode()
    assert "Síť sociálních služeb" in html and "Síť 2025, dodatek č. 2" in html
    resp = client.get(reverse("network:version", args=[demo.d26.pk]))
    html = resp.content.decode()
    assert resp.status_code == 200 and "v projednávání" in html and 'data-testid="by-kind"' in html
    assert f'data-testid="total-entries">{demo.d26.entries.count()}<' in html
    assert client.get(reverse("network:year", args=["CZ064", 2025])).url == reverse("network:version",
                                                                                    args=[demo.v25_2.pk])
    html = client.get(reverse("network:version_check", args=[demo.d26.pk])).content.decode()
    assert "Podmínky vstupu do sítě" in html and "Spolufinancování obcí" in html
    assert client.get(reverse("network:version_cofinancing", args=[demo.d26.pk]) + "?vse=1",
                      follow=True).status_code == 200
    entry = demo.d26.entries.first()
    html = client.get(reverse("network:entry", args=[entry.pk])).content.decode()
    assert "Historie změn" in html and 'data-testid="conditions"' in html
    assert client.get(reverse("network:service", args=[entry.service_id])).status_code == 200


def test_approved_unpublished_version_page_for_an_approver(client, users, demo):
    client.force_login(users.approver)  # may publish: the page offers it without marking it published
    html = client.get(reverse("network:version", args=[demo.v25_2.pk])).content.decode()
    assert 'data-testid="version-status">schváleno<' in html and "Zveřejnit" in html
    assert "Vytvořit dodatek" in html and 'data-testid="approve"' not in html


def test_request_and_declaration_pages(client, users, demo):
    client.force_login(users.officer)
    html = client.get(reverse("network:requests")).content.decode()
    assert "Rozvojové záměry" in html and "vráceno k doplnění" in html
    for state in RequestState.values:
        req = DevelopmentRequest.objects.filter(state=state).first()
        assert client.get(reverse("network:request", args=[req.pk])).status_code == 200
    evaluated = DevelopmentRequest.objects.get(state=RequestState.EVALUATED)
    html = client.get(reverse("network:request", args=[evaluated.pk])).content.decode()
    assert 'data-testid="evaluation"' in html
    assert "Rozhodnutí kraje" not in html  # deciding needs the right to approve (the officer has not)
    client.force_login(users.approver)
    assert "Rozhodnutí kraje" in client.get(reverse("network:request", args=[evaluated.pk])).content.decode()
    client.force_login(users.officer)
    assert "Spolufinancování obcí" in client.get(reverse("network:declarations")).content.decode()
    html = client.get(reverse("network:municipality", args=["582786"]), follow=True).content.decode()  # Brno
    assert "Obec" in html and "2026" in html
    html = client.get(reverse("network:district", args=["CZ0641", 2026])).content.decode()
    assert "Projednání sítě v okrese" in html and 'data-testid="district-matrix"' in html
    p = NetworkParameters.objects.get(region__code="CZ064", year=2026)
    html = client.get(reverse("network:parameters", args=["CZ064", 2026])).content.decode()
    assert "zásobník" in html and "Body hodnocení podle metodiky" in html
    assert client.get(reverse("network:network_parameters_edit", args=[p.pk])).status_code == 200
    assert client.get(reverse("network:notifications")).url == reverse("notices:list")  # one page for every module
    assert client.get(reverse("notices:list")).status_code == 200


def test_diff_page_and_xlsx(client, users, demo):
    client.force_login(users.officer)
    resp = client.get(reverse("network:diff"), {"old": demo.v25_0.pk, "new": demo.v25_1.pk})
    assert resp.status_code == 302
    html = client.get(resp.url).content.decode()
    assert 'data-testid="n-added">6<' in html and 'data-testid="n-changed">5<' in html
    assert "reconcile-bad" not in html
    resp = client.get(reverse("network:diff_xlsx", args=[demo.v25_0.pk, demo.v25_1.pk]))
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(resp.content))
    assert wb.sheetnames == ["Souhrn", "Přidané", "Odebrané", "Změněné"]
    summary = list(wb["Souhrn"].iter_rows(min_row=6, values_only=True))
    assert summary[0][0] == "počet položek" and summary[0][1] + summary[0][2] - summary[0][3] == summary[0][5]
    assert all(r[6] == "ano" for r in summary)
    assert wb["Přidané"].max_row == 7  # header + 6


def test_anonymous_sees_published_network_only(client, demo):
    assert client.get(reverse("network:index")).status_code == 200
    assert client.get(reverse("network:version", args=[demo.v25_1.pk])).status_code == 200
    assert client.get(reverse("network:version", args=[demo.v25_2.pk])).status_code == 404
    assert client.get(reverse("network:diff_detail", args=[demo.v25_0.pk, demo.v25_2.pk])).status_code == 404


@pytest.mark.parametrize("seat", ["district_blansko", "orp_blansko", "nobody"])
def test_pages_render_for_each_seat(client, users, demo, seat):
    client.force_login(getattr(users, seat))
    for url in [reverse("network:index"), reverse("network:requests"), reverse("network:declarations"),
                reverse("network:district", args=["CZ0641", 2026]), reverse("network:diff")]:
        assert client.get(url).status_code == 200, url
