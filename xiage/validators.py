"""Text the database can store: one rule for every form, service and query parameter.

PostgreSQL refuses a NUL character (U+0000) anywhere in text, and UTF-8 cannot encode a lone
surrogate (U+D800-U+DFFF); either would end a request in a server error deep inside a query.
Django's forms.CharField already refuses NUL; text read outside a form (a review reason, a
query parameter) is checked here, with the same Chinese message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = _("含有无法保存的字符（如空字符），请删除后重新输入。")


def is_storable(text: str) -> bool:
    return UNSTORABLE.search(text) is None


def all_storable(texts: Iterable[str]) -> bool:
    return all(is_storable(text) for text in texts)


@deconstructible
class StorableTextValidator:
    """Refuses text the database cannot store, with a Chinese message."""

    code = "null_characters_not_allowed"  # Django's code for the same refusal

    def __call__(self, value: object) -> None:
        if isinstance(value, str) and not is_storable(value):
            raise ValidationError(UNSTORABLE_MESSAGE, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StorableTextValidator)


validate_storable_text = StorableTextValidator()
