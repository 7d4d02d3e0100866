"""The policy package stays pure: no Django, no other zhucun module, standard library only."""

import ast
import sys
from pathlib import Path

import zhucun.policy

PACKAGE_DIR = Path(zhucun.policy.__file__).parent


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_policy_package_imports_only_itself_and_the_standard_library():
    offending = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top == "zhucun":
                allowed = module == "zhucun.policy" or module.startswith("zhucun.policy.")
            else:
                allowed = top in sys.stdlib_module_names
            if not allowed:
                offending.append((path.name, module))
    assert offending == []


def test_the_policy_package_has_no_clock():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("date.today(", "datetime.now(", "time.time(", "datetime.today("):
            assert forbidden not in text, f"{path.name} reads the clock: {forbidden}"
