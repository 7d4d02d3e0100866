from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for
from zhucun.errors import ServiceError
from zhucun.exports.views import request_export
from zhucun.exports.xlsx import XLSX, xlsx_response
from zhucun.households import roster, selectors, services
from zhucun.households.codes import Attribute, Cause, Status
from zhucun.households.models import Household
from zhucun.households.validation import COLUMNS, EDITABLE

HOUSEHOLD_VIEWERS = (
    Role.CITY,
    Role.COUNTY,
    Role.TOWN,
    Role.UNIT,
    Role.TEAM_LEADER,
    Role.HOUSEHOLD_CADRE,
)
# 第十三条: the household cadre keeps the record; the offices and the team maintain it too.
HOUSEHOLD_EDITORS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.TEAM_LEADER, Role.HOUSEHOLD_CADRE)
ROSTER_IMPORTERS = (Role.CITY, Role.COUNTY, Role.TOWN)


def _may(user, roles) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & set(roles))


@allow(*HOUSEHOLD_VIEWERS)
def household_list(request):
    filters = selectors.HouseholdFilters.from_query(request.GET)
    households = selectors.households_for(request.user, filters)
    page = Paginator(households, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "households/household_list.html",
        {
            "page": page,
            "filters": filters,
            "query": filters.as_query(),
            "villages": selectors.villages_for(request.user),
            "statuses": Status.choices,
            "causes": Cause.choices,
            "can_import": _may(request.user, ROSTER_IMPORTERS),
        },
    )


@allow(*HOUSEHOLD_VIEWERS)
@require_http_methods(["GET", "POST"])
def household_export(request):
    """The list's rows as .xlsx, built in the background (zhucun.exports): a county's
    tens of thousands of rows take seconds to write, more than a page may take."""
    filters = selectors.HouseholdFilters.from_query(request.GET)
    described = []  # what the GET page shows; the POST only queues the job
    if filters.village and request.method == "GET":
        village = selectors.villages_for(request.user).filter(pk=filters.village).first()
        described.append(("村", f"{village['town__name']}{village['name']}" if village else "—"))
    if filters.status:
        described.append(("脱贫状态", Status(filters.status).label))
    if filters.cause:
        described.append(("主要致贫原因", f"{filters.cause} {Cause(filters.cause).label}"))
    if filters.q:
        described.append(("户编号或户主", filters.q))
    return request_export(
        request,
        kind="households",
        parameters=filters.as_query(),
        described=described,
        back=reverse("households:household_list"),
    )


@allow(*HOUSEHOLD_VIEWERS)
def household_detail(request, pk):
    household = get_scoped_or_404(request.user, Household, pk)
    household = Household.objects.select_related("village__town").get(pk=household.pk)
    pairings = household.pairings.select_related("cadre__unit").order_by("-start")
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "pairings": pairings,
            "can_edit": _may(request.user, HOUSEHOLD_EDITORS),
            "can_change_pairing": _may(request.user, PAIRING_CHANGERS),
            "changes": household.pairing_changes.select_related(
                "old_pairing__cadre", "new_pairing__cadre", "by_unit", "by_office"
            ),
            "other_cause_labels": [Cause(c).label for c in household.other_causes],
        },
    )


def _form_values(household) -> dict:
    values = {}
    for key in EDITABLE:
        value = getattr(household, key)
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif key == "other_causes":
            value = "、".join(value)
        values[key] = "" if value is None else value
    return values


@allow(*HOUSEHOLD_EDITORS)
@require_http_methods(["GET", "POST"])
def household_edit(request, pk):
    household = get_scoped_or_404(request.user, Household, pk)
    errors, values = {}, _form_values(household)
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in EDITABLE}
        if "other_causes" in request.POST:
            values["other_causes"] = "、".join(request.POST.getlist("other_causes"))
        try:
            services.household_update(actor=request.user, household=household, data=values)
        except services.FieldErrors as exc:
            errors = exc.errors
        else:
            messages.success(request, f"{household}的档案已保存。")
            return redirect("households:household_detail", household.pk)
    columns = {c.key: c for c in COLUMNS}
    options = {
        "attribute": Attribute.choices,
        "main_cause": [(code, f"{code} {label}") for code, label in Cause.choices],
        "status": Status.choices,
    }
    fields = [
        {
            "key": key,
            "column": columns[key],
            "value": str(values.get(key, "")),
            "error": errors.get(key),
            "options": options.get(key),
            "multiline": key in ("causes_analysis", "help_plan"),
        }
        for key in EDITABLE
    ]
    return render(
        request,
        "households/household_edit.html",
        {"household": household, "fields": fields, "errors": errors},
    )


