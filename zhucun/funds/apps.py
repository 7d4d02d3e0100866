from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "zhucun.funds"
    verbose_name = "工作经费"

    def ready(self):
        from zhucun.accounts.scope import Paths, register
        from zhucun.funds import services  # noqa: F401  registers the expense's final handler

        # 第二十五条: the county supervises, the town checks and reports, the team
        # keeps the ledger; members see it (the fund's use is published to the
        # village anyway), and the dispatching units see their teams' ledgers.
        team_paths = dict(
            region=("team__village",),
            unit=("team__units",),
            team=("team",),
            member_team=("team",),
        )
        register("funds.Ledger", Paths(**team_paths))
        via_ledger = {k: tuple(f"ledger__{p}" for p in v) for k, v in team_paths.items()}
        for label in ("funds.Allocation", "funds.LedgerEntry", "funds.LedgerReview"):
            register(label, Paths(**via_ledger))
        register("funds.Expense", Paths(**via_ledger, cadre=("handler",)))
