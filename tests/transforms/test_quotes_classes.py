"""Error classes seen on real news, each with sentences of our own (fictional people and places)."""
from tests.transforms.quoting import quotes
from transforms.entities import analyse_entities
from transforms.quotes import extract_quotes


def test_a_dateline_is_never_the_speaker(nlp):
    body = ("PORTHAVEN — The harbour authority said on Monday that the ferry would resume.\n\n"
            "“We expect full service by June,” a spokeswoman said.")
    assert quotes(nlp, body) == [("We expect full service by June", "a spokeswoman")]


def test_transcript_speaker_turns(nlp):
    body = ("Partial transcript follows:\n\n"
            "MS. OKAFOR: We asked for the audit in March and never saw it.\n\n"
            "DELANEY: That is simply not true.")
    got = quotes(nlp, body, kinds=("indirect",))
    assert got == [("We asked for the audit in March and never saw it.", "Okafor"),
                   ("That is simply not true.", "Delaney")]


def test_a_speaker_turn_inside_a_quotation(nlp):
    body = "The exchange was brief.\n\n“HALVORSEN: I have no comment on the merger at this time.”"
    assert quotes(nlp, body) == [("HALVORSEN: I have no comment on the merger at this time.", "Halvorsen")]


def test_roundup_and_from_lead_ins(nlp):
    body = ("Reactions came quickly.\n\n"
            "Teodora Vasquez, Riverside Ledger: “This is the worst budget in a decade.”\n\n"
            "And from Councillor Amos Pembe: “We will vote against it again.”")
    assert quotes(nlp, body) == [("This is the worst budget in a decade.", "Teodora Vasquez"),
                                 ("We will vote against it again.", "Amos Pembe")]


def test_a_colon_lead_in_at_the_end_of_the_paragraph_before(nlp):
    body = ("Stated Warrick Obi, the union's treasurer:\n\n"
            "“We have enough money for a six-week strike and not one day more.”")
    said = "We have enough money for a six-week strike and not one day more."
    assert quotes(nlp, body) == [(said, "Warrick Obi")]


def test_dash_attributions(nlp):
    body = ("The mood at the depot was grim.\n\n"
            "“Nobody told us the line would close.”\n\n"
            "-Commissioner Livia Santangelo, at the hearing.\n\n"
            "“We need answers, not press releases.” — Jonah Redfern")
    assert quotes(nlp, body) == [("Nobody told us the line would close.", "Livia Santangelo"),
                                 ("We need answers, not press releases.", "Jonah Redfern")]


def test_a_statement_lead_in_with_a_comma(nlp):
    body = "After the vote, Pemberton Mills issued a statement, “We respect the decision and will appeal.”"
    assert quotes(nlp, body) == [("We respect the decision and will appeal.", "Pemberton Mills")]


def test_a_person_named_inside_the_quotation_is_not_the_speaker(nlp):
    body = ("Mayor Irena Chen met the press on Friday.\n\n"
            "“I doubt Alvarez will even show up,” Chen said.\n\n"
            "Chen responded by calling Tomas Alvarez “a tourist in this city.”")
    assert quotes(nlp, body) == [("I doubt Alvarez will even show up", "Irena Chen"),
                                 ("a tourist in this city.", "Irena Chen")]


def test_pronouns_agree_with_the_gender_the_article_gives(nlp):
    body = ("Mr. Dario Fenwick, the city's planning chief, defended the scheme. Ms. Oona Brandt, "
            "who chairs the residents' group, listened from the back.\n\n"
            "“The towers will bring 900 homes,” he said.")
    assert quotes(nlp, body) == [("The towers will bring 900 homes", "Dario Fenwick")]


def test_partial_quotations_with_a_cue(nlp):
    body = ("Senator Hana Lindqvist lamented the “disheartened” state of the debate on Tuesday.\n\n"
            "Protesters outside chanted “Close the camp!”")
    assert quotes(nlp, body) == [("disheartened", "Hana Lindqvist"), ("Close the camp!", "Protesters")]


def test_titles_of_shows_and_books_are_not_quotations(nlp):
    body = ("Governor Ruth Amadi appeared on “The Morning Roundtable With Dev Patel” to defend the plan, "
            "and her memoir “Roads Out of Kessington” sold well.")
    doc = nlp(body)
    assert [(body[q.start:q.end], q.kind) for q in extract_quotes(doc, analyse_entities(doc))] == [
        ("The Morning Roundtable With Dev Patel", "scare"),
        ("Roads Out of Kessington", "scare"),
    ]


