"""Database sessions with the user's id in a column (SESSION_ENGINE).

Django's own session table stores the user only inside the encoded data, so
"end every session of this user" would mean decoding every row. Logout and
disabling an account (等保2.0 身份鉴别, 访问控制) need exactly that, so the
user id is written next to the data on every save.
"""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from zhucun.accounts.models import UserSession

        return UserSession

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
