from transforms.language import detect_language


def test_english_german_and_too_short():
    assert detect_language("The council voted on Tuesday to renew the ferry contract for another five years.") == "en"
    assert detect_language("Die neue Fahrradbrücke über die Elde soll im April für den Verkehr freigegeben werden.") == "de"
    assert detect_language("Oops!") is None
    assert detect_language("") is None
