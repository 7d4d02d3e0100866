import os

from django.core.wsgi import get_wsgi_application
from django.utils import timezone

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhucun.settings")
application = get_wsgi_application()
# The one time zone (settings.TIME_ZONE) made the current one in the thread that
# imports the application: the thread a sync worker serves every request in. The same
# zone as when none is current, found at once: with none, each local date or time of
# a request looked it up first and fell back to it from a missed attribute (raised
# and caught inside asgiref's Local), ~1 % of an API write's CPU (callgrind).
timezone.activate(timezone.get_default_timezone())