def test_a_question_ending_the_quotation_keeps_its_attribution(nlp):
    body = "“How do you run a port with no cranes?” Selma Oduya said to the crowd of dockers."
    assert quotes(nlp, body) == [("How do you run a port with no cranes?", "Selma Oduya")]


def test_a_relative_pronoun_speaks_for_its_antecedent(nlp):
    body = "The rule came from Mayor Petra Vukovic, who insisted in May that cyclists “cannot be ignored.”"
    assert quotes(nlp, body) == [("cannot be ignored.", "Petra Vukovic")]


def test_a_sentence_with_nothing_reported_introduces_the_next_quotation(nlp):
    body = ("Ferris Quay's harbour master, Lionel Abara, said in a statement. “The berth stays shut until "
            "the survey is done.”")
    assert quotes(nlp, body) == [("The berth stays shut until the survey is done.", "Lionel Abara")]


def test_a_straight_mark_right_after_a_colon_opens_a_quotation(nlp):
    body = 'Councillor Dana Whitfield (Green):"We were never shown the contract."'
    assert quotes(nlp, body) == [("We were never shown the contract.", "Dana Whitfield")]


def test_a_pronoun_prefers_the_person_who_is_the_subject_nearby(nlp):
    body = ("Governor Aldo Ferrante attacked Senator Bruno Kessel, whom he called “a tourist in his own "
            "state.” “We will win the north,” he said.")
    assert quotes(nlp, body) == [("a tourist in his own state.", "Aldo Ferrante"),
                                 ("We will win the north", "Aldo Ferrante")]


def test_a_party_and_state_tag_or_an_agency_dateline_is_not_the_speaker(nlp):
    body = ("Harbourton (AFP) – Senator Ada Marsh has taken aim at the port deal, saying that it was "
            "“a gift to the shipping lobby.”\n\n"
            "Rep. Colm Fairley (D-Ore.) said the deal was “dead on arrival.”")
    assert quotes(nlp, body) == [("a gift to the shipping lobby.", "Ada Marsh"),
                                 ("dead on arrival.", "Colm Fairley")]


def test_an_inverted_cue_takes_the_noun_after_it(nlp):
    body = "“How tall will the wall be?” asked the boy near the stage."
    assert quotes(nlp, body) == [("How tall will the wall be?", "boy")]


def test_a_roundup_item_signed_after_a_dash(nlp):
    body = "Turnout held up in the northern wards - Ines Moreau: “The suburbs decided this one.”"
    assert quotes(nlp, body) == [("The suburbs decided this one.", "Ines Moreau")]


def test_whose_words_and_a_title_case_turn(nlp):
    body = ("Mayor Lotte Brandvik wants the ferries back. She praised the old timetable and, in her words, "
            "“it worked for everyone.”\n\n"
            "The panel sparred over the budget.\n\n"
            "“Teodor Marsh: We cannot fund both lines, and everyone here knows it.”")
    assert quotes(nlp, body) == [("it worked for everyone.", "Lotte Brandvik"),
                                 ("Teodor Marsh: We cannot fund both lines, and everyone here knows it.",
                                  "Teodor Marsh")]


def test_a_cue_inside_the_reported_clause_does_not_take_the_quotation(nlp):
    body = ("Minister Oskar Vella warned that the harbour board would respond firmly to keep the "
            "timetable “predictable.”")
    assert quotes(nlp, body) == [("predictable.", "Oskar Vella")]


def test_a_description_named_by_its_own_words_is_not_the_last_organisation(nlp):
    body = ("Trade with Norland fell again. As the ministers met, the Halvorsen administration announced "
            "that it would lift the tariff on timber.")
    assert quotes(nlp, body, kinds=("indirect",)) == [
        ("it would lift the tariff on timber", "Halvorsen administration")]


def test_an_indefinite_pronoun_is_the_speaker_as_written(nlp):
    body = ("Councillor Marta Oyelaran closed the hearing early.\n\n"
            "Someone in the gallery shouted, “Open the books!”")
    assert quotes(nlp, body) == [("Open the books!", "Someone in the gallery")]


