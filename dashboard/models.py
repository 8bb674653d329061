from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataStamp(models.Model):
    """One row whose token changes whenever data the dashboard shows changes.

    Every app server reads it before using a cached page, so a cache kept in each worker's
    memory is never older than the data, whichever worker took the write. The token is random,
    not a counter: a restored backup brings back its own token with its own data."""

    token = models.CharField(_("数据版本"), max_length=32)
    changed_at = models.DateTimeField(_("变更时间"), auto_now=True)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self) -> str:
        return self.token
