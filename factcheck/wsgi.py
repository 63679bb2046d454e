import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
application = get_wsgi_application()

# Import the URLconf (and with it every view and serializer) while the worker boots, not
# during its first request, which took 0.1 s longer than the rest.
import_module(settings.ROOT_URLCONF)