def test_a_long_parenthesis_holds_its_own_speaker(nlp):
    body = ("The merger angered the drivers (“I want my pension back,” wrote Tobiah Greenhalgh, a bus "
            "driver in Kilby, on the union's forum).")
    assert quotes(nlp, body) == [("I want my pension back", "Tobiah Greenhalgh")]


def test_an_inverted_cue_with_an_age_for_a_speaker(nlp):
    body = ("Lorna Brightwater spoke last.\n\n"
            "“Nobody asked us,” said the 46-year-old.")
    assert quotes(nlp, body) == [("Nobody asked us", "46-year-old")]


def test_a_question_then_a_speaker_with_an_apposition(nlp):
    body = ("“Are you coming to the rally on Friday?” Ines Calloway, a retired nurse from Harbourton, "
            "asked warmly.")
    assert quotes(nlp, body) == [("Are you coming to the rally on Friday?", "Ines Calloway")]


def test_a_coordinated_cue_with_its_own_subject_takes_its_quotation(nlp):
    body = ("Governor Tilda Moreno said she would cut the levy, and Senator Amos Quill vowed to "
            "“scrap it entirely.”")
    assert quotes(nlp, body) == [("scrap it entirely.", "Amos Quill")]


def test_a_partial_quotation_after_a_definite_description(nlp):
    body = ("The dispute went to the regulator in March.\n\n"
            "The agency declined to detail the inquiry's “scope or likely targets.”")
    assert quotes(nlp, body) == [("scope or likely targets.", "agency")]


def test_a_quotation_opening_a_paragraph_after_a_sentence_about_a_person(nlp):
    body = ("Rocco Valdane praised the mayor's handling of the flood.\n\n"
            "“We need someone who gets things done.”")
    assert quotes(nlp, body) == [("We need someone who gets things done.", "Rocco Valdane")]


def test_the_next_sentence_cue_introducing_its_own_quotation_is_not_taken(nlp):
    body = ("Governor Ada Pell said the tunnel was “years late.” Mayor Ito Brandt added: “It is a "
            "scandal and everyone knows it.”")
    assert quotes(nlp, body) == [("years late.", "Ada Pell"),
                                 ("It is a scandal and everyone knows it.", "Ito Brandt")]


def test_they_takes_the_nearest_plural_subject(nlp):
    body = ("Two councillors from Kilby wrote to the harbour board on Monday.\n\n"
            "“The dredging plan ignores the fishing fleet entirely,” they wrote.")
    assert quotes(nlp, body) == [("The dredging plan ignores the fishing fleet entirely",
                                  "Two councillors from Kilby")]


def test_a_partial_quotation_takes_the_subject_of_the_clause_above_it(nlp):
    body = ("Mayor Helen Garcia toured the flooded streets on Sunday. That is why she wanted to "
            "“go the extra mile” for the families there.")
    assert quotes(nlp, body) == [("go the extra mile", "Helen Garcia")]


def test_more_reporting_verbs_of_general_english(nlp):
    body = ("“They could have fixed this years ago,” Senator Pia Lundqvist fumed on Tuesday.\n\n"
            "“We asked and asked,” remembered Tomasz Kell, a retired pilot.")
    assert quotes(nlp, body) == [("They could have fixed this years ago", "Pia Lundqvist"),
                                 ("We asked and asked", "Tomasz Kell")]


def test_a_title_set_off_by_commas_is_not_a_quotation(nlp):
    body = ("Readers in Kilby still pass around her memoir, “Rising Tides Of Harbourton,” and quote it "
            "at meetings.")
    doc = nlp(body)
    assert [(body[q.start:q.end], q.kind) for q in extract_quotes(doc, analyse_entities(doc))] == [
        ("Rising Tides Of Harbourton", "scare")]


def test_a_quotation_continues_the_speaker_of_a_few_paragraphs_before(nlp):
    body = ("“We will rebuild the pier,” said Mayor Helen Garcia.\n\n"
            "The pier was damaged in the March storms.\n\n"
            "Repairs were estimated at two million.\n\n"
            "“It will be ready for the summer season.”")
    doc = nlp(body)
    found = [(body[q.start:q.end], q.attribution.speaker, q.attribution.evidence)
             for q in extract_quotes(doc, analyse_entities(doc)) if q.kind == "direct"]
    assert found == [("We will rebuild the pier", "Helen Garcia", "cue_after"),
                     ("It will be ready for the summer season.", "Helen Garcia", "follow_far")]


