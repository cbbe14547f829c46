import re
from communities.tests.test_self_report import *  # noqa
def test_dbg(client, world):
    html = submit(client, world, address="").content.decode()
    i = html.find("invalid-feedback")
    print(html[i-300:i+300])
