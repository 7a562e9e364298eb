"""Optimistic locking: the second of two concurrent edits is refused with what changed; nothing is lost."""

from __future__ import annotations

import threading

import pytest
from django import forms
from django.conf import settings
from django.db import connection, transaction

from socplan.core.forms import VersionedModelFormMixin
from socplan.core.services import StaleEdit, model_update
from socplan.registry.models import Service

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


class ServiceEditForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "web", "provider"]


def _post(form_instance, **changes):
    data = {"name": form_instance.name, "web": form_instance.web, "provider": form_instance.provider_id,
            "expected_version": form_instance.version}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_second_save_is_refused_with_the_changes(world, users):
    s = world.service_a
    alice_loaded = Service.objects.get(pk=s.pk)  # both open the edit page at the same version
    bob_loaded = Service.objects.get(pk=s.pk)
    v0 = alice_loaded.version
    first = ServiceEditForm(_post(alice_loaded, name="Domov A – Alice"), instance=alice_loaded)
    assert first.is_valid(), first.errors
    assert first.save_versioned(actor=users.provider_a) is not None

    second = ServiceEditForm(_post(bob_loaded, web="https://bob.example", provider=world.provider_b.pk),
                             instance=bob_loaded)
    assert second.is_valid(), second.errors
    assert second.save_versioned(actor=users.officer) is None
    stored = Service.objects.get(pk=s.pk)
    assert stored.name == "Domov A – Alice" and stored.web == "" and stored.provider == world.provider_a
    assert stored.version == v0 + 1  # Alice's save only: nothing written by the refused one
    assert stored.history.count() == 2
    # The message says who changed what: the name (Alice's edit), with the value Bob opened and his own.
    errors = " ".join(second.non_field_errors())
    assert "mezitím změnil jiný uživatel" in errors
    assert "„název“: když jste záznam otevřeli: Domov A Blansko; nyní uloženo: Domov A – Alice; " \
           "vaše hodnota: Domov A Blansko" in errors
    assert [c.field for c in second.stale.changes] == ["name"]
    # The form now carries the stored version: a deliberate second submit saves Bob's values.
    rendered = str(second["expected_version"])
    assert f'value="{stored.version}"' in rendered
    again = ServiceEditForm(dict(second.data.items()), instance=Service.objects.get(pk=s.pk))
    assert again.is_valid(), again.errors
    assert again.save_versioned(actor=users.officer) is not None
    stored.refresh_from_db()
    assert stored.web == "https://bob.example" and stored.name == "Domov A Blansko"


@pytest.mark.django_db
def test_version_is_required_on_edit_forms(world):
    s = world.service_a
    data = _post(s)
    del data["expected_version"]
    form = ServiceEditForm(data, instance=s)
    assert not form.is_valid() and "expected_version" in form.errors


@pytest.mark.django_db
def test_model_update_refuses_stale_version(world, users):
    s = Service.objects.get(pk=world.service_b.pk)
    v = s.version
    model_update(instance=s, data={"name": "B1"}, actor=users.provider_b, expected_version=v)
    with pytest.raises(StaleEdit) as exc:
        model_update(instance=Service.objects.get(pk=s.pk), data={"name": "B2"}, expected_version=v)
    assert exc.value.stored_version == v + 1
    assert [(c.field, c.loaded, c.stored, c.submitted) for c in exc.value.changes] == [
        ("name", "Domov B Znojmo", "B1", "B2")]
    assert Service.objects.get(pk=s.pk).name == "B1"


# --- PostgreSQL: real concurrent transactions ---------------------------------------------------------------
# (`transactional_db` as a fixture argument, not the marker: tests/conftest.py reloads the base data after
# tests that name it.)

@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
def test_concurrent_saves_on_postgres_lose_nothing(transactional_db, world):
    """Eight connections save the same record at the same version at once: exactly one wins."""
    pk, version = world.service_a.pk, Service.objects.get(pk=world.service_a.pk).version
    barrier = threading.Barrier(8)
    outcomes = {}

    def editor(i):
        try:
            obj = Service.objects.get(pk=pk)
            barrier.wait()
            model_update(instance=obj, data={"name": f"editor {i}"}, expected_version=version)
            outcomes[i] = "saved"
        except StaleEdit:
            outcomes[i] = "stale"
        finally:
            connection.close()

    threads = [threading.Thread(target=editor, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [i for i, o in outcomes.items() if o == "saved"]
    assert len(outcomes) == 8 and len(winners) == 1, outcomes
    stored = Service.objects.get(pk=pk)
    assert stored.name == f"editor {winners[0]}" and stored.version == version + 1
    assert stored.history.filter(version=version + 1).count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
def test_second_transaction_waits_for_the_first_and_is_refused(transactional_db, world):
    """A's transaction has saved but not committed; B (same loaded version) blocks on the row lock and,
    once A commits, is refused instead of overwriting A."""
    pk = world.service_b.pk
    version = Service.objects.get(pk=pk).version
    a_saved, a_commit, b_done = threading.Event(), threading.Event(), threading.Event()
    result = {}

    def a():
        try:
            with transaction.atomic():
                model_update(instance=Service.objects.get(pk=pk), data={"web": "https://a.example"},
                             expected_version=version)
                a_saved.set()
                a_commit.wait(10)
        finally:
            connection.close()

    def b():
        try:
            a_saved.wait(10)
            model_update(instance=Service.objects.get(pk=pk), data={"web": "https://b.example"},
                         expected_version=version)
            result["b"] = "saved"
        except StaleEdit as exc:
            result["b"] = [c.field for c in exc.changes]
        finally:
            b_done.set()
            connection.close()

    ta, tb = threading.Thread(target=a), threading.Thread(target=b)
    ta.start()
    tb.start()
    assert a_saved.wait(10)
    assert not b_done.wait(1.0), "B must wait for A's row lock"
    a_commit.set()
    ta.join(10)
    tb.join(10)
    assert result["b"] == ["web"]
    assert Service.objects.get(pk=pk).web == "https://a.example"
