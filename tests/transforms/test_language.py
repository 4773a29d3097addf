from transforms.language import detect_language, plainly_english


def test_english_german_and_too_short():
    assert detect_language("The council voted on Tuesday to renew the ferry contract for another five years.") == "en"
    assert detect_language("Die neue Fahrradbrücke über die Elde soll im April für den Verkehr freigegeben werden.") == "de"
    assert detect_language("Oops!") is None
    assert detect_language("") is None


ENGLISH = ("The council voted on Tuesday to renew the ferry contract for another five years, and the "
           "operator said it would add a late sailing on Fridays. Residents of the island had asked for "
           "the change for a decade, and the mayor said the vote was a victory for them. The contract "
           "will cost the county about four million dollars a year, which is more than it paid before.")
# The same story in other languages (our own translations): the English shortcut must never fire.
OTHERS = {
    "de": "Der Gemeinderat hat am Dienstag beschlossen, den Vertrag für die Fähre um weitere fünf Jahre zu "
          "verlängern, und der Betreiber sagte, er werde freitags eine späte Fahrt anbieten. Die Bewohner der "
          "Insel hatten seit zehn Jahren darum gebeten, und der Bürgermeister nannte die Abstimmung einen "
          "Sieg für sie. Der Vertrag wird den Landkreis etwa vier Millionen Euro im Jahr kosten.",
    "fr": "Le conseil a voté mardi le renouvellement du contrat du ferry pour cinq ans de plus, et l'opérateur "
          "a dit qu'il ajouterait une traversée tardive le vendredi. Les habitants de l'île le demandaient "
          "depuis dix ans, et le maire a dit que le vote était une victoire pour eux. Le contrat coûtera au "
          "département environ quatre millions d'euros par an, plus qu'avant.",
    "nl": "De gemeenteraad heeft dinsdag besloten het contract voor de veerboot met nog eens vijf jaar te "
          "verlengen, en de exploitant zei dat er op vrijdag een late afvaart bij komt. De bewoners van het "
          "eiland vroegen daar al tien jaar om, en de burgemeester noemde de stemming een overwinning voor "
          "hen. Het contract kost de provincie ongeveer vier miljoen euro per jaar, meer dan eerder.",
    "es": "El consejo votó el martes renovar el contrato del ferry por otros cinco años, y el operador dijo "
          "que añadiría una salida tarde los viernes. Los vecinos de la isla lo pedían desde hacía una "
          "década, y el alcalde dijo que la votación era una victoria para ellos. El contrato costará al "
          "condado unos cuatro millones de euros al año, más de lo que pagaba antes.",
}


def test_plain_english_is_answered_without_the_models_and_other_languages_never_are():
    assert plainly_english(ENGLISH) and detect_language(ENGLISH) == "en"
    assert not plainly_english(ENGLISH[:150])  # too few words to tell: lingua decides
    for code, text in OTHERS.items():
        assert not plainly_english(text), code
        assert detect_language(text) == code