@allow(*ROSTER_IMPORTERS)
def roster_template(request):
    response = HttpResponse(roster.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E8%B4%AB%E5%9B%B0%E6%88%B7%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@allow(*ROSTER_IMPORTERS)
@require_http_methods(["GET", "POST"])
def roster_import(request):
    context = {"columns": COLUMNS}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "请选择要上传的 .xlsx 文件(文件:必填)"
        else:
            try:
                count = services.roster_import(actor=request.user, upload=upload)
            except services.RosterRejected as exc:
                context["error"] = exc.message
                context["cell_errors"] = exc.cell_errors
            except ServiceError as exc:
                context["error"] = exc.message
            else:
                messages.success(request, f"已导入{count}户。")
                return redirect("households:household_list")
    return render(request, "households/roster_import.html", context)


PAIRING_VIEWERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER)
PAIRING_CHANGERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT)


@allow(*PAIRING_VIEWERS)
def pairing_review(request):
    """第九条 checks for every household in scope, and each cadre's load."""
    from django.utils.safestring import mark_safe

    from zhucun.households.review_rows import failure_rows, load_rows

    review = selectors.pairing_review(request.user, shown=500)
    # Every cadre's load in one read (a county has a few thousand cadres at S=1): the
    # paginator's count and page of the queryset were two aggregates of the county.
    loads = Paginator(list(selectors.cadre_loads(request.user)), 100)
    page = loads.get_page(request.GET.get("page"))
    return render(
        request,
        "households/pairing_review.html",
        {
            "checked": review.checked,
            "failed_rows": mark_safe(failure_rows(review.failed)),
            "failed_count": review.failed_count,
            "page": page,
            "load_rows": mark_safe(load_rows(page.object_list)),
        },
    )


@allow(*PAIRING_CHANGERS)
@require_http_methods(["GET", "POST"])
def pairing_change(request, pk):
    from datetime import date

    from django.utils import timezone

    from zhucun.accounts.scope import scoped
    from zhucun.households.models import ChangeReason
    from zhucun.org.models import Cadre

    household = get_scoped_or_404(request.user, Household, pk)
    current = household.pairings.filter(end__isnull=True).select_related("cadre__unit").first()
    error, values = None, {}
    if request.method == "POST":
        values = request.POST
        try:
            day = date.fromisoformat(values.get("day", ""))
        except ValueError:
            day = None
        try:
            services.pairing_change(
                actor=request.user,
                household=household,
                cadre_id=values.get("cadre"),
                reason=values.get("reason", ""),
                detail=values.get("detail", ""),
                day=day,
                today=timezone.localdate(),
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, f"{household}的联户干部已调整,并向区县、镇(街办)和村备案。")
            return redirect("households:household_detail", household.pk)
    candidates = (
        scoped(request.user, Cadre.objects.all())
        .select_related("unit")
        .order_by("unit__name", "name")[:500]
    )
    reasons = [
        (c, label) for c, label in ChangeReason.choices if (c == "initial") == (current is None)
    ]
    return render(
        request,
        "households/pairing_change.html",
        {
            "household": household,
            "current": current,
            "candidates": candidates,
            "reasons": reasons,
            "error": error,
            "values": values,
        },
    )


def _parse_day(text):
    from datetime import date

    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@allow(Role.HOUSEHOLD_CADRE)
def my_households(request):
    """The household cadre's own households, with this week's contacts and this month's visits."""
    from datetime import timedelta

    from django.db.models import Count, Q
    from django.utils import timezone

    from zhucun.accounts.scope import scope_for

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    cadre_id = scope_for(request.user).cadre_id
    households = (
        Household.objects.filter(pairings__cadre_id=cadre_id, pairings__end__isnull=True)
        .select_related("village__town")
        .annotate(
            week_contacts=Count(
                "contacts", filter=Q(contacts__day__gte=monday, contacts__day__lte=today)
            ),
            month_visits=Count(
                "contacts",
                filter=Q(
                    contacts__day__gte=first, contacts__day__lte=today, contacts__kind="visit"
                ),
            ),
        )
        .order_by("code")
    )
    return render(
        request,
        "households/my_households.html",
        {"households": households, "monday": monday, "today": today},
    )


