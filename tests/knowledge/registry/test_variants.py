from knowledge.registry.variants import genitive, key, spellings, strip_diacritics, surface_forms


def test_genitive():
    assert genitive("Täby") == "Täbys"
    assert genitive("Upplands Väsby") == "Upplands Väsbys"
    assert genitive("Kungsholmen") == "Kungsholmens"
    assert genitive("Testbys") == "Testbys"


def test_spellings_with_hyphen_space_and_joined():
    assert spellings("Upplands-Bro") == {"Upplands-Bro", "Upplands Bro", "Upplandsbro"}
    assert spellings("Upplands Väsby") == {"Upplands Väsby", "Upplands-Väsby", "Upplandsväsby"}
    assert spellings("Bromma") == {"Bromma"}


def test_key_folds_case_diacritics_hyphens_and_punctuation():
    assert key("Hägersten-Älvsjö") == key("hagersten alvsjo") == "hagersten alvsjo"
    assert key("  Upplands  Väsby! ") == "upplands vasby"
    assert strip_diacritics("Österåker") == "Osteraker"


def test_surface_forms_of_a_district_name():
    forms = surface_forms(["Hägersten-Älvsjö"], "stadsdelsomrade", affixed=["Hägersten-Älvsjö"])
    for expected in (
        "Hägersten-Älvsjö",
        "Hagersten-Alvsjo",
        "hagersten alvsjo",
        "Hägersten-Älvsjös",
        "Hägerstenälvsjö",
        "Hägersten-Älvsjö stadsdelsområde",
        "Hägersten-Älvsjös stadsdelsförvaltning",
        "stadsdelsförvaltning Hägersten-Älvsjö",
        "stadsdelsforvaltningen hagersten-alvsjo",
        "Hägersten-Älvsjö sdf",
    ):
        assert expected in forms


def test_surface_forms_of_a_municipality_name():
    forms = surface_forms(["Täby", "Näsbypark"], "kommun", affixed=["Täby"])
    assert {
        "Täby",
        "Taby",
        "täby",
        "taby",
        "Täbys",
        "tabys",
        "Täby kommun",
        "Täbys kommun",
        "taby stad",
    } <= forms
    assert "Näsbyparks" in forms and "Näsbypark kommun" not in forms
