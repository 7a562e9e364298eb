"""The inbox: everything that waits for the logged-in user across modules (read from each app's `inbox.py`),
the counts in the header, and the reminder job that warns before deadlines."""
