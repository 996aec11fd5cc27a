import os

from django.core.wsgi import get_wsgi_application

from unmask.runtime import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unmask.settings")
application = get_wsgi_application()
settle()
