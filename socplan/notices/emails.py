"""The e-mails of notices: Czech, plain text and HTML, with the link to the page and a one-click unsubscribe."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.SOCPLAN_BASE_URL.rstrip("/") + url


def _message(user, subject: str, template: str, context: dict, token: str) -> EmailMultiAlternatives:
    unsubscribe = _absolute(reverse("notices:unsubscribe", args=[token]))
    ctx = {**context, "user": user, "unsubscribe_url": unsubscribe,
           "preferences_url": _absolute(reverse("notices:preferences"))}
    body = render_to_string(f"notices/{template}.txt", ctx)
    html = render_to_string(f"notices/{template}.html", ctx)
    msg = EmailMultiAlternatives(subject=subject[:200], body=body, to=[user.email],
                                 headers={"List-Unsubscribe": f"<{unsubscribe}>",
                                          "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    msg.attach_alternative(html, "text/html")
    return msg


def notice_message(notification, token: str) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("socplan: %(text)s") % {"text": notification.text[:150]}
        return _message(notification.recipient, subject, "email",
                        {"n": notification, "link": _absolute(notification.url)}, token)


def digest_message(user, items, token: str) -> EmailMultiAlternatives:
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext("socplan: %(count)d nové upozornění", "socplan: %(count)d nových upozornění",
                           len(items)) % {"count": len(items)}
        rows = [{"n": n, "link": _absolute(n.url)} for n in items]
        return _message(user, subject, "digest", {"rows": rows}, token)
