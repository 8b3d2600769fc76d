"""The technology themes calls are organised by (PRODUCT.md part 3). Fund managers may add more."""

from __future__ import annotations

from typing import Any

from django.db import migrations

THEMES = [
    ("Data science and AI", "data-science-and-ai"),
    ("Blockchain", "blockchain"),
    ("Extended reality", "extended-reality"),
    ("Drones", "drones"),
    ("Connectivity", "connectivity"),
    ("Digital health", "digital-health"),
    ("Learning and education", "learning-and-education"),
    ("Climate and environment", "climate-and-environment"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Theme = apps.get_model("calls", "Theme")
    for name, slug in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("calls", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
