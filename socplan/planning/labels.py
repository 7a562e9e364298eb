"""Translated labels of measure and indicator states for the web pages.

The generated plan documents (the documents app) keep their Czech ``STATE_LABELS`` / ``INDICATOR_LABELS``; the
pages use these, which follow the user's language. ``STATE_COLORS`` (in the order of ``engine.STATES``) colour
the state charts of both.
"""

from django.utils.translation import gettext_lazy as _

STATE_LABELS = {
    "done": _("splněno"), "in_progress": _("probíhá"), "late": _("zpožděno"), "dropped": _("zrušeno"),
    "not_started": _("nezahájeno"), "not_reported": _("nevykázáno"),
}
INDICATOR_LABELS = {"met": _("cíl splněn"), "not_met": _("cíl nesplněn"), "no_value": _("bez hodnoty"),
                    "no_target": _("bez cíle")}
STATE_COLORS = ["#1f7a3a", "#0b5cad", "#b3261e", "#555e68", "#f2a900", "#aab4bf"]
