import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from communities.models import Jurisdiction, PersonalDataView, User

from .factories import JurisdictionFactory, ResidentFactory, UserFactory, tree

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree():
    nodes = tree()
    assert nodes["city"].path == f"/{nodes['city'].pk}/"
    assert nodes["grid_a"].path.startswith(nodes["community"].path)
    assert nodes["grid_a"].ancestor_ids == [
        nodes[k].pk for k in ("city", "district", "street", "community")
    ]


def test_moving_a_node_moves_its_subtree():
    nodes = tree()
    other_street = JurisdictionFactory(name="坞城街道", level="street", parent=nodes["district"])
    community = nodes["community"]
    community.parent = other_street
    community.save()
    nodes["grid_a"].refresh_from_db()
    assert nodes["grid_a"].path == f"{other_street.path}{community.pk}/{nodes['grid_a'].pk}/"


def test_a_grid_must_sit_under_a_community():
    nodes = tree()
    grid = Jurisdiction(name="错位网格", level="grid", parent=nodes["street"])
    with pytest.raises(ValidationError) as caught:
        grid.full_clean()
    assert "parent" in caught.value.message_dict


def test_a_node_cannot_move_under_its_own_subtree():
    nodes = tree()
    street = nodes["street"]
    street.parent = nodes["community"]
    with pytest.raises(ValidationError):
        street.clean()


def test_only_a_city_may_be_a_root():
    with pytest.raises(IntegrityError):
        Jurisdiction.objects.create(name="孤立区", level="district", parent=None)


def test_role_must_match_the_level_of_its_node():
    nodes = tree()
    user = UserFactory.build(role=User.Role.STREET_SUPERVISOR, jurisdiction=nodes["community"])
    with pytest.raises(ValidationError) as caught:
        user.clean()
    assert "jurisdiction" in caught.value.message_dict


def test_a_resident_with_a_bad_id_number_is_refused():
    nodes = tree()
    resident = ResidentFactory.build(grid=nodes["grid_a"], id_number="110105194912310021")
    with pytest.raises(ValidationError) as caught:
        resident.full_clean()
    assert "id_number" in caught.value.message_dict


def test_id_numbers_are_unique():
    nodes = tree()
    first = ResidentFactory(grid=nodes["grid_a"])
    with pytest.raises(IntegrityError):
        ResidentFactory(grid=nodes["grid_b"], id_number=first.id_number)


def test_a_personal_data_view_names_what_was_seen():
    user = UserFactory(role=User.Role.CITY_OFFICE, jurisdiction=tree()["city"])
    with pytest.raises(IntegrityError):
        PersonalDataView.objects.create(user=user)
