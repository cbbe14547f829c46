"""The password policy (issue 11): ten characters, not common, not all digits, not like
the user's name and not holding the username; refusals in Chinese, nothing stored."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from communities import demo
from communities.models import User

PASSWORD = "pw-for-tests-123"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("grid3grid3", "密码不能包含用户名。"),
        ("Grid3-2022!", "密码不能包含用户名。"),
        ("Tongda-22", "密码长度太短。密码必须包含至少 10 个字符。"),
        ("qwertyuiop", "这个密码太常见了。"),
        ("2022031520", "密码只包含数字。"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username="grid3"))
    assert message in refused.value.messages


@pytest.mark.parametrize("password", ["Tongda-grid-2022", "k7pm-3qzt-w9hd"])
def test_a_good_password_passes(password):
    validate_password(password, User(username="grid3"))


def change(client, new):
    return client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


def test_the_change_page_refuses_the_username_twice_in_chinese_and_keeps_the_password(
    client, world
):
    user = world["users"]["grid_worker"]
    client.force_login(user)
    response = change(client, user.username * 2)
    assert response.status_code == 200
    assert "密码不能包含用户名。" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_change_page_states_the_policy_in_chinese(client, world):
    client.force_login(world["users"]["grid_worker"])
    html = client.get(reverse("password_change")).content.decode()
    for text in (
        "你的密码必须包含至少 10 个字符。",
        "你的密码不能是一个常见密码。",
        "你的密码不能全都是数字。",
        "你的密码不能包含用户名。",
    ):
        assert text in html


def test_the_short_password_refusal_shows_in_chinese_on_the_page(client, world):
    client.force_login(world["users"]["grid_worker"])
    html = change(client, "Tongda-22").content.decode()
    assert "密码长度太短。密码必须包含至少 10 个字符。" in html


@pytest.mark.django_db
def test_the_demo_logins_still_work():
    """The demo password is set by seed_demo, not chosen on a form: the policy does not
    touch it, and every login that `make run` prints signs in."""
    call_command("seed_demo", force=True, residents=10, shops=0)
    for username, *_rest in demo.DEMO_USERS:
        client = Client()
        response = client.post(
            reverse("login"), {"username": username, "password": demo.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
