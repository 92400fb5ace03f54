"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from .jurisdiction import jurisdiction_for
from .permissions import can_manage_users


def staff_navigation(request: HttpRequest) -> dict[str, bool]:
    """`show_staff_nav`: whether the header links to the back office (staff actors only);
    `show_admin_nav`: whether it links to accounts and the audit log (office and system admins);
    `show_requests_nav`: whether it links to leave and swap requests (those who decide them);
    `show_deputy_nav`: whether it links to the deputy's own duties and messages;
    `show_network_nav`: whether it links to deputies, stations and reception days (not for a
    department handler or a deputy, who have their own pages);
    `show_cases_nav`: whether it links to the case list (offices, station staff);
    `show_referrals_nav`: whether it links to a department's referral queue (its handlers)."""
    user = getattr(request, "user", None)
    actor = jurisdiction_for(user)
    return {
        "show_staff_nav": actor.is_staff_member,
        "show_admin_nav": can_manage_users(actor),
        "show_requests_nav": bool(actor.is_system_admin or actor.office_paths or actor.staff_station_ids),
        "show_deputy_nav": bool(actor.deputy_ids),
        "show_network_nav": bool(
            actor.is_system_admin
            or actor.office_paths
            or actor.staff_station_ids
            or actor.sponsor_paths
            or actor.sponsor_station_ids
        ),
        "show_cases_nav": bool(actor.is_system_admin or actor.office_paths or actor.staff_station_ids),
        "show_referrals_nav": bool(actor.department_ids),
    }
