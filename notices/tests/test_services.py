"""Creating and sending: a dedupe key makes a second creation a no-op, the claim makes a
second send a no-op, a failing channel is retried with backoff and then shows as failed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notices import sending, services, texts
from notices.models import Notice

from .factories import inapp

State, Channel, Kind = Notice.State, Notice.Channel, Notice.Kind


class FailingBackend:
    """An SMS gateway that is down."""

    def send(self, *, phone, text):
        raise ConnectionError("gateway unreachable")


def sms(phone="13800000001", key="test-due:1:2022-03-29:sms:13800000001", **fields):
    notice, _ = services.notice_create(
        kind=Kind.TEST_DUE_TOMORROW,
        text="【太原市疫情防控】您的核酸检测应于明天完成。",
        channel=Channel.SMS,
        phone=phone,
        dedupe_key=key,
        **fields,
    )
    return notice


def test_a_second_creation_with_the_same_dedupe_key_is_a_no_op(db):
    first, created = services.notice_create(
        kind=Kind.TEST_DUE_TOMORROW,
        text="a",
        channel=Channel.SMS,
        phone="13800000001",
        dedupe_key="test-due:1:2022-03-29:sms:13800000001",
    )
    again, created_again = services.notice_create(
        kind=Kind.TEST_DUE_TOMORROW,
        text="b",
        channel=Channel.SMS,
        phone="13800000001",
        dedupe_key="test-due:1:2022-03-29:sms:13800000001",
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.text == "a"
    assert Notice.objects.count() == 1


def test_bulk_creation_stores_only_new_keys_and_counts_them(db):
    def make(key):
        return Notice(
            kind=Kind.ANOMALY, channel=Channel.SMS, phone="13800000001", text=key, dedupe_key=key
        )

    assert services.notices_create(notices=[make("a"), make("b"), make("a")]) == 2
    assert services.notices_create(notices=[make("a"), make("b"), make("c")]) == 1
    assert sorted(Notice.objects.values_list("dedupe_key", flat=True)) == ["a", "b", "c"]


def test_two_sends_of_one_notice_send_it_once(db, sms_file):
    notice = sms()
    assert sending.notice_send(notice_id=notice.pk) is True
    assert sending.notice_send(notice_id=notice.pk) is False
    assert [m["phone"] for m in sms_file()] == ["13800000001"]
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (State.SENT, 1)
    assert notice.sent_at is not None


def test_a_notice_claimed_by_another_worker_is_not_sent(db, sms_file):
    notice = sms()
    Notice.objects.filter(pk=notice.pk).update(state=State.SENDING)
    assert sending.notice_send(notice_id=notice.pk) is False
    assert sms_file() == []


def test_a_failing_gateway_is_retried_after_1_2_4_8_minutes_then_failed(db, settings):
    settings.SMS_BACKEND = "notices.tests.test_services.FailingBackend"
    notice = sms()
    for attempt, minutes in enumerate([1, 2, 4, 8], start=1):
        before = timezone.now()
        assert sending.notice_send(notice_id=notice.pk) is False
        notice.refresh_from_db()
        assert (notice.state, notice.attempts) == (State.PENDING, attempt)
        assert before + timedelta(minutes=minutes) <= notice.next_attempt_at
        assert notice.next_attempt_at <= timezone.now() + timedelta(minutes=minutes)
        assert "gateway unreachable" in notice.last_error
    sending.notice_send(notice_id=notice.pk)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.sent_at) == (State.FAILED, 5, None)
    assert sending.notice_send(notice_id=notice.pk) is False  # failed stays failed


def test_a_retry_that_succeeds_is_sent(db, settings, sms_file):
    settings.SMS_BACKEND = "notices.tests.test_services.FailingBackend"
    notice = sms()
    sending.notice_send(notice_id=notice.pk)
    settings.SMS_BACKEND = "portal.sms.backends.filebased.SmsBackend"
    assert sending.notice_send(notice_id=notice.pk) is True
    notice.refresh_from_db()
    assert (notice.state, notice.attempts, notice.last_error) == (State.SENT, 2, "")
    assert len(sms_file()) == 1


def test_email_goes_to_the_recipients_address(world, emails, mailoutbox):
    user = emails["district_office"]
    notice, _ = services.notice_create(
        kind=Kind.APPEAL_20H,
        text="申诉仍未办结",
        channel=Channel.EMAIL,
        recipient=user,
        dedupe_key=f"appeal-20h:1:email:{user.pk}",
    )
    assert sending.notice_send(notice_id=notice.pk) is True
    (mail,) = mailoutbox
    assert mail.to == ["district_office@example.gov.cn"] and mail.body == "申诉仍未办结"
    assert mail.subject == texts.email_subject(Kind.APPEAL_20H)


def test_a_user_without_email_fails_at_once_with_the_reason(world, mailoutbox):
    user = world["users"]["district_office"]
    notice, _ = services.notice_create(
        kind=Kind.APPEAL_20H,
        text="x",
        channel=Channel.EMAIL,
        recipient=user,
        dedupe_key=f"appeal-20h:1:email:{user.pk}",
    )
    assert sending.notice_send(notice_id=notice.pk) is False
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (State.FAILED, 1)
    assert notice.last_error and mailoutbox == []


def test_an_in_app_notice_is_sent_by_marking_it(world, sms_file, mailoutbox):
    user = world["users"]["street_supervisor"]
    notice = inapp(user, state=State.PENDING)
    assert sending.notice_send(notice_id=notice.pk) is True
    notice.refresh_from_db()
    assert notice.state == State.SENT and sms_file() == [] and mailoutbox == []


def test_dispatch_takes_due_notices_in_batches_and_hides_them_while_queued(db):
    due = [sms(phone=f"1380000000{n}", key=f"k{n}") for n in range(3)]
    later = sms(phone="13800000009", key="later")
    now = timezone.now()
    Notice.objects.filter(pk=later.pk).update(next_attempt_at=now + timedelta(minutes=3))
    ids, more = sending.notices_due_claim(now=now, limit=2)
    assert (ids, more) == ([due[0].pk, due[1].pk], True)
    assert sending.notices_due_claim(now=now, limit=2) == ([due[2].pk], False)
    assert sending.notices_due_claim(now=now, limit=2) == ([], False)
    # A send task lost in the queue: its notice is taken again once the lease lapses.
    lapsed = now + sending.QUEUED_LEASE + timedelta(seconds=1)
    ids, _ = sending.notices_due_claim(now=lapsed, limit=10)
    assert set(ids) == {n.pk for n in [*due, later]}


def test_a_send_whose_worker_died_counts_as_a_failed_attempt(db):
    notice = sms()
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk).update(state=State.SENDING, next_attempt_at=now)
    assert sending.notices_due_claim(now=now) == ([], False)
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (State.PENDING, 1)
    assert notice.next_attempt_at == now + timedelta(minutes=1) and notice.last_error
    Notice.objects.filter(pk=notice.pk).update(state=State.SENDING, attempts=4)
    sending.notices_due_claim(now=now + timedelta(hours=1))
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (State.FAILED, 5)


def test_failed_notices_get_five_new_attempts_from_the_admin(db):
    notice = sms()
    Notice.objects.filter(pk=notice.pk).update(state=State.FAILED, attempts=5)
    assert services.notices_retry(ids=[notice.pk]) == 1
    notice.refresh_from_db()
    assert (notice.state, notice.attempts) == (State.PENDING, 0)


@pytest.mark.parametrize("one", [True, False])
def test_marking_read_touches_only_the_users_own_notices(world, one):
    users = world["users"]
    mine = [inapp(users["street_supervisor"], text=t) for t in ("a", "b")]
    theirs = inapp(users["outsider_supervisor"], text="c")
    count = services.notices_mark_read(
        user=users["street_supervisor"], pk=mine[0].pk if one else None
    )
    assert count == (1 if one else 2)
    assert services.notices_mark_read(user=users["street_supervisor"], pk=theirs.pk) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
