"""Concrete URLs for every route, filled with the matrix's objects."""

from __future__ import annotations

import re

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.security.matrix_setup import all_routes

ADMIN_MODEL = re.compile(r"^admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<action>[a-z_]+)$")


def url_for(name: str, pattern: str, world: dict) -> str:
    objects = world["objects"]
    params = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
    kwargs: dict[str, object] = {}
    if name == "admin:view_on_site":
        content_type = ContentType.objects.get_for_model(objects["indicators.figure"])
        return reverse(name, args=[content_type.pk, objects["indicators.figure"].pk])
    match = ADMIN_MODEL.match(name)
    model_key = None
    if match:
        model_key = f"{match['app']}.{match['model']}"
        if name == "admin:auth_user_password_change":
            model_key = "accounts.user"
    for param in params:
        if param == "object_id" or (param == "id" and model_key):
            kwargs[param] = objects[model_key].pk
        elif param == "app_label":
            kwargs[param] = "indicators"
        elif param == "content_type_id":
            kwargs[param] = ContentType.objects.get_for_model(objects["indicators.figure"]).pk
        elif param == "version_id":
            kwargs[param] = objects[model_key].history.first().history_id
        elif param == "code":
            kwargs[param] = world["indicator"].code
        elif param == "pk":
            kwargs[param] = world["project" if "project" in name else "task"].pk
        else:  # pragma: no cover - a new kind of parameter needs a rule here
            raise AssertionError(f"no sample value for <{param}> in {name}")
    if name.endswith("_simple_history"):  # a regex route with two positional groups
        app, model = name.removeprefix("admin:").removesuffix("_simple_history").split("_", 1)
        obj = objects[f"{app}.{model}"]
        return reverse(name, args=[obj.pk, obj.history.first().history_id])
    return reverse(name, kwargs=kwargs)


def routes() -> dict[str, str]:
    return all_routes()
