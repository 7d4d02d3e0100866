import pytest


@pytest.fixture
def matrix_cast(cast):
    """The cast with one record of each kind the pages take by id, for both counties."""
    from datetime import timedelta

    from django.utils import timezone

    from zhucun.stationing.services import leave_request_submit
    from zhucun.worklogs.models import RectificationNotice, WorkLog

    now = timezone.now()
    day = timezone.localdate() - timedelta(days=3)
    for cadre, username, issuer in (
        (cast.member, "alice", "team"),
        (cast.other_leader, "oscar", "town"),
    ):
        WorkLog.objects.create(
            cadre=cadre,
            day=day,
            tasks=[1],
            content="走访农户",
            first_saved_at=now,
            updated_at=now,
        )
        RectificationNotice.objects.create(
            cadre=cadre,
            issued_on=day,
            issuer=issuer,
            issued_by=cast.users[username],
            log_days=[day.isoformat()],
            reason="补写日志",
        )
    today = timezone.localdate()  # leave is asked for before it starts
    for username, cadre in (("bob", cast.member), ("olga", cast.other_leader)):
        leave_request_submit(
            user=cast.users[username], cadre=cadre, start=today, end=today, reason="家中有事"
        )
    return cast