def test_an_anonymous_source_keeps_the_words_that_place_it(nlp):
    body = "“The talks will collapse by Friday,” said a person close to the Harbourton negotiators."
    assert quotes(nlp, body) == [("The talks will collapse by Friday",
                                  "a person close to the Harbourton negotiators")]


def test_a_question_inside_an_inner_quotation_keeps_its_attribution(nlp):
    body = ("“When the flood came, her answer was, ‘What can we do to help?’” Amara Quist told "
            "reporters on Tuesday.")
    assert quotes(nlp, body) == [("When the flood came, her answer was, ‘What can we do to help?’",
                                  "Amara Quist")]


def test_confidence_follows_the_evidence_calibrated_on_development_data():
    from transforms.quotes import Attribution, confidence

    assert confidence(Attribution("Dana Ruiz", "e1", "Ruiz", "said", None, "cue",
                                  evidence="cue_after")) == 0.95
    assert confidence(Attribution("Dana Ruiz", "e1", "Ruiz", None, None, "follow_on",
                                  evidence="follow_same")) == 0.95
    assert confidence(Attribution("Dana Ruiz", "e1", "Ruiz", None, None, "follow_on",
                                  evidence="follow_far")) == 0.45
    # A description as written is as sure as its cue; resolved to an entity, it is capped.
    assert confidence(Attribution("a spokeswoman", None, "a spokeswoman", "said", None, "description",
                                  evidence="cue_after")) == 0.9
    assert confidence(Attribution("Kilby Council", "e2", "the council", "said", None, "description",
                                  evidence="cue_after")) == 0.65
    assert confidence(Attribution("Dana Ruiz", "e1", "she", "said", None, "pronoun",
                                  evidence="cue_after")) == 0.7


def test_a_description_with_a_name_set_off_by_commas_is_written_with_both(nlp):
    body = "The agency's director, James Okonkwo, told the committee the pier was “simply unsafe.”"
    doc = nlp(body)
    found = [(q.attribution.speaker, q.attribution.speaker_surface)
             for q in extract_quotes(doc, analyse_entities(doc)) if q.kind == "partial"]
    assert found == [("James Okonkwo", "agency's director, James Okonkwo")]


def test_a_newspaper_reporting_a_speaker_is_the_source_it_is_known_through(nlp):
    body = ("Asked about the closure, Mayor Dana Ruiz said: “There will always be exceptions,” the "
            "Harbourton Ledger reported.")
    doc = nlp(body)
    found = [(q.attribution.speaker, q.attribution.according_to)
             for q in extract_quotes(doc, analyse_entities(doc)) if q.kind == "direct"]
    assert found == [("Dana Ruiz", "Harbourton Ledger")]


def test_as_someone_put_it_and_reacted(nlp):
    body = ("As the Harbourton Ledger's Mira Castell put it, the council wants “a pier nobody can "
            "afford.”\n\n"
            "“Nobody asked the fishermen,” reacted Senator Pia Lundqvist.")
    assert quotes(nlp, body) == [("a pier nobody can afford.", "Mira Castell"),
                                 ("Nobody asked the fishermen", "Pia Lundqvist")]


def test_a_name_and_colon_chanted_inside_the_marks_is_not_the_speaker(nlp):
    body = ("Holding signs, the protesters outside the depot chanted “Mayor Dana Ruiz: Bad for Kilby, "
            "bad for you.”")
    assert quotes(nlp, body) == [("Mayor Dana Ruiz: Bad for Kilby, bad for you.",
                                  "protesters outside the depot")]


def test_a_straight_mark_after_an_inner_quotation_and_a_space_closes_the_quotation(nlp):
    body = ('"Picture the pier at dawn, while someone says, \'We have to save it,\' " said former harbour '
            "master Ines Calloway at the hearing.")
    assert quotes(nlp, body) == [("Picture the pier at dawn, while someone says, 'We have to save it,'",
                                  "Ines Calloway")]


def test_an_age_standing_for_the_speaker_before_the_cue(nlp):
    body = ("Lorna Brightwater posted the clip on Thursday.\n\n"
            "“Nobody asked us about the ferry,” the 43-year-old said in the video.")
    assert quotes(nlp, body) == [("Nobody asked us about the ferry", "43-year-old")]


