"""The products in use when the portal starts (the migration 0002_products holds a frozen
copy): the inactivated vaccines with a course of two doses, the adenovirus vector vaccine
of one, the recombinant protein vaccine of three. The city office changes the table on
its policy page; products_ensure puts back a missing one (seed_demo, after a flush)."""

from .models import Product

PRODUCTS = [
    ("bbibp", "新冠病毒灭活疫苗（Vero细胞）·北京生物", "inactivated", 2, "北京生物制品研究所"),
    ("wibp", "新冠病毒灭活疫苗（Vero细胞）·武汉生物", "inactivated", 2, "武汉生物制品研究所"),
    (
        "coronavac",
        "新冠病毒灭活疫苗（Vero细胞）·北京科兴",
        "inactivated",
        2,
        "北京科兴中维生物技术有限公司",
    ),
    ("ad5", "重组新冠病毒疫苗（5型腺病毒载体）", "adenovirus", 1, "康希诺生物股份公司"),
    ("zf2001", "重组新冠病毒蛋白疫苗（CHO细胞）", "protein", 3, "安徽智飞龙科马生物制药有限公司"),
]


def products_ensure() -> int:
    """Create the products of PRODUCTS that are missing (by code); returns how many. One
    the city office changed stays as it is."""
    created = 0
    for code, name, platform, doses, manufacturer in PRODUCTS:
        _product, new = Product.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "platform": platform,
                "primary_doses": doses,
                "manufacturer": manufacturer,
            },
        )
        created += new
    return created
