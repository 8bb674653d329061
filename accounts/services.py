"""Writes for users and offices."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Office, User
from accounts.permissions import role_conflict
from accounts.roles import Role


@transaction.atomic
def offices_seed(*, offices: Iterable[tuple[str, str]]) -> int:
    """Create the offices that do not exist yet; existing ones keep any admin edits."""
    created = 0
    for order, (code, name) in enumerate(offices, start=1):
        _office, was_created = Office.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        created += was_created
    return created


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: Iterable[Role] = (),
    office: Office | None = None,
    display_name: str = "",
) -> User:
    roles = list(roles)
    conflict = role_conflict(role.value for role in roles)
    if conflict:
        raise ValidationError(conflict)
    user = User(username=username, office=office, display_name=display_name)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.set(Group.objects.filter(name__in=[role.value for role in roles]))
    return user


def user_ensure(
    *,
    username: str,
    password: str,
    roles: Iterable[Role],
    office: Office | None = None,
    display_name: str = "",
) -> tuple[User, bool]:
    """The user of that name, created as given if missing; an existing user is left as it is."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = user_create(
        username=username,
        password=password,
        roles=roles,
        office=office,
        display_name=display_name,
    )
    return user, True
