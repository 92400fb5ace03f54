"""The starting category taxonomy (offices add and edit their own later), and on PostgreSQL a
trigram index so similar open cases are found by title without a scan."""

from django.db import migrations

CATEGORIES = [
    # code, name, group, help text, referral deadline in working days
    ("roads", "道路交通", "城市管理", "道路破损、路灯、停车、公交站点、交通安全隐患等", 10),
    ("housing", "住房物业", "城市管理", "物业服务、老旧小区改造、房屋安全、加装电梯等", 15),
    ("environment", "环境卫生", "城市管理", "垃圾清运、污水、噪声、油烟、绿化等", 10),
    ("utilities", "水电气暖", "民生保障", "供水、供电、供气、供暖的故障和收费", 5),
    ("elderly", "养老助残", "民生保障", "养老服务、助餐、残疾人帮扶、适老化改造", 15),
    ("education", "教育", "民生保障", "入学、校园周边、托育等", 15),
    ("health", "医疗卫生", "民生保障", "看病就医、医保报销、社区卫生服务", 15),
    ("employment", "就业社保", "民生保障", "就业帮扶、欠薪、社保、低保救助", 15),
    ("safety", "社会治安", "平安建设", "治安隐患、消防安全、电动车充电等", 5),
    ("disputes", "矛盾纠纷", "平安建设", "邻里纠纷、法律咨询、调解需求", 10),
    ("market", "市场监管", "经济发展", "食品安全、消费维权、价格问题", 10),
    ("rural", "农业农村", "经济发展", "农田水利、村道、人居环境、产业发展", 15),
    ("legislation", "立法意见", "意见建议", "对法律法规草案和政策的意见建议", 20),
    ("other", "其他", "其他", "以上都不是，请在内容中说明", 15),
]


def add_categories(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    for order, (code, name, group, description, days) in enumerate(CATEGORIES):
        CaseCategory.objects.update_or_create(
            code=code,
            defaults={"name": name, "group": group, "description": description, "due_workdays": days, "sort_order": order},
        )


def remove_categories(apps, schema_editor):
    CaseCategory = apps.get_model("cases", "CaseCategory")
    CaseCategory.objects.filter(code__in=[c[0] for c in CATEGORIES], cases__isnull=True).delete()


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_title_trgm ON cases_case USING gin (title gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunPython(add_categories, remove_categories),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
