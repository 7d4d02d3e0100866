"""What each parameter is: key, article, unit, Chinese meaning and value type.

The values are data in `versions/*.toml` (第三十九条) and county overrides
(第三十八条); this catalogue only describes them, so a new version of the rules
is a new TOML file, not code. `basis` tells a number written in the 细则
("细则") from one the system fixes where the text is silent ("系统").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhucun.policy.errors import PolicyError

KIND_NAMES = {int: "整数", str: "文字", date: "日期", list: "列表"}


@dataclass(frozen=True)
class ParameterSpec:
    key: str
    article: str
    unit: str
    meaning: str
    kind: type
    basis: str = "细则"


def _spec(key, article, unit, meaning, kind=int, basis="细则"):
    return ParameterSpec(key, article, unit, meaning, kind, basis)


CATALOGUE: tuple[ParameterSpec, ...] = (
    _spec(
        "team_counted_members_min",
        "第六条",
        "人",
        "每个驻村工作队(组)一般不少于该人数(不含镇街包村干部)",
    ),
    _spec("term_years_min", "第六条", "年", "每期驻村时间不少于该年数"),
    _spec(
        "joint_team_staff_below",
        "第六条",
        "人",
        "参扶单位编制人员少于该人数的,可与其他参扶单位联合组建驻村工作队",
    ),
    _spec(
        "no_withdrawal_before",
        "第七条",
        "日期",
        "该日(含)以前贫困村退出的,驻村工作队不得撤离、联户干部不脱钩",
        date,
    ),
    _spec(
        "county_leader_meetings_per_quarter",
        "第十五条",
        "次",
        "区县每季度召开驻村工作队队长会议的次数",
    ),
    _spec(
        "team_reports_to_town_per_month",
        "第十五条",
        "次",
        "驻村工作队每月向镇(街办)党委、政府汇报工作的次数",
    ),
    _spec(
        "team_reports_to_county_per_half_year",
        "第十五条",
        "次",
        "驻村工作队每半年向县级驻村工作领导小组汇报工作的次数",
    ),
    _spec(
        "monthly_stationed_days_min",
        "第十六条",
        "天",
        "驻村干部每月驻村工作时间不少于该天数(含因公出差、开会和培训)",
    ),
    _spec(
        "leave_leader_town_max_days",
        "第十六条",
        "天",
        "队长离村该天数以内(一周以内)报镇(街办)党委书记或镇长批准;"
        "更长的经镇(街办)同意报县级驻村工作领导小组批准",
    ),
    _spec(
        "leave_member_leader_max_days",
        "第十六条",
        "天",
        "队员离村该天数以内由驻村工作队队长批准;更长的经队长同意报镇(街办)党委书记或镇长批准",
    ),
    _spec(
        "approval_overdue_days",
        "第十六条",
        "天",
        "审批步骤待办超过该天数即为逾期:提醒审批人,并由上一级督办(细则未定时限)",
        basis="系统",
    ),
    _spec(
        "log_deadline_days_after",
        "第十二条(四)",
        "天",
        "工作日志在当日后该天数内(当天结束前)保存即为按时记录",
        basis="系统",
    ),
    _spec(
        "county_inspections_per_quarter",
        "第十七条",
        "次",
        "区县驻村工作领导小组每季度检查点评驻村干部在岗情况的次数",
    ),
    _spec("training_sessions_min", "第十八条", "次", "每名驻村干部每年至少轮训的次数"),
    _spec("training_days_min", "第十八条", "天", "每名驻村干部每年培训时间累计不少于该天数"),
    _spec(
        "training_warning_margin_days",
        "第十八条",
        "天",
        "年内剩余天数少于尚需培训天数加该天数时提前预警",
        basis="系统",
    ),
    _spec(
        "weekly_inquiries_min",
        "第二十条",
        "次",
        "联户干部每周至少询问了解结对户情况的次数(入户也算询问)",
    ),
    _spec("monthly_visits_min", "第二十条", "次", "联户干部每月至少入户帮扶的次数"),
    _spec("fund_yuan_per_team_year", "第二十四条", "元", "每个驻村工作队每年工作经费"),
    _spec("fund_share_province", "第二十四条", "份", "工作经费省级财政分担份数(省:市:县)"),
    _spec("fund_share_city", "第二十四条", "份", "工作经费市级财政分担份数(省:市:县)"),
    _spec("fund_share_county", "第二十四条", "份", "工作经费县级财政分担份数(省:市:县)"),
    _spec("transport_allowance_trips_per_week", "第二十七条", "次", "交通补助按每周该次数计"),
    _spec("physical_exams_per_year", "第二十七条", "次", "每年为驻村干部安排体检的次数"),
    _spec(
        "unit_head_visits_per_month_min",
        "第二十八条",
        "次",
        "参扶单位主要负责人每月至少到帮扶村指导工作的次数",
    ),
    _spec(
        "content_weight_daily_management",
        "第三十条",
        "%",
        "年度考核内容权重:日常管理",
        basis="系统",
    ),
    _spec(
        "content_weight_attendance_logs", "第三十条", "%", "年度考核内容权重:考勤日志", basis="系统"
    ),
    _spec(
        "attendance_logs_days_weight",
        "第三十条",
        "%",
        "考勤日志建议分中出勤(在岗天数占应在岗天数)的权重",
        basis="系统",
    ),
    _spec(
        "attendance_logs_logs_weight",
        "第三十条",
        "%",
        "考勤日志建议分中按时日志(占应记日志)的权重",
        basis="系统",
    ),
    _spec("content_weight_results", "第三十条", "%", "年度考核内容权重:工作实绩", basis="系统"),
    _spec(
        "content_weight_villagers_evaluation",
        "第三十条",
        "%",
        "年度考核内容权重:村民评价",
        basis="系统",
    ),
    _spec(
        "content_weight_village_cadres_evaluation",
        "第三十条",
        "%",
        "年度考核内容权重:村干部评议",
        basis="系统",
    ),
    _spec("annual_weight_pct", "第三十一条", "%", "年度考核分值占比"),
    _spec("ordinary_weight_pct", "第三十一条", "%", "平时考核分值占比"),
    _spec(
        "poverty_task_missed_grade_cap",
        "第三十一条",
        "等次",
        "村减贫任务未完成时考核等次的上限",
        str,
        basis="系统",
    ),
    _spec("assessment_grades", "第三十二条", "等次", "考核等次,由高到低", list),
    _spec("excellent_quota_pct", "第三十二条", "%", "优秀等次不得超过考核对象总数的该比例"),
    _spec("assessment_min_months", "第三十二条", "月", "驻村该月数以上的驻村干部参加考核"),
    _spec("excellent_score_min", "第三十二条", "分", "拟定优秀等次的最低总分", basis="系统"),
    _spec("competent_score_min", "第三十二条", "分", "拟定称职等次的最低总分", basis="系统"),
    _spec("basic_score_min", "第三十二条", "分", "拟定基本称职等次的最低总分", basis="系统"),
    _spec(
        "promotion_while_stationed_years_min",
        "第三十四条",
        "年",
        "驻村工作满该年数以上、表现特别突出的,可在驻村期间提拔",
    ),
    _spec(
        "unfit_stationed_days_below",
        "第三十五条(三)",
        "天",
        "全年驻村工作时间不足该天数的,年度考核为不称职",
    ),
    _spec(
        "unfit_absence_spell_over",
        "第三十五条(四)",
        "天",
        "无正当理由离村连续超过该天数的,年度考核为不称职",
    ),
    _spec(
        "unfit_absence_total_over",
        "第三十五条(四)",
        "天",
        "无正当理由离村一年内累计超过该天数的,年度考核为不称职",
    ),
    _spec(
        "unfit_refused_log_notices_min",
        "第三十五条(五)",
        "次",
        "未按规定及时准确记录工作日志并拒绝整改达该次数以上的,年度考核为不称职",
    ),
    _spec("promotion_ban_years", "第三十六条", "年", "被召回调整的驻村干部该年数内不得提拔使用"),
    _spec(
        "unit_recalls_for_criticism",
        "第三十七条",
        "人次",
        "参扶单位1年内被责令召回达该人次的,予以通报批评",
    ),
)

SPECS: dict[str, ParameterSpec] = {spec.key: spec for spec in CATALOGUE}


def coerce_value(spec: ParameterSpec, raw: object, *, where: str) -> object:
    """The value in the spec's type; ISO strings become dates. Wrong types raise PolicyError."""
    if spec.kind is date and isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise PolicyError(
                f"{where}:参数 {spec.key} 应为日期(YYYY-MM-DD),收到 {raw!r}"
            ) from None
    # bool is a subclass of int, but true/false is never a count of days.
    accepted = (list, tuple) if spec.kind is list else spec.kind
    if isinstance(raw, bool) or not isinstance(raw, accepted):
        raise PolicyError(
            f"{where}:参数 {spec.key}({spec.meaning})应为{KIND_NAMES[spec.kind]},收到 {raw!r}"
        )
    if spec.kind is list:
        return tuple(raw)
    return raw


def spec_for(key: str, *, where: str) -> ParameterSpec:
    try:
        return SPECS[key]
    except KeyError:
        raise PolicyError(f"{where}:未知参数 {key!r}") from None