@allow(Role.HOUSEHOLD_CADRE)
@require_http_methods(["GET", "POST"])
def contact_new(request, pk):
    from django.utils import timezone

    from zhucun.households.models import Channel

    household = get_scoped_or_404(request.user, Household, pk)
    today = timezone.localdate()
    error, values = None, {"day": today.isoformat(), "channel": request.GET.get("channel", "phone")}
    if request.method == "POST":
        values = request.POST
        channel = values.get("channel", "")
        try:
            services.contact_record(
                actor=request.user,
                household=household,
                day=_parse_day(values.get("day")),
                kind="visit" if channel == Channel.HOME else "inquiry",
                channel=channel,
                learned=values.get("learned", ""),
                problems=values.get("problems", ""),
                help_given=values.get("help_given", ""),
                escalated=values.get("escalated", ""),
                today=today,
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, f"已记入{household}的纪实资料簿。")
            return redirect("households:my_households")
    return render(
        request,
        "households/contact_new.html",
        {
            "household": household,
            "channels": Channel.choices,
            "error": error,
            "values": values,
            "today": today,
        },
    )


BOOK_READERS = HOUSEHOLD_VIEWERS


def _book(household):
    contacts = household.contacts.select_related("cadre").order_by("day", "pk")
    checks = household.book_checks.select_related("checker").order_by("day", "pk")
    return contacts, checks


@allow(*BOOK_READERS)
@require_http_methods(["GET", "POST"])
def record_book(request, pk):
    """纪实资料簿 (第二十一条): every contact in date order, and the checks of the book."""
    from django.utils import timezone

    household = get_scoped_or_404(request.user, Household, pk)
    household = Household.objects.select_related("village__town").get(pk=household.pk)
    error = None
    scope = scope_for(request.user)
    may_check = bool(scope.town_ids or scope.led_team_ids)
    if request.method == "POST":
        try:
            services.book_check_record(
                actor=request.user,
                household=household,
                day=_parse_day(request.POST.get("day")),
                remark=request.POST.get("remark", ""),
                today=timezone.localdate(),
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, "检查记录已登记。")
            return redirect("households:record_book", household.pk)
    contacts, checks = _book(household)
    return render(
        request,
        "households/record_book.html",
        {
            "household": household,
            "contacts": contacts,
            "checks": checks,
            "error": error,
            "may_check": may_check,
            "today": timezone.localdate(),
        },
    )


@allow(*BOOK_READERS)
def record_book_export(request, pk):
    """The record book as one chronological sheet: contacts and the checks of the book."""
    household = get_scoped_or_404(request.user, Household, pk)
    contacts, checks = _book(household)
    headers = [
        "日期",
        "类别",
        "方式/检查方",
        "联户干部/检查人",
        "了解情况/检查意见",
        "存在问题",
        "帮扶措施",
        "报村两委和工作队的问题",
    ]
    entries = [
        (
            c.day,
            0,
            c.pk,
            (
                "帮扶记录",
                c.get_channel_display(),
                c.cadre.name,
                c.learned,
                c.problems,
                c.help_given,
                c.escalated,
            ),
        )
        for c in contacts
    ]
    entries += [
        (c.day, 1, c.pk, ("检查记录", c.get_by_display(), str(c.checker), c.remark, "", "", ""))
        for c in checks
    ]
    rows = [(day, *values) for day, _order, _pk, values in sorted(entries, key=lambda e: e[:3])]
    return xlsx_response(
        request=request,
        title=f"纪实资料簿-{household.code}",
        headers=headers,
        rows=rows,
        filters={"household": household.code},
        personal=True,
    )


COMPLIANCE_VIEWERS = (*PAIRING_VIEWERS, Role.HOUSEHOLD_CADRE)


@allow(*COMPLIANCE_VIEWERS)
def contact_compliance(request):
    """第二十条 for a month: missed weeks and months per cadre and per household."""
    from datetime import date, timedelta

    from django.utils import timezone
    from django.utils.safestring import mark_safe

    from zhucun.households.finding_rows import cadre_rows, finding_rows
    from zhucun.households.findings_list import findings_list
    from zhucun.policy.periods import month_end

    today = timezone.localdate()
    try:
        first = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    last = min(month_end(first), today - timedelta(days=1))
    # Counted by the database, only the shown findings judged in Python (findings_list.py).
    result = findings_list(request.user, since=first, until=max(first, last), today=today)
    labels = {
        pk: f"{name}户({code})"
        for pk, name, code in Household.objects.filter(
            pk__in={int(c.subject.split(":")[1]) for c in result.checks}
        ).values_list("pk", "head_name", "code")
    }
    return render(
        request,
        "households/contact_compliance.html",
        {
            "result": result,
            "cadre_rows": mark_safe(cadre_rows(result.cadres)),
            "finding_rows": mark_safe(finding_rows(result.checks, labels)),
            "month": first.strftime("%Y-%m"),
            "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
            "next": (month_end(first) + timedelta(days=1)).strftime("%Y-%m")
            if month_end(first) < today
            else "",
        },
    )
