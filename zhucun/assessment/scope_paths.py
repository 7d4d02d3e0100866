"""How the assessment app's records reach each data-scope node (zhucun/accounts/scope.py)."""

from zhucun.accounts.scope import Paths, register


def register_paths() -> None:
    register(
        "assessment.OrdinaryAssessment",
        Paths(
            region=("town",),
            unit=("cadre__unit",),
            team=("cadre__assignments__team",),
            cadre=("cadre",),
        ),
    )
    register(
        "assessment.AnnualAssessment",
        Paths(region=("county",), unit=("cadre__unit",), cadre=("cadre",)),
    )
    register(
        "assessment.TeamOpinion",
        Paths(region=("team__village",), unit=("cadre__unit",), team=("team",), cadre=("cadre",)),
    )
    register(
        "assessment.ConductFact",
        Paths(region=("county",), unit=("cadre__unit",), cadre=("cadre",)),
    )
    register(
        "assessment.FinalResult",
        Paths(
            region=("assessment_year__county", "team__village"),
            unit=("unit",),
            team=("team",),
            cadre=("cadre",),
        ),
    )
    register(
        "assessment.Recall",
        Paths(region=("county",), unit=("unit",), cadre=("cadre",)),
    )
    register(
        "assessment.Inspection",
        Paths(region=("team__village",), unit=("team__units",), team=("team",)),
    )
    register(
        "assessment.Circular",
        Paths(region=("region",), unit=("unit",)),
    )
    # A county's stored assessment list: seen by who sees the county (its office, its city).
    register("assessment.CohortSnapshot", Paths(region=("county",)))
