from communities import places


def test_cities_of_a_province_for_the_pickers(client, db):
    html = client.get("/places/cities/", {"stays-0-province": "吉林省"}).content.decode()
    assert '<option value="吉林市">' in html and '<option value="长春市">' in html
    assert "太原市" not in html


def test_counties_of_a_city_and_of_a_municipality(client, db):
    html = client.get(
        "/places/counties/", {"stays-2-province": "吉林省", "stays-2-city": "吉林市"}
    ).content.decode()
    assert '<option value="船营区">' in html
    html = client.get(
        "/places/counties/", {"province": "上海市", "city": "上海市"}
    ).content.decode()
    assert '<option value="闵行区">' in html


def test_an_unknown_province_gives_no_city(client, db):
    html = client.get("/places/cities/", {"province": "火星省"}).content.decode()
    assert html.count("<option") == 1  # the "choose" line only


def test_names_and_typos():
    (warning,) = places.unknown_places(
        {
            "risk_areas": [
                {"province": "吉林省", "city": "吉林市", "county": "船营区"},
                {"province": "吉林省", "city": "吉林", "county": "船营区"},
            ]
        }
    )
    assert warning.startswith("risk_areas[1]: 吉林省吉林船营区: ")
