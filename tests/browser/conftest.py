"""Order of the browser tests that change the shared demo server's network.

test_cycle_browser.py admits a request into a new amendment of the demo's approved year and approves it; other
browser tests count that year's amendments ("dodatek č. 3"), so it runs after all of them.
"""

import pytest

LAST = ("test_cycle_browser.py",)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.path.name in LAST)  # stable: everything else keeps its order
