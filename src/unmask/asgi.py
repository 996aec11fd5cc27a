import os

from django.core.asgi import get_asgi_application

from unmask.runtime import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unmask.settings")
application = get_asgi_application()
settle()
