"""Django's admin (config/admin_site.py): system admins only, and read-only for them too."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from liaison.core.admin import ReadOnlyAdmin
from liaison.core.models import AuditEvent
from liaison.stations.models import Station
from liaison.testing.personas import PERSONAS, World


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_system_admin_gets_into_the_admin(world: World, persona: str) -> None:
    client = world.web(persona)
    response = client.get("/admin/")
    if persona == "system_admin":
        assert response.status_code == 200
        return
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    login = client.get(response["Location"])
    if persona == "anonymous":
        assert login.status_code == 302
        assert login["Location"].startswith("/accounts/login/?next=/admin/")
    else:
        assert login.status_code == 403
    assert client.get(reverse("admin:stations_station_changelist")).status_code == 302


def test_django_staff_status_alone_does_not_open_the_admin(world: World) -> None:
    user = world.users["officer"]
    assert user is not None
    user.is_staff = True
    user.save()
    client = world.web("officer")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/").status_code == 403
    assert client.get(reverse("admin:deputies_deputy_changelist")).status_code == 302


def test_the_system_admin_browses_every_registered_model(world: World) -> None:
    client = world.web("system_admin")
    index = client.get("/admin/").content.decode()
    assert "系统管理" in index
    models = admin.site._registry
    ours = [m for m, model_admin in models.items() if isinstance(model_admin, ReadOnlyAdmin)]
    for model in ours:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    registered = {m._meta.label for m in ours}
    expected = {
        "organization.Region",
        "stations.Station",
        "deputies.Deputy",
        "deputies.Assignment",
        "deputies.Term",
        "accounts.User",
        "accounts.RoleGrant",
        "core.AuditEvent",
    }
    assert expected <= registered
    assert "deputies.Contact" not in registered, "residents' personal data stays out of the admin"


def test_the_admin_writes_nothing_even_for_the_system_admin(world: World) -> None:
    client = world.web("system_admin")
    station = world.stations["qianfeng"]
    assert client.get(reverse("admin:stations_station_add")).status_code == 403
    change = reverse("admin:stations_station_change", args=[station.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(change, {"name": "改名", "kind": "station", "region": station.region_id})
    assert Station.objects.get(pk=station.pk).name == station.name
    assert client.get(reverse("admin:stations_station_delete", args=[station.pk])).status_code == 403
    event = AuditEvent.objects.create(action="test.event")
    assert client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code == 403
    assert client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
