"""Database sessions with the user's id in a column (SESSION_ENGINE).

Django's own session table stores the user only inside the encoded data, so
"end every session of this user" would mean decoding every row. Logout and
disabling an account (等保2.0 身份鉴别, 访问控制) need exactly that, so the
user id is written next to the data on every save.
"""

from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.utils import timezone

# The idle timeout is renewed by writing the session row; doing it on every request
# was a write (and, on SQLite, a disk sync) per page or check-in. Renewing once the
# expiry has slipped by this much keeps the idle limit between
# SESSION_COOKIE_AGE - RENEW_AFTER and SESSION_COOKIE_AGE: never longer than set.
RENEW_AFTER = timedelta(seconds=60)


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from zhucun.accounts.models import UserSession

        return UserSession

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row

    def renewal_due(self) -> bool:
        """True when the stored expiry is more than RENEW_AFTER short of a full idle period."""
        stored = getattr(self, "stored_expiry", None)
        if stored is None:
            return False
        full = timezone.now() + timedelta(seconds=self.get_expiry_age())
        return full - stored > RENEW_AFTER

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        obj.user_id = int(user_id) if user_id is not None else None
        return obj

    async def acreate_model_instance(self, data):
        obj = await super().acreate_model_instance(data)
        user_id = data.get(SESSION_KEY)
        obj.user_id = int(user_id) if user_id is not None else None
        return obj


def end_sessions_of(user) -> int:
    """Delete every server-side session of `user`; returns how many there were."""
    from zhucun.accounts.models import UserSession

    deleted, _ = UserSession.objects.filter(user_id=user.pk).delete()
    return deleted


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, renewing the idle timeout at most once a RENEW_AFTER.

    Replaces SESSION_SAVE_EVERY_REQUEST (which writes the session row on every request).
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not session.modified and session.accessed:
            renewal_due = getattr(session, "renewal_due", None)
            if renewal_due is not None and renewal_due():
                session.modified = True
        return super().process_response(request, response)
