"""The council's directory groups give a person their role and team in the portal
(portal/domain/directory.py, docs/oidc.md)."""

import pytest

from portal.domain.access import Role
from portal.domain.directory import (
    Access,
    NoAccess,
    access_from_groups,
    groups_in_claims,
    read_group_roles,
    read_password_roles,
)

ROLES = {
    "managers": Role.MANAGER,
    "officers": Role.TEAM_MEMBER,
    "auditors": Role.AUDITOR,
    "provider-managers": Role.PROVIDER_MANAGER,
}
TEAMS = {"team-lac": "Looked After Children", "team-fostering": "Fostering"}


def access(*groups: str) -> Access | NoAccess:
    return access_from_groups(groups, group_roles=ROLES, group_teams=TEAMS)


def test_an_officer_in_their_teams_group_is_a_team_member_of_that_team() -> None:
    assert access("everyone", "officers", "team-lac") == Access(
        Role.TEAM_MEMBER, "Looked After Children"
    )


def test_someone_in_no_mapped_group_has_no_access() -> None:
    assert access("everyone", "finance", "team-lac") is NoAccess.NO_MAPPED_GROUP
    assert access() is NoAccess.NO_MAPPED_GROUP


def test_a_role_that_works_a_teams_cases_without_a_team_has_no_access() -> None:
    assert access("officers") is NoAccess.NO_TEAM
    assert access("provider-managers") is NoAccess.NO_TEAM


def test_a_manager_or_an_auditor_needs_no_team_but_keeps_one_their_groups_name() -> None:
    assert access("managers") == Access(Role.MANAGER, None)
    assert access("auditors", "team-fostering") == Access(Role.AUDITOR, "Fostering")


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (("officers", "managers", "team-lac"), Role.MANAGER),
        (("auditors", "officers", "team-lac"), Role.TEAM_MEMBER),
        (("provider-managers", "auditors", "team-lac"), Role.AUDITOR),
    ],
)
def test_several_roles_give_the_one_that_can_do_most(groups: tuple[str, ...], role: Role) -> None:
    found = access(*groups)
    assert isinstance(found, Access) and found.role is role


def test_one_team_per_account_the_first_in_the_configurations_order() -> None:
    # Whatever order the provider lists the groups in.
    assert access("team-fostering", "officers", "team-lac") == Access(
        Role.TEAM_MEMBER, "Looked After Children"
    )


def test_a_configured_role_the_portal_does_not_have_is_refused_before_anyone_signs_in() -> None:
    with pytest.raises(ValueError, match="roles the portal does not have: admin, superuser"):
        read_group_roles({"a": "manager", "b": "admin", "c": "superuser"})
    assert read_group_roles({"a": "auditor"}) == {"a": Role.AUDITOR}


def test_only_people_outside_the_council_may_keep_a_password_beside_the_provider() -> None:
    assert read_password_roles(["advocate", "provider_manager"]) == {
        Role.ADVOCATE,
        Role.PROVIDER_MANAGER,
    }
    assert read_password_roles([]) == frozenset()
    with pytest.raises(ValueError, match="not: auditor, manager"):
        read_password_roles(["advocate", "manager", "auditor"])


def test_the_groups_are_read_from_the_configured_claim() -> None:
    assert groups_in_claims({"groups": ["a", "b"]}, "groups") == ["a", "b"]
    assert groups_in_claims({"roles": "a"}, "roles") == ["a"]
    assert groups_in_claims({"groups": ["a", 7, None]}, "groups") == ["a"]
    assert groups_in_claims({"sub": "x"}, "groups") == []


def test_entra_ids_group_overage_is_no_access_rather_than_no_groups() -> None:
    """Entra ID leaves the groups out of a token when a person is in over 200 of them,
    naming a Microsoft Graph source instead."""
    overage = {"_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "x"}}}
    assert groups_in_claims(overage, "groups") is NoAccess.TOO_MANY_GROUPS
