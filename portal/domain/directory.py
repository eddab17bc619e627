"""Staff signing in with the council's own accounts (OpenID Connect: Microsoft Entra ID
or another; docs/oidc.md): the groups the council's directory says a person is in decide
their role and team in the portal. The directory is the one source: what it says is
applied at every sign-in, and someone in no group the portal knows has no access.

Pure rules; services/directory.py applies them to accounts.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from portal.domain.access import Role

# When a person's groups give several roles, the first of these is theirs: the one that
# can do the most in the back office. A council's own roles come before the advocacy
# provider's, which a council's directory rarely holds.
ROLE_PRECEDENCE = (
    Role.MANAGER,
    Role.TEAM_MEMBER,
    Role.AUDITOR,
    Role.PROVIDER_MANAGER,
    Role.ADVOCATE,
)

# A team member works their team's cases, the provider's manager its referrals: neither
# can work without a team.
NEEDS_A_TEAM = frozenset({Role.TEAM_MEMBER, Role.PROVIDER_MANAGER})


@dataclass(frozen=True)
class Access:
    """What a person's groups give them: a role, and the team by its name (or none)."""

    role: Role
    team: str | None


class NoAccess(StrEnum):
    """Why a person's groups give them no access (each has its own page)."""

    # In none of the groups the configuration names (OIDC_GROUP_ROLES).
    NO_MAPPED_GROUP = "no_mapped_group"
    # Their role needs a team and none of their groups names one (OIDC_GROUP_TEAMS).
    NO_TEAM = "no_team"
    # Entra ID sends no groups when a person is in too many (over 200 in a token): a
    # link to ask Microsoft Graph instead, which the portal does not follow.
    TOO_MANY_GROUPS = "too_many_groups"


def read_group_roles(configured: Mapping[str, str]) -> dict[str, Role]:
    """OIDC_GROUP_ROLES as roles; a role the portal does not have is a configuration
    mistake, refused when the portal starts (ValueError) rather than at someone's
    sign-in."""
    known = {role.value for role in Role}
    wrong = sorted({role for role in configured.values() if role not in known})
    if wrong:
        raise ValueError(
            f"OIDC_GROUP_ROLES names roles the portal does not have: {', '.join(wrong)} "
            f"(the roles are {', '.join(sorted(known))})"
        )
    return {group: Role(role) for group, role in configured.items()}


# The roles of people outside the council who may keep the portal's own password while
# the council's staff sign in with the provider (OIDC_PASSWORD_ROLES).
OUTSIDE_THE_COUNCIL = frozenset({Role.ADVOCATE, Role.PROVIDER_MANAGER})


def read_password_roles(configured: Iterable[str]) -> frozenset[Role]:
    """OIDC_PASSWORD_ROLES as roles: only roles of people outside the council (a council
    role with a password would be a way round the directory: ValueError)."""
    wrong = sorted(set(configured) - {role.value for role in OUTSIDE_THE_COUNCIL})
    if wrong:
        raise ValueError(
            f"OIDC_PASSWORD_ROLES may name only advocate and provider_manager, not: "
            f"{', '.join(wrong)} (the council's staff sign in with the provider; "
            "`flask staff break-glass` keeps one manager's password)"
        )
    return frozenset(Role(role) for role in configured)


def access_from_groups(
    groups: Iterable[str],
    *,
    group_roles: Mapping[str, Role],
    group_teams: Mapping[str, str],
) -> Access | NoAccess:
    """The role and team a person's directory groups give them.

    The role is the first of ROLE_PRECEDENCE among their groups' roles. An account has
    one team: of the person's groups that name a team, the first in the configuration's
    order (OIDC_GROUP_TEAMS) gives it. A role that needs a team, without one, is no
    access.
    """
    theirs = set(groups)
    roles = {group_roles[group] for group in theirs if group in group_roles}
    if not roles:
        return NoAccess.NO_MAPPED_GROUP
    role = next(role for role in ROLE_PRECEDENCE if role in roles)
    team = next((name for group, name in group_teams.items() if group in theirs), None)
    if team is None and role in NEEDS_A_TEAM:
        return NoAccess.NO_TEAM
    return Access(role, team)


def groups_in_claims(claims: Mapping[str, object], claim: str) -> list[str] | NoAccess:
    """The groups an ID token's claims carry under `claim` (OIDC_GROUPS_CLAIM). Entra
    ID's "overage" (too many groups: the claim left out and named in `_claim_names`
    instead) is no access; a claim that is absent or not a list of names is no groups."""
    names = claims.get("_claim_names")
    if claim not in claims and isinstance(names, Mapping) and claim in names:
        return NoAccess.TOO_MANY_GROUPS
    value = claims.get(claim)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [group for group in value if isinstance(group, str)]
    return []
