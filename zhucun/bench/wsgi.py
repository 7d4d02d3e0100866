"""The bench's gunicorn application: zhucun.wsgi with the URLconf (and so every view
module) imported in the master before it forks, so that four workers do not each import
it on their first request while the clients wait."""

from django.urls import get_resolver

from zhucun.wsgi import application

get_resolver().url_patterns  # noqa: B018 (the import is the point)

__all__ = ["application"]
