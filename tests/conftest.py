from shops.tests.conftest import world  # noqa: F401  (communities' world and its shops)
