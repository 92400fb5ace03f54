"""Cases in the persona network, one per jurisdiction and stage, made through the services.

- qianfeng: filed online by `resident` at 千峰 (phone RESIDENT_PHONE, consent), assigned to
  the 千峰 deputy and referred to 住建局 (`handler`): referral "qianfeng".
- qianfeng_urban: filed at 千峰 without consent, referred to 城管局 (`other_handler`).
- qianfeng_new: just submitted at 千峰.
- xinghua: submitted at 兴华 by `other_resident`.
- yining: submitted at 义宁 (another province).
"""

from __future__ import annotations

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases.services import CaseInput, case_accept, case_assign, case_refer, case_submit

from .personas import RESIDENT_PHONE, World


def ensure_categories() -> None:
    """The starting categories of migration 0002: a transactional test's flush removes them."""
    import importlib

    from django.apps import apps

    from liaison.cases.models import CaseCategory

    if not CaseCategory.objects.exists():
        importlib.import_module("liaison.cases.migrations.0002_categories_and_trigram").add_categories(apps, None)


def build_case_world(w: World) -> World:
    """Add the cases, referrals and secrets to `w` and return it."""
    ensure_categories()
    officer = jurisdiction_for(w.users["officer"])

    def submit(key: str, station: str, persona: str | None, **extra: object) -> None:
        actor = jurisdiction_for(w.users[persona]) if persona else jurisdiction_for(None)
        data = CaseInput(category=str(extra.pop("category", "housing")), station_id=w.stations[station].pk, **extra)  # type: ignore[arg-type]
        done = case_submit(actor=actor, data=data)
        w.cases[key] = done.case
        w.secrets[key] = done.secret

    submit(
        "qianfeng",
        "qianfeng",
        "resident",
        description="3号楼楼道窗户破了，冬天漏风。",
        name="王大爷",
        phone=RESIDENT_PHONE,
        consent=True,
        address="千峰南路3号楼",
    )
    submit(
        "qianfeng_urban",
        "qianfeng",
        None,
        category="environment",
        description="小区门口垃圾没人清运。",
        name="李阿姨",
        phone="13600002222",
    )
    submit("qianfeng_new", "qianfeng", None, description="想问问加装电梯怎么申请。")
    submit("xinghua", "xinghua", "other_resident", description="兴华路路灯不亮。", category="roads")
    submit("yining", "yining", None, description="村道坑洼，雨天积水。", category="rural")

    case = case_accept(actor=officer, case=w.cases["qianfeng"])
    case = case_assign(actor=officer, case=case, deputy_id=w.deputies["qianfeng"].pk)
    w.referrals["qianfeng"] = case_refer(actor=officer, case=case, department_id=w.departments["housing"].pk)
    case = case_accept(actor=officer, case=w.cases["qianfeng_urban"])
    w.referrals["qianfeng_urban"] = case_refer(actor=officer, case=case, department_id=w.departments["urban"].pk)
    for key in w.cases:
        w.cases[key].refresh_from_db()
    return w
