import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsmonitor.settings")
application = get_wsgi_application()

# feedback: refuse to serve if FEEDBACK_KEYS cannot read the stored feedback.
from rightsmonitor.feedback.crypto import verify_keys_at_start  # noqa: E402

verify_keys_at_start()
