"""Tools for rule files behind ``cleaner rules``: lint, test, which, import-ftr, suggest.

The rule engine itself lives in :mod:`cleaner.ruleset`; these modules only read rule files,
run them through the real pipeline and write new ones.
"""