def test_it_takes_the_organisation_described_before(nlp):
    body = ("“Nobody at the firm has any link to the seller,” the company wrote in its statement.\n\n"
            "It added, “We want no part in this sale.”")
    assert quotes(nlp, body) == [("Nobody at the firm has any link to the seller", "company"),
                                 ("We want no part in this sale.", "company")]


def test_a_columnist_whose_surname_is_a_modal_verb(nlp):
    body = ("Columnist Harriet Will has followed the pier dispute for years.\n\n"
            "“The council has lost the plot on this one,” Will wrote on Sunday, and the mayor "
            "answered within the hour.")
    assert quotes(nlp, body) == [("The council has lost the plot on this one", "Harriet Will")]


def test_a_partial_quotation_with_no_cue_continues_the_last_speaker(nlp):
    body = ("“We cannot fund the pier this year,” Councillor Amos Pembe said on Monday. But the repairs "
            "remain “the first thing we will do when the money comes.”")
    doc = nlp(body)
    found = [(body[q.start:q.end], q.kind, q.attribution.speaker, q.attribution.evidence)
             for q in extract_quotes(doc, analyse_entities(doc)) if q.kind in ("direct", "partial")]
    assert found == [("We cannot fund the pier this year", "direct", "Amos Pembe", "cue_after"),
                     ("the first thing we will do when the money comes.", "partial", "Amos Pembe",
                      "follow_partial")]


def test_an_opening_mark_typed_where_the_closing_one_was_meant(nlp):
    body = "“The ferry will run again by June,“ said harbour master Ines Calloway. “We have the parts now.”"
    assert quotes(nlp, body) == [("The ferry will run again by June", "Ines Calloway"),
                                 ("We have the parts now.", "Ines Calloway")]
    from transforms.marks import pair_marks

    text = "She called the levy “unfair“ and the pier plan “a fantasy.”"
    assert [(text[p.open + 1 : p.end], p.closed) for p in pair_marks(text)] == [("unfair", True),
                                                                                 ("a fantasy.", True)]


def test_a_reporting_verb_tagged_as_a_noun_after_the_quotation(nlp):
    body = ("The councillors sent their letter to the ferry board on Friday.\n\n"
            "“We do not understand the need for another delay,” the two write.\n\n"
            "An audit of the pier was finished in May.\n\n"
            "“Nobody checked the ferry logs for a year,” the document states.")
    assert quotes(nlp, body) == [("We do not understand the need for another delay", "two"),
                                 ("Nobody checked the ferry logs for a year", "document")]


def test_a_programme_title_ending_its_sentence_and_a_programme_told(nlp):
    body = ("“The pier will reopen in May,” Mayor Dana Ruiz said on the Ledger's “Harbour Morning Call.”\n\n"
            "“We have the money now,” Ruiz told “Coast Radio Tonight,” adding that the works start soon.")
    doc = nlp(body)
    found = [(body[q.start:q.end], q.kind) for q in extract_quotes(doc, analyse_entities(doc))
             if q.kind != "indirect"]
    assert found == [("The pier will reopen in May", "direct"), ("Harbour Morning Call.", "scare"),
                     ("We have the money now", "direct"), ("Coast Radio Tonight", "scare")]


def test_a_headline_with_its_byline_in_a_roundup_is_not_a_quotation(nlp):
    body = ("HARBOUR NEWS—“Kilby pier to close for the winter,” by the Ledger's Ada Marsh: “The pier "
            "will close on Monday for repairs.”")
    doc = nlp(body)
    found = [(body[q.start:q.end], q.kind) for q in extract_quotes(doc, analyse_entities(doc))
             if q.kind != "indirect"]
    assert found[0] == ("Kilby pier to close for the winter", "scare")
    # The excerpt after the byline is the article's text, not a statement (see
    # test_quotes_detection.py).
    assert found[1] == ("The pier will close on Monday for repairs.", "scare")


def test_the_first_person_outside_quotation_marks_is_the_author(nlp):
    body = ("I met the harbour master on the pier at dawn.\n\n"
            "“Is the ferry running today?” I asked her. “Not until the storm passes,” she said.")
    assert quotes(nlp, body)[0] == ("Is the ferry running today?", "the author")


def test_an_inverted_cue_with_an_indefinite_speaker(nlp):
    body = "“The vote will be close on Tuesday,” said one of the councillors, who asked not to be named."
    assert quotes(nlp, body) == [("The vote will be close on Tuesday", "one of the councillors")]


