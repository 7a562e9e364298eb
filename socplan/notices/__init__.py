"""Notifications: what a user is told at each workflow step, shown in the app and sent by e-mail.

Every domain app (territory and above) calls `socplan.notices.services.notify(...)` in the transaction of its
step; the user's preference decides whether the e-mail goes at once, in the daily digest or not at all.
"""
