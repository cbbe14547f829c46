"""The hotels' kind of file for the one import path (transfers): a hotel's rooms (a list
of a few hundred rooms is set up at once). Each row: a hotel of the user's districts by
its name (with its district where two share it), a floor, a room number not yet in the
hotel nor twice in the file. Nothing is written until the author stores a file without
problems, all rows at once."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transfers.registry import ImportKind, Problem, register_import

from . import access
from .models import Room


def rooms_check(user, rows: list[dict]):
    by_name = defaultdict(list)
    for hotel in access.hotels_for(user).select_related("district"):
        by_name[hotel.name].append(hotel)
    taken = set(access.rooms_for(user).values_list("hotel_id", "number"))
    problems, plan, seen = [], [], {}
    for row in rows:
        number, before = row["row"], len(problems)
        name = str(row.get("hotel") or "").strip()
        district = str(row.get("district") or "").strip()
        hotels = [h for h in by_name.get(name, []) if not district or h.district.name == district]
        if not hotels:
            message = _("No hotel of yours has this name.")
            problems.append(Problem(number, "hotel", name, message))
        elif len(hotels) > 1:
            message = _("Hotels of two districts have this name: give the district.")
            problems.append(Problem(number, "hotel", name, message))
        text = str(row.get("floor") or "").strip().removesuffix(".0")
        floor = int(text) if text.lstrip("-").isdigit() and -5 <= int(text) <= 200 else None
        if floor is None:
            message = _("The floor is a whole number from -5 to 200.")
            problems.append(Problem(number, "floor", row.get("floor", ""), message))
        room = str(row.get("number") or "").strip().removesuffix(".0")
        if not room or len(room) > 10:
            message = _("The room number is required, at most 10 characters.")
            problems.append(Problem(number, "number", row.get("number", ""), message))
        if len(problems) > before:
            continue
        hotel = hotels[0]
        key = (hotel.pk, room)
        if key in seen:
            message = _("Repeats row %(row)s.") % {"row": seen[key]}
            problems.append(Problem(number, "", "", message))
            continue
        seen[key] = number
        if key in taken:
            message = _("This room is already in the hotel.")
            problems.append(Problem(number, "number", room, message))
            continue
        plan.append(Room(hotel=hotel, floor=floor, number=room))
    return problems, plan


def rooms_store(user, plan) -> int:
    Room.objects.bulk_create(plan, batch_size=1000)
    return len(plan)


register_import(
    ImportKind(
        name="hotel-rooms",
        title=gettext_lazy("Rooms of quarantine hotels"),
        columns=("hotel", "floor", "number"),
        optional=("district",),
        headings={
            "hotel": ("酒店", "隔离酒店", "酒店名称"),
            "district": ("区", "区县"),
            "floor": ("楼层",),
            "number": ("房间号", "房号"),
        },
        check=rooms_check,
        store=rooms_store,
        allowed=access.can_manage_hotels,
        example={"hotel": "小店区集中隔离点·锦江之星（长风街店）", "floor": "3", "number": "301"},
        help=gettext_lazy("One row a room; a room already in its hotel is refused."),
        describe=lambda plan: _("%(n)s rooms") % {"n": len(plan)},
    )
)
