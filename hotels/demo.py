"""The demo's quarantine hotels (seed_demo): in 小店区 two hotels in use, one accepted in
reserve and one on standby, with their rooms and a reserve target of 120 rooms; in 尖草坪区
one in use. The district's staff: one with a valid certificate (the demo login `hotel`),
one whose certificate expires in 10 days, one whose expired (taken off the roster), one
who failed the training. Yesterday's checklist of the first hotel complete, today's
begun; the second hotel's missing. Idempotent: a second run adds nothing."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from communities.models import Jurisdiction, User

from . import rules, selectors, services
from .models import Checklist, Hotel, Room, RosterEntry, StaffMember

HOTELS = [
    # district, name, address, state, floors, rooms a floor
    (
        "小店区",
        "小店区集中隔离点·锦江之星（长风街店）",
        "小店区长风街88号",
        Hotel.State.IN_USE,
        (2, 5),
        10,
    ),
    (
        "小店区",
        "小店区集中隔离点·如家（坞城路店）",
        "小店区坞城路156号",
        Hotel.State.IN_USE,
        (2, 4),
        10,
    ),
    (
        "小店区",
        "小店区储备隔离点·汉庭（亲贤街店）",
        "小店区亲贤街21号",
        Hotel.State.ACCEPTED,
        (2, 7),
        10,
    ),
    (
        "小店区",
        "小店区拟征用·格林豪泰（学府街店）",
        "小店区学府街102号",
        Hotel.State.STANDBY,
        (2, 3),
        10,
    ),
    (
        "尖草坪区",
        "尖草坪区集中隔离点·维也纳（柏杨树店）",
        "尖草坪区柏杨树街9号",
        Hotel.State.IN_USE,
        (2, 4),
        8,
    ),
]
TARGETS = {"小店区": 120, "尖草坪区": 40}


def _district(name: str) -> Jurisdiction | None:
    return Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT, name=name).first()


def demo_hotels_build(*, today: date) -> int:
    """The hotels, rooms, targets, staff, rosters and checklists; returns the hotels
    created (0 when the demo has them)."""
    created = 0
    for district_name, name, address, state, (low, high), per_floor in HOTELS:
        district = _district(district_name)
        if district is None or Hotel.objects.filter(district=district, name=name).exists():
            continue
        accepted = state != Hotel.State.STANDBY
        hotel = Hotel.objects.create(
            district=district,
            name=name,
            address=address,
            contact_name="王经理",
            contact_phone="13503510000",
            state=state,
            accepted_on=today - timedelta(days=20) if accepted else None,
            accepted_by="区卫健局 张检查员" if accepted else "",
        )
        Room.objects.bulk_create(
            Room(hotel=hotel, floor=floor, number=f"{floor}{n:02d}")
            for floor in range(low, high + 1)
            for n in range(1, per_floor + 1)
        )
        created += 1
    admin = User.objects.filter(username="admin").first()
    for district_name, rooms in TARGETS.items():
        district = _district(district_name)
        if district is not None:
            services.reserve_target_set(district=district, rooms=rooms, by=admin)
    if created:
        _staff(today)
        _checklists(today)
    selectors.occupancy_refresh(timezone.now() - timedelta(days=1))
    selectors.occupancy_refresh()
    return created


def _staff(today: date) -> None:
    district = _district("小店区")
    first = Hotel.objects.filter(district=district, state=Hotel.State.IN_USE).order_by("pk")
    hotel = first.first()
    login = User.objects.filter(username="hotel").first()
    people = [
        ("王丽", "护士", login, 200, True),
        ("李娟", "保洁", None, 10, True),
        ("赵强", "医生", None, None, False),
        ("钱军", "安保", None, -3, True),
    ]
    for number, (name, post, user, days_left, passed) in enumerate(people, start=1):
        member = StaffMember.objects.create(
            district=district, name=name, phone=f"1390351000{number}", post=post, user=user
        )
        member.trainings.create(
            course="集中隔离场所工作人员岗前培训",
            day=today - timedelta(days=200),
            trainer="尖草坪区疾控中心",
            passed=passed,
        )
        if days_left is None:
            continue
        member.certificates.create(
            number=f"XD-SGZ-2022-{number:04d}",
            issued=today - timedelta(days=190),
            valid_until=today + timedelta(days=days_left),
        )
        if rules.may_be_rostered(services.certificate_state_of(member, today)):
            services.roster_add(hotel=hotel, staff=member, by=None)
        else:  # on the roster until the certificate expired
            RosterEntry.objects.create(
                hotel=hotel,
                staff=member,
                since=today - timedelta(days=60),
                until=today + timedelta(days=days_left + 1),
                removed_reason="上岗证已过期",
            )


def _checklists(today: date) -> None:
    hotel = (
        Hotel.objects.filter(district__name="小店区", state=Hotel.State.IN_USE)
        .order_by("pk")
        .first()
    )
    by = User.objects.filter(username="hotel").first()
    yesterday = today - timedelta(days=1)
    zone = timezone.get_current_timezone()
    ticks = {
        item.key: {
            "at": datetime.combine(yesterday, item.due, tzinfo=zone).isoformat(),
            "by": by.pk if by else None,
        }
        for item in rules.ITEMS
    }
    Checklist.objects.create(
        hotel=hotel,
        day=yesterday,
        ticks=ticks,
        note="在隔离人员体温、症状正常，消毒、巡查按时完成。",
        completed_at=datetime.combine(yesterday, time(20, 40), tzinfo=zone),
    )
    Checklist.objects.create(
        hotel=hotel,
        day=today,
        ticks={"round_1": {"at": timezone.now().isoformat(), "by": by.pk if by else None}},
    )
