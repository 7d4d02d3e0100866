from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate


def ensure_chain_head(sender, using, apps=global_apps, **kwargs):
    """Make the audit chain's head if there is none, after every migrate (and a test's
    flush): an append that carries its transaction's COMMIT needs it (audit/log.py
    `_append_in_one_statement`)."""
    from zhucun.audit.log import GENESIS

    try:
        head = apps.get_model("audit", "ChainHead")
    except LookupError:  # migrated back to before the head's table
        return
    head.objects.using(using).get_or_create(pk=1, defaults={"hash": GENESIS})


class AuditConfig(AppConfig):
    name = "zhucun.audit"
    verbose_name = "安全审计"

    def ready(self):
        from zhucun.audit import checks  # noqa: F401 (registers the retention check)

        post_migrate.connect(ensure_chain_head, sender=self)
