"""Translated labels of measure and indicator states for the web pages.

The generated documents (``documents.py``) keep their Czech ``STATE_LABELS`` / ``INDICATOR_LABELS``; the pages
use these, which follow the user's language.
"""

from django.utils.translation import gettext_lazy as _

STATE_LABELS = {
    "done": _("splněno"), "in_progress": _("probíhá"), "late": _("zpožděno"), "dropped": _("zrušeno"),
    "not_started": _("nezahájeno"), "not_reported": _("nevykázáno"),
}
INDICATOR_LABELS = {"met": _("cíl splněn"), "not_met": _("cíl nesplněn"), "no_value": _("bez hodnoty"),
                    "no_target": _("bez cíle")}
