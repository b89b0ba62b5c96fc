"""The support models; they belong to the incidents app (its migrations, its tables)."""

from django.db import models  # noqa: F401

__all__: list[str] = []  # the model names, re-exported by incidents.models
