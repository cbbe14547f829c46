import factory

from shops.models import Shop


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"商铺{n}")
    address = factory.Sequence(lambda n: f"通达街{n}号")
    kind = Shop.Kind.PHARMACY
    contact_phone = "13912345678"
