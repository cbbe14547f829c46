"""The Taiyuan demo of the seeds (太原市, March 2022): places and one user per role."""

DEMO_PASSWORD = "Demo@2022"  # noqa: S105 - demo accounts only; seed_demo refuses in production

# (district, GB/T 2260 code, {street: [communities]})
TAIYUAN = (
    "太原市",
    "140100",
    [
        (
            "小店区",
            "140105",
            {
                "小店街道": ["通达街社区", "小店村社区", "西岗村社区", "太榆路社区"],
                "坞城街道": ["坞城南路社区", "大马社区"],
                "营盘街道": ["营盘社区", "双塔南路社区"],
            },
        ),
        ("迎泽区", "140106", {"柳巷街道": ["柳巷社区"]}),
        ("杏花岭区", "140107", {"巨轮街道": ["巨轮社区"]}),
        (
            "尖草坪区",
            "140108",
            {
                "尖草坪街道": ["尖草坪社区", "光社社区"],
                "柴村街道": ["柴村社区"],
            },
        ),
        ("万柏林区", "140109", {"千峰街道": ["千峰社区"]}),
        ("晋源区", "140110", {"晋源街道": ["晋源社区"]}),
        (
            "阳曲县",
            "140122",
            {
                "黄寨镇": ["黄寨村", "思西村"],
            },
        ),
    ],
)
GRIDS_PER_COMMUNITY = 3

# (username, role, path of names below the city, grid numbers served, full name)
DEMO_USERS = [
    ("admin", "admin", [], [], "系统管理员"),
    ("city", "city_office", [], [], "市疫情防控办"),
    ("xiaodian", "district_office", ["小店区"], [], "小店区疫情防控办"),
    ("street", "street_supervisor", ["小店区", "小店街道"], [], "小店街道负责人"),
    ("tongda", "community_staff", ["小店区", "小店街道", "通达街社区"], [], "通达街社区工作人员"),
    ("grid", "grid_worker", ["小店区", "小店街道", "通达街社区"], [1, 2], "通达街网格员"),
    ("grid3", "grid_worker", ["小店区", "小店街道", "通达街社区"], [3], "通达街第3网格网格员"),
    ("inspector", "inspector", ["小店区", "小店街道"], [], "小店街道市场监管"),
    ("enforcer", "inspector", ["小店区", "小店街道"], [], "小店街道综合执法"),
    ("market2", "inspector", ["小店区", "小店街道"], [], "小店街道市场监管二组"),
    ("enforcer2", "inspector", ["小店区"], [], "小店区综合执法二组"),
    ("jcp_grid", "grid_worker", ["尖草坪区", "尖草坪街道", "尖草坪社区"], [1], "尖草坪社区网格员"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆"
ROADS = ["通达街", "小店路", "太榆路", "坞城路", "龙城大街", "学府街", "长治路", "亲贤街"]
SHOP_NAMES = {
    "pharmacy": "大药房",
    "restaurant": "面馆",
    "supermarket": "便利超市",
    "clothing": "服装店",
    "barber": "美发店",
    "hotel": "快捷酒店",
    "other": "五金店",
}

# Arrivals filed for the first residents of 通达街社区 第1网格 (see seed_demo).
DEMO_JOURNEYS = [
    ("广东省", "佛山市", "禅城区"),  # a case county: red, R3 "7+5"
    ("吉林省", "吉林市", "丰满区"),  # a high-risk county: red, R1 "14+7"
    ("广东省", "肇庆市", "端州区"),  # an epidemic city: yellow, R4
]
