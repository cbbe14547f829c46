"""The periodic tasks of notices, in django-celery-beat (editable in the admin). The
migration 0003_schedule holds a frozen copy; `manage.py setup_schedule` applies this one."""

TIMEZONE = "Asia/Shanghai"
DISPATCH = "notices.tasks.notices_dispatch_task"
REMINDERS = "notices.tasks.reminders_task"

# name, task, its argument (a reminder kind), crontab minute and hour in Asia/Shanghai,
# and the expiry in seconds (a run that waited longer in the queue is dropped: the next one
# does the same work).
SCHEDULE = [
    ("notices: dispatch", DISPATCH, None, "*", "*", 60),
    ("notices: tests due tomorrow", REMINDERS, "test_due_tomorrow", "0", "8,20", None),
    ("notices: tests overdue", REMINDERS, "test_overdue", "0", "8,20", None),
    ("notices: follow-ups missing", REMINDERS, "followup_missing", "0", "18", None),
    ("notices: measures ending tomorrow", REMINDERS, "measure_ends_tomorrow", "0", "9", None),
    ("notices: appeals at 20 hours", REMINDERS, "appeal_20h", "*/15", "*", 900),
    ("notices: appeals overdue", REMINDERS, "appeal_overdue", "*/15", "*", 900),
    ("notices: street digest", REMINDERS, "street_digest", "30", "7", None),
    ("notices: shop re-inspections due", REMINDERS, "shop_reinspection_due", "0", "8", None),
    ("notices: boosters due", REMINDERS, "booster_due", "0", "10", None),
]
