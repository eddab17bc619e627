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
    # A child's advocate (the advocacy provider's, or another organisation's): the cases
    # they filed or are named on, nothing of the back office's (docs/advocates.md).
    ADVOCATE = "advocate"
    # The commissioned advocacy provider's manager (an account in the provider's team):
    # its referral queue and nothing of the council's (docs/advocacy-provider.md).
    PROVIDER_MANAGER = "provider_manager"


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
    # "Who has looked for this case?": every search that found it and every view of it.
    SEE_WHO_LOOKED = "see_who_looked"
    # Signing out, "Your account", the password and the second factor, "Stay signed in":
    # everyone signed in.
    USE_ACCOUNT = "use_account"
    # An advocate's own pages: the cases they filed or are named on (services/advocates.py
    # says which), never the queue or anyone else's case.
    ACT_AS_ADVOCATE = "act_as_advocate"
    # The advocacy provider's own referrals: the queue, accept or decline, name the
    # advocate, contacts and visits, close. Never a council role's: the council sees a
    # referral on the case page (VIEW_CASES).
    WORK_REFERRALS = "work_referrals"


# What the council's staff may do: not an advocate's pages, not the provider's referrals.
STAFF_PERMISSIONS = frozenset(Permission) - {
    Permission.ACT_AS_ADVOCATE,
    Permission.WORK_REFERRALS,
}


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.MANAGER: STAFF_PERMISSIONS,
    Role.TEAM_MEMBER: frozenset(
        {Permission.VIEW_CASES, Permission.WORK_CASES, Permission.USE_ACCOUNT}
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.USE_ACCOUNT,
            Permission.VIEW_CASES,
            Permission.SEE_ALL_TEAMS,
            Permission.VIEW_REPORTS,
            Permission.SEE_WHO_LOOKED,
        }
    ),
    Role.ADVOCATE: frozenset({Permission.USE_ACCOUNT, Permission.ACT_AS_ADVOCATE}),
    Role.PROVIDER_MANAGER: frozenset({Permission.WORK_REFERRALS, Permission.USE_ACCOUNT}),
}

ROLE_NAMES = {
    Role.MANAGER: "Complaints manager",
    Role.TEAM_MEMBER: "Team member",
    Role.AUDITOR: "Auditor",
    Role.ADVOCATE: "Advocate",
    Role.PROVIDER_MANAGER: "Advocacy provider's manager",
}


def is_advocate(role: str) -> bool:
    """Whether an account's role (as stored) is an advocate's: those the provider names."""
    return role == Role.ADVOCATE.value


def can(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
