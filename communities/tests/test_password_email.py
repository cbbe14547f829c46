"""Reset by e-mail (issue 11): Django's pages in Chinese, the same answer whether or not an
address belongs to an account, at most five requests per network an hour; the new password
ends the API token and the lock-out."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from communities.models import User

PASSWORD = "pw-for-tests-123"
NEW = "My-own-pw-2022-x"
ADDRESS = "tongda.grid@example.cn"
A, B = "203.0.113.7", "198.51.100.9"

pytestmark = pytest.mark.usefixtures("own_cache")  # the rate limit counts in the cache


@pytest.fixture
def worker(world):
    """A grid worker with an e-mail address, an API token, a temporary password waiting to
    be changed and a lock-out at one address."""
    user = world["users"]["grid_worker"]
    User.objects.filter(pk=user.pk).update(email=ADDRESS, must_change_password=True)
    Token.objects.create(user=user)
    for _ in range(5):
        Client(REMOTE_ADDR=A).post(reverse("login"), {"username": user.username, "password": "x"})
    user.refresh_from_db()
    return user


def ask(email, address=A):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})


def the_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://\S+", message.body).group(0)


def test_the_sign_in_page_links_to_the_reset(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "忘记密码？" in html and reverse("password_reset") in html


def test_the_reset_pages_are_in_chinese(client, db):
    assert "请输入账号的电子邮箱" in client.get(reverse("password_reset")).content.decode()
    assert "请查收邮件" in client.get(reverse("password_reset_done")).content.decode()


def test_a_known_and_an_unknown_address_get_the_same_answer(worker):
    known, unknown = ask(ADDRESS), ask("nobody@example.cn", B)
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert "设置新密码" in message.subject
    assert worker.username in message.body and "一小时内" in message.body


def test_an_inactive_account_gets_no_mail(worker):
    User.objects.filter(pk=worker.pk).update(is_active=False)
    assert ask(ADDRESS).url == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_link_sets_a_new_password_and_ends_token_lock_out_and_temporary_password(worker):
    ask(ADDRESS)
    client = Client()
    form = client.get(the_link(), follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response.url == reverse("password_reset_complete")
    worker.refresh_from_db()
    assert worker.check_password(NEW) and not worker.must_change_password
    assert not Token.objects.filter(user=worker).exists()
    assert not AccessAttempt.objects.filter(username=worker.username).exists()
    (entry,) = LogEntry.objects.filter(object_id=str(worker.pk))
    assert entry.user == worker and entry.get_change_message() == "已修改密码（通过邮件重置）。"
    # signs in at once, from the address that was locked, and goes straight on
    signed_in = Client(REMOTE_ADDR=A)
    assert (
        signed_in.post(reverse("login"), {"username": worker.username, "password": NEW}).url == "/"
    )
    assert signed_in.get("/").status_code == 200


def test_a_weak_password_is_refused_in_chinese_and_nothing_changes(worker):
    ask(ADDRESS)
    client = Client()
    form = client.get(the_link(), follow=True)
    weak = worker.username * 2
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": weak, "new_password2": weak}
    )
    assert "密码不能包含用户名。" in response.content.decode()
    worker.refresh_from_db()
    assert worker.check_password(PASSWORD)
    assert Token.objects.filter(user=worker).exists()
    assert not LogEntry.objects.exists()


def test_the_link_works_once(worker):
    ask(ADDRESS)
    link = the_link()
    client = Client()
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "此链接已失效" in again.content.decode()


def test_the_link_goes_to_the_public_address_when_it_is_set(settings, worker):
    settings.PUBLIC_BASE_URL = "https://grid.example.cn"
    ask(ADDRESS)
    assert the_link().startswith("https://grid.example.cn/accounts/password/reset/")


def test_five_requests_per_network_an_hour_known_or_not(worker):
    for n in range(5):
        assert ask(f"someone{n}@example.cn").status_code == 302
    refused = ask(ADDRESS)
    assert refused.status_code == 429
    assert "同一网络每小时最多可申请5次重置邮件" in refused.content.decode()
    assert mail.outbox == []
    assert ask(ADDRESS, B).status_code == 302  # another network
    assert len(mail.outbox) == 1


def test_a_malformed_address_is_refused_in_chinese_and_not_counted(db):
    for _ in range(6):
        response = ask("not-an-address")
        assert response.status_code == 200
    assert "请输入合法的邮件地址。" in response.content.decode()
    assert ask("someone@example.cn").status_code == 302
