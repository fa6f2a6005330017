"""What several test modules share and that is not a fixture: builders of real files, fillers of
real workspaces, readers of what was written, and the paths of the test data.

Test modules import from here (`from helpers.forms import fill`), never from one another: tests/
is on sys.path because tests/conftest.py sits there (pytest's default `prepend` import mode).
Fixtures live in conftest.py files, beside the tests that use them. Asserts in these modules are
rewritten by pytest like a test's (conftest registers the package)."""
