"""Showing a cadre's full ID number and phone (PIPL 第六条 最小必要; GB/T 35273 去标识化).

Pages, exports, the back office and the API show personal numbers masked
(zhucun.org.identity). The full values are shown only on an explicit
"show" action, only to the people whose work needs them:

- the HR office of the cadre's own unit (参扶单位 组织人事), which manages the cadre;
- the county leading-group office (区县领导小组办公室) over a team or
  household the cadre works in (personnel changes, insurance, allowances);

and every showing writes an audit record (event `pii.reveal`).
"""

from zhucun.accounts.roles import Duty, Role
from zhucun.accounts.scope import Paths, Scope, paths_for, scope_q
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError


def may_reveal(user, cadre) -> bool:
    positions = user.positions.filter(active=True)
    if positions.filter(role=Role.UNIT, duty=Duty.UNIT_HR, unit_id=cadre.unit_id).exists():
        return True
    county_ids = frozenset(
        positions.filter(role=Role.COUNTY, duty=Duty.POVERTY_OFFICE).values_list(
            "region_id", flat=True
        )
    )
    if not county_ids:
        return False
    paths: Paths = paths_for(type(cadre))
    in_county = scope_q(Scope(county_ids=county_ids), paths)
    return type(cadre).objects.filter(in_county, pk=cadre.pk).exists()


def cadre_identity_reveal(*, actor, cadre, address=None) -> dict:
    """The cadre's full ID number and phone, for `actor`; audited; refused if their work does not need it.

    A refusal is audited too, so its record must not roll back with the
    refusal: the one write here is the audit record itself.
    """
    if not may_reveal(actor, cadre):
        log.record(actor=actor, event="pii.reveal", obj=cadre, outcome="refused", address=address)
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "只有干部所在单位的组织人事部门和所在区县领导小组办公室可以查看完整身份证号和手机号。",
        )
    log.record(
        actor=actor,
        event="pii.reveal",
        obj=cadre,
        address=address,
        detail={"fields": ["id_number", "phone"]},
    )
    return {"id_number": cadre.id_number, "phone": cadre.phone}
