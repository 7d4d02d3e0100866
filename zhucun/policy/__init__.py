"""The rules of 《西安市驻村联户工作管理细则》(2018) as pure Python.

Plain data in, `Check`s and `Finding`s out, every one citing its article.
No Django, no database, no clock: every function takes its dates as
arguments. See docs/policy.md for the public API and the CLI
(`python -m zhucun.policy`).
"""
