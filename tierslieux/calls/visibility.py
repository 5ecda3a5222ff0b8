"""Who may open which dossier: the one visibility rule of applications, read by
`selectors.applications_visible_to` (and nowhere else).

- The applicant side — the applicant and the managers of the dossier's place — sees it from the draft on.
- Staff: programme staff and administrators see every submitted dossier (read-only outside the call's team);
  any other member of a call's team sees the call's submitted dossiers.
- Reviewers see the dossiers assigned to them once they declared no conflict of interest — never a dossier
  they declared a conflict on, nor one not assigned to them.

Drafts stay private to the applicant side, administrators included (they act on submitted dossiers only).
What each person may *do* on a dossier is `selectors.application_roles`.
"""

from __future__ import annotations

from django.db.models import Q

from tierslieux.accounts.roles import Role, has_role, is_programme_staff

from .models import ReviewerAssignment, Status


def applicant_q(user) -> Q:
    """The dossiers of `user` as applicant: their own and those of the places they manage."""
    return Q(applicant=user) | Q(place__managers=user)


def staff_q(user) -> Q:
    """The submitted dossiers `user` sees as staff: all of them for programme staff and administrators, else
    those of the calls whose team they are on."""
    if has_role(user, Role.ADMINISTRATOR) or is_programme_staff(user):
        return ~Q(status=Status.DRAFT)
    return Q(call__staff=user) & ~Q(status=Status.DRAFT)


def reviewer_q(user) -> Q:
    """The dossiers assigned to `user` on which they declared no conflict of interest."""
    assigned = ReviewerAssignment.objects.filter(reviewer=user, conflict__has_conflict=False)
    return Q(pk__in=assigned.values("application_id"))


def visible_q(user) -> Q:
    """Every dossier `user` (signed in and active) may open."""
    return applicant_q(user) | staff_q(user) | reviewer_q(user)
