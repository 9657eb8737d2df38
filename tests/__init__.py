"""The test suite as a package.

Test modules import as ``tests.<area>.<module>``, so ``tests/providers`` never
shadows the real ``providers`` package (nor ``tests/bot`` the ``bot`` package).
"""