def test_slogans_cited_with_their_year_are_not_quotations(nlp):
    body = ("The party's posters have grown harsher over the years: “Close the harbour to strangers” "
            "(2009) and “No ferry for outsiders” (2014).")
    doc = nlp(body)
    kinds = [q.kind for q in extract_quotes(doc, analyse_entities(doc)) if q.kind != "indirect"]
    assert kinds == ["scare", "scare"]


def test_a_place_parsed_as_the_subject_does_not_speak_for_the_person_after_it(nlp):
    body = "On Monday in Kilby, Ohio, the governor, Dana Ruiz, said, “We are going all the way.”"
    assert quotes(nlp, body) == [("We are going all the way.", "Dana Ruiz")]


def test_a_name_inside_the_speakers_of_phrase_does_not_speak(nlp):
    body = ("Campaign groups were less forgiving. Lwazi Okonkwo-Marsh of the advocacy group Coast First "
            "called the outcome “another year lost for the fishermen of Kilby.”")
    assert quotes(nlp, body) == [("another year lost for the fishermen of Kilby.", "Lwazi Okonkwo-Marsh")]


def test_a_statement_lead_in_takes_the_main_clauses_subject(nlp):
    body = ("When Halvorsen retired in 1998, Mayor Dana Ruiz released the following statement:\n\n"
            "“We thank Halvorsen for forty years at the harbour.”")
    assert quotes(nlp, body) == [("We thank Halvorsen for forty years at the harbour.", "Dana Ruiz")]


def test_a_signed_roundup_line_with_a_verb_before_the_dash(nlp):
    body = ("Forecasters agree - Ines Moreau: “Keep counting the ballots until the very last one.”")
    assert quotes(nlp, body) == [("Keep counting the ballots until the very last one.", "Ines Moreau")]


def test_the_agent_of_a_passive_cue_speaks(nlp):
    body = ("Okafor was asked by the moderator, Lena Marsh, “Will you raise taxes on the port?”\n\n"
            "Asked by Ruiz whether the mayor “understands” the harbour, Okafor shrugged.")
    assert quotes(nlp, body) == [("Will you raise taxes on the port?", "Lena Marsh"), ("understands", "Ruiz")]


def test_a_document_speaks_for_whoever_issued_it(nlp):
    body = ("Her office put out a statement saying the city “does not have the money to rebuild the pier.”"
            "\n\nThe Ruiz campaign sent a text message to supporters saying Okafor “cannot be trusted "
            "with the harbour.”")
    assert quotes(nlp, body) == [("does not have the money to rebuild the pier.", "Her office"),
                                 ("cannot be trusted with the harbour.", "Ruiz campaign")]


def test_a_cue_parsed_as_a_reduced_relative_has_the_noun_before_it_as_subject(nlp):
    body = ("The proposal prompted the council to call a debate on whether to ban Okafor; one councillor "
            "called Okafor “the orange prince of harbour self-publicity.” But the motion failed.\n\n"
            "After the storm, Ruiz released a new radio ad calling it “reckless” that Okafor “has no plan "
            "for the harbour.”")
    assert quotes(nlp, body) == [("the orange prince of harbour self-publicity.", "one councillor"),
                                 ("reckless", "Ruiz"), ("has no plan for the harbour.", "Ruiz")]


def test_the_nearest_cue_speaks_even_when_its_subject_is_no_entity(nlp):
    # A later cue with a named subject ("Ruiz said") does not take over from the cue that governs
    # the quotation when that one's subject is someone in particular ("his wife", "a man").
    body = ("His wife had warned him not to be too harsh in the debate, to act “presidential,” but Ruiz "
            "said he ignored her.")
    assert quotes(nlp, body) == [("presidential", "His wife")]


def test_a_share_of_those_asked_is_the_speaker(nlp):
    body = ("Voters in Kilby were asked whether Mayor Tobias Wren would win again. Of those, 21 percent "
            "said “not too likely.” Another 14 percent said “not at all likely.”")
    assert quotes(nlp, body) == [("not too likely.", "21 percent"),
                                 ("not at all likely.", "Another 14 percent")]


