import os

from django.core.wsgi import get_wsgi_application

from goodoffices.web.chunked import ChunkedBodies

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodoffices.settings")
application = ChunkedBodies(get_wsgi_application())
