"""Who may do what in the back office: the roles, their permissions and their names. A
rule of the domain, so services decide with it without knowing any page. Every back-office
route names the permission it needs (tests/integration/test_access.py walks the URL map and
fails on a route without one).
"""

from enum import StrEnum


class Role(StrEnum):
    MANAGER = "manager"  # the complaints manager: everything
    TEAM_MEMBER = "team_member"  # the cases of their own team
    AUDITOR = "auditor"  # read-only, and the reports


class Permission(StrEnum):
    """What a route or a use case needs. A case's audit trail is part of the case: whoever
    may see the case sees who looked at it and what they changed (VIEW_CASES), and no page
    shows the trail of more than one case, so it needs no permission of its own."""

    VIEW_CASES = "view_cases"
    WORK_CASES = "work_cases"  # change a case: triage, stages, outcomes; draft letters
    APPROVE_LETTERS = "approve_letters"  # approve and send a response letter
    SEE_ALL_TEAMS = "see_all_teams"
    MANAGE_TEAMS = "manage_teams"  # teams, routing rules, categories
    VIEW_REPORTS = "view_reports"
    EDIT_REPORTS = "edit_reports"  # the report's context figures and other councils'
    MANAGE_RECORDS = "manage_records"  # legal holds; what is kept and for how long
    MANAGE_STAFF = "manage_staff"  # staff accounts: roles, teams, disabling a leaver


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MANAGER: frozenset(Permission),
    Role.TEAM_MEMBER: frozenset({Permission.VIEW_CASES, Permission.WORK_CASES}),
    Role.AUDITOR: frozenset(
        {
            Permission.VIEW_CASES,
            Permission.SEE_ALL_TEAMS,
            Permission.VIEW_REPORTS,
        }
    ),
}

ROLE_NAMES = {
    Role.MANAGER: "Complaints manager",
    Role.TEAM_MEMBER: "Team member",
    Role.AUDITOR: "Auditor",
}


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