def test_the_one_prompted_or_urged_does_the_saying(nlp):
    # Object control: in "prompted Fenwick to ... call", Fenwick calls; in "used the hearing to
    # demand", the subject demands.
    body = ("At one point the heckling prompted Councillor Dario Fenwick to make a joke about trams and "
            "call the plan “a folly,” a nod to the budget.\n\n"
            "Local unions used the hearing to demand that the city “pay its fair share into the pension "
            "fund.”")
    assert quotes(nlp, body) == [("a folly", "Dario Fenwick"),
                                 ("pay its fair share into the pension fund.", "Local unions")]


def test_a_second_relative_clause_is_about_the_same_person(nlp):
    body = ("The mayor was rallying for a retired teacher named Ada Marsh, who is running for the council "
            "and who worked the room, praising “the mayor's patience” as she went.")
    assert quotes(nlp, body) == [("the mayor's patience", "Ada Marsh")]


def test_an_attribution_after_an_ellipsis_and_a_cue_word_before_the_cue(nlp):
    # The quotation trails off (…) before its attribution; "email" (a cue word too) is the subject
    # of "read".
    body = ("Okafor asked whether Ruiz would run.\n\n"
            "“Well, yes. I am going to look at it…” Ruiz said.\n\n"
            "The Ruiz campaign sent an appeal on Monday.\n\n"
            "“Friend, let me be blunt. We can win,” the email read.")
    assert quotes(nlp, body) == [("Well, yes. I am going to look at it…", "Ruiz"),
                                 ("Friend, let me be blunt. We can win", "email")]


def test_a_quotation_without_a_cue_continues_the_last_reported_speaker(nlp):
    # Reported speech since the last quotation names who goes on speaking.
    body = ("“The count is final,” Mayor Dana Ruiz said on Monday.\n\n"
            "Councillor Ada Okafor argued that the count was flawed. Her letter went to every member of "
            "the council.\n\n"
            "“We should wait for the audit before anyone declares a winner.”")
    said = "We should wait for the audit before anyone declares a winner."
    assert quotes(nlp, body) == [("The count is final", "Dana Ruiz"), (said, "Ada Okafor")]


def test_a_relative_clause_on_a_document_speaks_for_whoever_issued_it(nlp):
    body = ("To sell the tickets, Mayor Dana Ruiz released a video that said, “Every seat will be a good "
            "seat.”\n\n"
            "At the rally, Ada Okafor held up a placard that read “No more fares!”")
    assert quotes(nlp, body) == [("Every seat will be a good seat.", "Dana Ruiz"),
                                 ("No more fares!", "Ada Okafor")]


def test_the_one_told_and_a_fronted_of_are_not_the_speaker(nlp):
    body = ("“Yes, I back Dana Ruiz,” Brent Okafor III, founder of the Kilby Civic Trust, tells Harbour "
            "Radio News in an interview.\n\n"
            "“He is funny,” attorney Eric Levane said of Ruiz. “But as mayor, he is a circus act.” Of "
            "Okafor, Levane, who has given money to Marsh, said, “He is scary.”")
    assert quotes(nlp, body) == [("Yes, I back Dana Ruiz", "Brent Okafor III"),
                                 ("He is funny", "Eric Levane"),
                                 ("But as mayor, he is a circus act.", "Eric Levane"),
                                 ("He is scary.", "Eric Levane")]


def test_a_participle_hung_on_a_verb_inside_the_quotation_keeps_its_clause_subject(nlp):
    # The parse may hang the whole lead-in on "said" inside the quotation; "telling" goes with
    # Weaver's clause, not with a name in it.
    body = ("Weaver didn’t seem particularly impressed with Okafor’s comments Tuesday, telling reporters, "
            "“A lot of people said the governor should step down.”")
    assert quotes(nlp, body) == [("A lot of people said the governor should step down.", "Weaver")]


def test_a_title_tagged_as_a_name_in_lower_case_is_a_description(nlp):
    body = ("The clip came from a rally with Ruiz and Okafor, where the secretary of state said she was "
            "“not only here to do my job” but also to back her candidate.")
    doc = nlp(body)
    [found] = [q.attribution for q in extract_quotes(doc, analyse_entities(doc)) if q.kind == "partial"]
    assert (found.speaker_surface, found.method) == ("secretary of state", "description")


