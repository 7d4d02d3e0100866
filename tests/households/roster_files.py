"""Building roster workbooks in memory for the import tests."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from zhucun.households.validation import COLUMNS

HEADERS = [c.header for c in COLUMNS]


def roster_row(code: str, village_code: str, **changes) -> list:
    values = {
        "code": code,
        "village_code": village_code,
        "head_name": "王建国",
        "attribute": "一般户",
        "main_cause": "01",
        "other_causes": "07、09",
        "status": "未脱贫",
        "exit_year": None,
        "members": 4,
        "income_per_head": 5600,
        "farmland_mu": 3.5,
        "housing_safe": "是",
        "schooling_ok": "是",
        "medical_insured": "是",
        "water_safe": "否",
        "causes_analysis": "户主患慢性病",
        "help_plan": "落实大病救助",
    }
    values.update(changes)
    return [values[c.key] for c in COLUMNS]


def roster_upload(rows, headers=HEADERS, name="花名册.xlsx") -> SimpleUploadedFile:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("贫困户花名册")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())
