"""The facts of the demo network, taken from the seed reports in shared/seeds/.

Figures (stations, deputies, grids, voters, contacts) are the seeds'; people's names are drawn
at random from the pools below, and regions below county level carry invented codes: a township
is its county's six digits plus three, a community its township's nine plus three.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PASSWORD = "demo12345"

# Fixed so that every machine loads the same names, phones and positions.
RANDOM_SEED = 20230519

# ---- people --------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
MALE_CHARS = "建国伟强军明华平刚勇海波涛鹏斌磊峰杰超林志文东永晓俊宏德新春利成庆忠诚光辉兴旺振荣胜祥福贵安宇浩然卫锋"
FEMALE_CHARS = "丽敏静娟艳芳霞秀英玲燕红梅兰琴慧婷雪颖洁萍莉娜琳晶欣悦月凤云霞珍翠菊桂玉荣洁虹倩薇佳"

# Names printed in the seed reports belong to real people: never reuse them.
SEED_NAMES = frozenset(
    {"黄一魏", "胡九江", "何红丽", "王利珍", "任荣海", "耿洪汉", "赵丽琴", "冯建平", "张海东", "郝丽颖", "赵铭"}
)

MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "150", "151", "158", "159", "186", "187", "188", "133", "189")

# Landline area codes and the subscriber-number length each city uses.
AREA_CODES = {
    "140100": ("0351", 7),
    "140700": ("0354", 7),
    "360400": ("0792", 7),
    "220100": ("0431", 8),
    "230100": ("0451", 8),
}

OCCUPATIONS = (
    "{place}党委书记、居委会主任",
    "{place}网格长",
    "{county}第一中学教师",
    "{county}人民医院主治医师",
    "个体工商户",
    "{county}供电公司职工",
    "退休干部",
    "{county}市场监督管理局干部",
    "物业服务企业负责人",
    "{county}实验小学校长",
    "律师事务所律师",
    "社区卫生服务站医生",
    "民营企业负责人",
    "{place}居民",
)
VILLAGE_OCCUPATIONS = (
    "{place}党支部书记、村委会主任",
    "{place}村民",
    "农民专业合作社理事长",
    "家庭农场主",
    "乡村医生",
    "乡镇中心小学教师",
)

CONTACT_NOTES = (
    "楼栋长",
    "退休职工",
    "个体经营户",
    "网格员",
    "社区志愿者",
    "老党员",
    "业委会成员",
    "居民代表",
    "物业代表",
)

CHINESE_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

STANDARD_HOURS = "周一至周五 8:30-12:00,14:30-17:30"

# ---- 千峰街道 and 兴华街道 (万柏林区， 太原) [seed 000] ------------------------------------------

WANBAILIN = "140109"
QIANFENG = "140109001"
XINGHUA = "140109002"
QIANFENG_STATION = "千峰街道人大代表联络站"
QIANFENG_POSITION = ("37.861800", "112.521600")
QIANFENG_COMMUNITIES = ("千峰南社区", "千峰北社区", "玉河社区", "西山苑社区")
# Nine constituencies of the 万柏林区 congress, 95,530 voters in all.
QIANFENG_VOTERS = (11236, 10582, 9874, 12105, 10347, 9968, 11420, 9756, 10242)
QIANFENG_RULES = (
    ("人大代表视察制度", "代表每季度至少参加一次集中视察，视察前拟定提纲，视察后形成报告报街道人大工委。"),
    ("人大代表接待选民制度", "每月双周三为代表进站接待日，接待情况记入《接待选民登记簿》，群众意见建议件件有回音。"),
    ("人大代表活动制度", "代表活动由街道人大工委统一安排，活动情况记入《人大代表活动登记簿》。"),
    ("人大代表学习制度", "每个季度组织代表集中学习一次，学习《代表法》《选举法》及有关法律法规。"),
    ("人大代表联系选民制度", "代表每月走访选区选民，记入《联系走访人民群众登记簿》。"),
    ("人大代表建议办理制度", "代表收集的意见建议分类交办，限期答复，办理结果向群众反馈。"),
    ("人大代表履职档案管理制度", "一人一档，八项内容统一规范，“一表三簿一本”按月归档。"),
    ("人大代表述职评议制度", "代表每届至少向原选区选民述职一次，接受选民评议。"),
    ("联络站(点)工作职责", "站长、联络员、联络点负责人“一岗双责”,负责站点日常事务。"),
    ("联络站(点)值班制度", "工作日安排专人值班，登记来访群众，及时转交进站代表。"),
)
QIANFENG_NOTICE = (
    "《人大代表进站(点)时间安排》：每月双周三(第二、第四个星期三)上午9:00-11:30,"
    "至少3名代表进站，面对面听取群众心声。群众反映的问题由联络站登记、交办，确保件件有回音、事事抓落实。"
)
XINGHUA_STATION = "兴华街道人大代表联络站"
XINGHUA_COMMUNITIES = ("兴华南社区", "兴华北社区")
XINGHUA_VOTERS = (10815, 9926)

# ---- 义宁镇 (修水县， 九江) [seed 001] ----------------------------------------------------------

XIUSHUI = "360424"
YINING = "360424100"
# Each station serves the community it stands in and two neighbours; 88 grids in all.
YINING_STATIONS = (
    ("良瑞社区", ("凤凰山社区", "宁州社区")),
    ("濂溪社区", ("马家洲社区", "散原社区")),
    ("姜渡社区", ("城南社区", "渡口社区")),
)
YINING_GRIDS = 88
YINING_CITY_DEPUTIES = 18
YINING_COUNTY_DEPUTIES = 31
YINING_TOWN_DEPUTIES = 98
YINING_RULES = ("学习制度", "联系选民制度", "选民接待制度", "建议办理制度", "档案管理制度")
YINING_PARTNERS = (
    ("party_alliance", "党建联合体"),
    ("youth_care", "关工委"),
    ("elderly_association", "老年协会"),
    ("womens_federation", "妇联"),
)

# ---- 宽城区 (长春) [seed 002] ------------------------------------------------------------------

KUANCHENG = "220103"
# Eleven townships (10 streets and one town), each with a home; 38 community stations.
KUANCHENG_TOWNSHIPS = (
    ("新发街道", ("新发社区", "长新社区", "北京大街社区", "天津路社区")),
    ("站前街道", ("站前社区", "北站社区", "嘉兴社区")),
    ("南广街道", ("南广社区", "长白路社区", "华兴社区", "正阳社区")),
    ("东广街道", ("东广社区", "东盛社区", "光明社区")),
    ("群英街道", ("群英社区", "和平社区", "四道街社区", "胜利社区")),
    ("兴业街道", ("兴业社区", "东风社区", "富强社区")),
    ("凯旋街道", ("凯旋社区", "青年社区", "铁北社区", "亚泰社区")),
    ("团山街道", ("团山社区", "民丰社区", "安乐社区")),
    ("欣园街道", ("欣园社区", "春城社区", "怡景社区", "丽园社区")),
    ("柳影街道", ("柳影社区", "永安社区", "吉祥社区")),
    ("兰家镇", ("兰家村", "太平村", "双榆村")),
)
KUANCHENG_TOWN = "兰家镇"
LANJIA = "220103100"  # the one town: 1xx codes are towns, 0xx streets
# 322 deputies of four levels went into the homes and stations (进家入站).
KUANCHENG_PROVINCIAL = 8
KUANCHENG_CITY = 42
KUANCHENG_COUNTY = 220
KUANCHENG_TOWNSHIP = 52
# The boundary change of seed 002: deputies moved from one township's home to its neighbour's.
KUANCHENG_REDISTRICTED = ("凯旋街道", "柳影街道", 4)
KUANCHENG_SPONSOR_TITLES = (
    "宽城区人大常委会副主任",
    "宽城区人大常委会代表工作委员会主任",
    "宽城区人大常委会办公室主任",
    "宽城区人大常委会法制工作委员会主任",
    "宽城区人大常委会社会建设委员会主任",
)
KUANCHENG_RULES = ("代表联系群众制度", "视察调研制度", "接待选民制度")

# ---- 庄子乡 (榆次区， 晋中) [seed 003] ----------------------------------------------------------

YUCI = "140702"
ZHUANGZI = "140702201"
ZHUANGZI_VILLAGES = ("庄子村", "上庄村", "鸣李村", "王香村", "东赵村", "南要村", "北要村", "西河村")
ZHUANGZI_STATION_VILLAGES = ("庄子村", "鸣李村", "东赵村")
ZHUANGZI_GROUP_SIZES = (12, 12, 12, 11)  # 47 deputies in 4 groups

# ---- 哈尔滨 [seed 004] ------------------------------------------------------------------------

HARBIN = "230100"
DAOLI = "230102"
NANMALU = "南马路街道"
NANMALU_COMMUNITY = "南坎社区"
FUSHUN_TOWNSHIP = "新阳路街道"
FUSHUN_COMMUNITY = "抚顺社区"
NANMALU_CITY_DEPUTIES = 3
NANMALU_COUNTY_DEPUTIES = 7
NANMALU_CONTACTS = 90
FUSHUN_DEPUTIES = 5
# 131 stations over the 9 districts and 9 counties (county-level cities) of 230100, one per
# township; in 新阳路街道 the station stands in 抚顺社区.
HARBIN_TOWNSHIPS = {
    "230102": (
        "南马路街道",
        "新阳路街道",
        "兆麟街道",
        "尚志街道",
        "斯大林街道",
        "经纬街道",
        "安静街道",
        "工农街道",
        "共乐街道",
        "群力街道",
        "康安街道",
        "太平镇",
    ),
    "230103": (
        "花园街道",
        "奋斗路街道",
        "保健路街道",
        "大成街道",
        "荣市街道",
        "先锋路街道",
        "文化街道",
        "七政街道",
        "芦家街道",
        "曲线街道",
        "和兴路街道",
        "哈西街道",
        "通达街道",
        "王岗镇",
    ),
    "230104": (
        "靖宇街道",
        "太古街道",
        "东莱街道",
        "滨江街道",
        "仁里街道",
        "崇俭街道",
        "振华街道",
        "大有坊街道",
        "南直路街道",
        "三棵树街道",
        "团结镇",
    ),
    "230108": ("兴建街道", "保国街道", "联盟街道", "友协街道", "平房镇"),
    "230109": ("松北街道", "太阳岛街道", "松浦街道", "万宝街道", "利民街道", "对青山镇", "乐业镇"),
    "230110": (
        "香坊大街街道",
        "和平路街道",
        "通天街道",
        "安埠街道",
        "新香坊街道",
        "黎明街道",
        "建筑街道",
        "六顺街道",
        "哈平路街道",
        "大庆路街道",
        "进乡街道",
        "朝阳镇",
    ),
    "230111": ("兰河街道", "呼兰街道", "腰堡街道", "康金街道", "双井街道", "石人镇", "白奎镇", "方台镇"),
    "230112": ("金城街道", "金都街道", "通城街道", "河东街道", "阿什河街道", "玉泉街道", "平山镇"),
    "230113": ("承旭街道", "承恩街道", "永和街道", "五家镇", "新兴镇", "周家镇", "韩甸镇", "兰棱镇"),
    "230123": ("依兰镇", "达连河镇", "江湾镇", "三道岗镇", "道台桥镇"),
    "230124": ("方正镇", "会发镇", "大罗密镇", "天门乡", "松南乡"),
    "230125": ("宾州镇", "宾西镇", "糖坊镇", "宾安镇", "新甸镇", "胜利镇"),
    "230126": ("巴彦镇", "兴隆镇", "西集镇", "洼兴镇", "龙泉镇", "巴彦港镇"),
    "230127": ("木兰镇", "东兴镇", "大贵镇", "利东镇"),
    "230128": ("通河镇", "乌鸦泡镇", "清河镇", "浓河镇"),
    "230129": ("延寿镇", "六团镇", "中和镇", "加信镇"),
    "230183": ("尚志镇", "一面坡镇", "苇河镇", "亚布力镇", "帽儿山镇", "元宝镇", "黑龙宫镇"),
    "230184": ("五常镇", "拉林满族镇", "山河镇", "小山子镇", "安家镇", "杜家镇"),
}
HARBIN_RULES = ("人大代表联络站工作职责", "人大代表进站接待制度", "群众意见建议办理制度", "人大代表联络站学习制度")
HARBIN_NOTICE = (
    "本站按“八有”标准建设：有场地、有标识、有人员、有制度、有经费、有活动、有台账、有实效。"
    "人大代表、职能部门、领导干部“三进站”。"
)

# ---- congresses: (region code, level, number, months before the load date, certificate prefix)

TERMS = {
    "wanbailin": (WANBAILIN, "county", 17, 30, "WBL17"),
    "jiujiang": ("360400", "city", 16, 30, "JJ16"),
    "xiushui": (XIUSHUI, "county", 18, 31, "XS18"),
    "yining": (YINING, "township", 19, 31, "YN19"),
    "jilin": ("220000", "provincial", 14, 26, "JL14"),
    "changchun": ("220100", "city", 16, 28, "CC16"),
    "kuancheng": (KUANCHENG, "county", 18, 30, "KC18"),
    "lanjia": (LANJIA, "township", 19, 30, "LJ19"),
    "zhuangzi": (ZHUANGZI, "township", 18, 32, "ZZ18"),
    "harbin": (HARBIN, "city", 16, 29, "HEB16"),
    "daoli": (DAOLI, "county", 18, 30, "DL18"),
}

# ---- offices and departments ---------------------------------------------------------------

COUNTY_OFFICES = {
    WANBAILIN: "万柏林区人大常委会",
    XIUSHUI: "修水县人大常委会",
    KUANCHENG: "宽城区人大常委会",
    YUCI: "榆次区人大常委会",
    HARBIN: "哈尔滨市人大常委会",
}
DEPARTMENTS = {
    WANBAILIN: (
        ("万柏林区住房和城乡建设局", "住建局"),
        ("万柏林区城市管理局", "城管局"),
        ("万柏林区民政局", "民政局"),
        ("万柏林区教育局", "教育局"),
    ),
    XIUSHUI: (
        ("修水县住房和城乡建设局", "住建局"),
        ("修水县城市管理局", "城管局"),
        ("修水县教育体育局", "教体局"),
        ("修水县交通运输局", "交通局"),
    ),
    KUANCHENG: (("宽城区住房和城乡建设局", "住建局"), ("宽城区民政局", "民政局")),
    YUCI: (("榆次区农业农村局", "农业农村局"),),
    DAOLI: (("道里区住房和城乡建设局", "住建局"), ("道里区城市管理局", "城管局")),
}


# ---- accounts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """A demo login: its role and where the grant applies (resolved by the builder)."""

    username: str
    display_name: str
    role: str
    scope: str = ""  # a region code, "station:<key>" or "department:<name>"
    # A department's lead handler (牵头负责人): told when a referral is overdue for days.
    is_lead: bool = False


ACCOUNTS = (
    Account("admin", "系统管理员", "system_admin"),
    Account("qianfeng", "李文娟", "office_admin", QIANFENG),
    Account("xinghua", "赵国平", "office_admin", XINGHUA),
    Account("wanbailin", "孙志强", "office_admin", WANBAILIN),
    Account("yining", "黄春华", "office_admin", YINING),
    Account("station1", "郭丽萍", "station_staff", "station:qianfeng"),
    Account("deputy1", "", "deputy"),  # takes the name of the deputy it is linked to
    Account("dept1", "王海涛", "department_handler", "department:万柏林区住房和城乡建设局"),
    Account("dept2", "陈立新", "department_handler", "department:万柏林区城市管理局"),
    Account("dept1lead", "刘振华", "department_handler", "department:万柏林区住房和城乡建设局", is_lead=True),
    Account("dept3", "徐晓燕", "department_handler", "department:修水县住房和城乡建设局"),
    Account("dept4", "邱建明", "department_handler", "department:修水县交通运输局"),
    Account("leader1", "周建国", "sponsor", "station:qianfeng"),
    Account("resident1", "马秀兰", "resident"),
    Account("resident2", "杨文斌", "resident"),
)
LEADER_TITLE = "万柏林区人大常委会副主任"
