"""Export files hold personal data: they must never be reachable as static or media files."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path: Path, root) -> bool:
    return root is not None and Path(path).resolve().is_relative_to(Path(root).resolve())


@register()
def export_dir_is_private(app_configs, **kwargs):
    roots = [settings.STATIC_ROOT, settings.MEDIA_ROOT, *getattr(settings, "STATICFILES_DIRS", [])]
    if any(_inside(settings.ZHUCUN_EXPORT_DIR, root) for root in roots if root):
        return [
            Error(
                "ZHUCUN_EXPORT_DIR lies inside a static or media directory: exported personal "
                "data would be served without the owner check.",
                id="zhucun.E040",
            )
        ]
    return []
