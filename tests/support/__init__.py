"""Shared set-up of the tests (no tests here): worlds to test in, real mail and robot servers,
roster workbooks, waiting helpers. Not collected: no module here is named test_*."""