def test_a_share_of_those_asked_is_known_through_the_poll(nlp):
    body = ("In a Harbour Ledger poll released Monday, 31 percent of voters said they were “extremely "
            "enthusiastic” about the vote.")
    doc = nlp(body)
    [found] = [q.attribution for q in extract_quotes(doc, analyse_entities(doc)) if q.kind == "partial"]
    poll = "a Harbour Ledger poll released Monday"
    assert (found.speaker, found.according_to) == ("31 percent of voters", poll)


def test_a_partial_quote_in_a_claim_is_the_claimants(nlp):
    body = ("Mayor Dana Ruiz's accusation that Ada Okafor is playing the “blame game” started a week of "
            "debate.\n\n"
            "Okafor's pledge to stay “neutral” during the talks did not last.")
    assert quotes(nlp, body) == [("blame game", "Dana Ruiz"), ("neutral", "Okafor")]


def test_a_name_tagged_as_a_common_noun_keeps_its_cue(nlp):
    # "D’Souza" is tagged a common noun: still a name, the cue right before the quotation is its.
    body = ("After the Ledger’s Ada Marsh asked the conservative who he thought would win the race, "
            "D’Souza replied, “If I had to bet now, I would bet on Ruiz.”")
    assert quotes(nlp, body) == [("If I had to bet now, I would bet on Ruiz.", "D’Souza")]


def test_an_inverted_description_keeps_the_phrase_the_parse_hung_on_the_verb(nlp):
    body = "“This is eerily similar to the first race in 2004,” said one longtime adviser to Dana Ruiz."
    assert quotes(nlp, body) == [("This is eerily similar to the first race in 2004",
                                  "one longtime adviser to Dana Ruiz")]


def test_a_cue_hung_on_a_name_before_a_comma_is_that_names(nlp):
    # The parse runs on from the question before and hangs "called" on De Lasio as a reduced
    # relative: a name set off by a comma takes none, De Lasio calls.
    body = ("Mayor Dana Ruiz asked the crowd, “Who will keep the city safe?”\n\n"
            "De Lasio, a radio host, called Ruiz a “blowhard,” and said his remarks were “propaganda” for "
            "the opposition.")
    got = quotes(nlp, body)
    assert got[1] == ("blowhard", "De Lasio")


def test_an_attribution_set_aside_from_a_later_cue_keeps_its_speaker(nlp):
    body = ("The moderators pressed him on it.\n\n"
            "“I never said that. I never said that,” Ruiz said, after the Ledger's Ada Marsh said the mayor "
            "had called the plan a fraud.")
    assert quotes(nlp, body) == [("I never said that. I never said that", "Ruiz")]


def test_the_cue_right_after_the_closing_mark_speaks_however_the_parse_hangs_it(nlp):
    body = ("“Nobody has seen a director do that,” Okafor said.\n\n"
            "Ruiz cannot say that “from his perspective,” Okafor added, saying it should be “up to the "
            "prosecutor.”")
    assert quotes(nlp, body)[:2] == [("Nobody has seen a director do that", "Okafor"),
                                     ("from his perspective", "Okafor")]


def test_a_newspaper_reporting_after_its_verb_is_the_source_it_is_known_through(nlp):
    body = ("Mayor Dana Ruiz noted that the levy is “central” to the budget for the first time, reported the "
            "Harbourton Ledger.")
    doc = nlp(body)
    found = [(q.attribution.speaker, q.attribution.according_to)
             for q in extract_quotes(doc, analyse_entities(doc)) if q.kind == "partial"]
    assert found == [("Dana Ruiz", "Harbourton Ledger")]


def test_a_quotation_after_a_sentence_about_a_described_person_is_theirs(nlp):
    body = ("The count went on all night in Kilby.\n\n"
            "The party leader further recalled that the vote was close. “I sensed we would lose the second "
            "round.”")
    assert quotes(nlp, body) == [("I sensed we would lose the second round.", "party leader")]


def test_a_more_from_lead_in_names_the_speaker(nlp):
    body = ("Turnout held up in the north all along - More from Ada Marsh and Tom Reed: “Our data show the "
            "shift came late.”")
    assert quotes(nlp, body) == [("Our data show the shift came late.", "Tom Reed")]


def test_a_number_counting_back_is_not_a_share_of_those_asked(nlp):
    body = ("Several other districts in the region have moved to later start times, and two of them have "
            "reported higher attendance in first-period classes.")
    assert quotes(nlp, body, kinds=("indirect",)) == [("higher attendance in first-period classes",
                                                        "Several other districts in the region")]
