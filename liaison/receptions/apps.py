from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionsConfig(AppConfig):
    name = "liaison.receptions"
    label = "receptions"
    verbose_name = _("接待日")

    def ready(self) -> None:
        from liaison.core.audit import register_action_labels

        from .services_leave import ACTION_LABELS as LEAVE_LABELS

        register_action_labels(LEAVE_LABELS)

        from .services_schedule import ACTION_LABELS as SCHEDULE_LABELS

        register_action_labels(SCHEDULE_LABELS)

        from .registers import ACTION_LABELS as REGISTER_LABELS
        from .services_checkin import ACTION_LABELS as CHECKIN_LABELS
        from .services_walkin import ACTION_LABELS as WALK_IN_LABELS  # also names the cases' "case.created"

        register_action_labels({**CHECKIN_LABELS, **WALK_IN_LABELS, **REGISTER_LABELS})

        from .services_booking import ACTION_LABELS as BOOKING_LABELS

        register_action_labels(BOOKING_LABELS)
