from transforms.entities import analyse_entities, normalise_name, strip_titles


def test_normalise_and_strip_titles():
    assert normalise_name("the Associated Press") == "Associated Press"
    assert normalise_name("Blinken’s") == "Blinken"
    assert normalise_name("U.S.") == "U.S."
    assert strip_titles("Treasurer Lena Whitcombe") == "Lena Whitcombe"
    assert strip_titles("Police Chief Tomás Rivera") == "Tomás Rivera"
    assert strip_titles("Mayor") == "Mayor"


def test_surnames_join_full_names_and_vote_person(nlp):
    text = (
        "Foreign Minister Helga Brandvik met Treasurer Osman Karimi in Oslo on Monday. "
        "Brandvik later told reporters that Karimi had been helpful. Brandvik flew home to Norway."
    )
    analysis = analyse_entities(nlp(text))
    people = {c.name: c for c in analysis.clusters if c.label == "PERSON"}
    assert set(people) >= {"Helga Brandvik", "Osman Karimi"}
    brandvik = people["Helga Brandvik"]
    assert sorted(m.text for m in brandvik.mentions)[:1] == ["Brandvik"]
    assert len(brandvik.mentions) == 3
    # Every mention of the cluster points at the same stable id, whatever the model said.
    assert {m.cluster.entity_id for m in brandvik.mentions} == {brandvik.entity_id}
    assert analysis.cluster_at(text.index("Karimi had")) is people["Osman Karimi"]
    assert analysis.person_by_word("Karimi") is people["Osman Karimi"]


def test_roles_from_titles_stripped_words_and_appositions(nlp):
    from transforms.entities import role_of

    text = ("Secretary of State Ruth Adebayo met Treasurer Lena Whitcombe in Oslo. "
            "Adebayo later spoke to Marek Olsen, a veteran shipbuilder, about the yard.")
    doc = nlp(text)
    roles = {c.name: role_of(c, doc) for c in analyse_entities(doc).clusters if c.label == "PERSON"}
    assert roles["Ruth Adebayo"] == "Secretary of State"
    assert roles["Lena Whitcombe"] == "Treasurer"
    assert roles["Marek Olsen"] == "a veteran shipbuilder"
