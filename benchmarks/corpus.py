"""Deterministic synthetic news corpus for throughput benchmarks (issue 6).

    .venv/bin/python benchmarks/corpus.py OUT_DIR --articles N [--seed S] [--jobs J]

Writes N article dumps into OUT_DIR, spread over eight fictional news sources (one sub-folder
each), in the shapes `wirehouse run` reads:

* about 70% of the articles as plain-text page copies (`.txt`, a few `.txt.gz`): cookie banner,
  site name and menu, headline, byline and dateline, body paragraphs with UI residue between
  them (share bars, "Advertisement", "Oops! Something went wrong. Please try again later.",
  newsletter prompts, related links, app promos), then a "most read" list and the site footer;
* about 15% as HTML pages (`.html`: <nav>, <article>, <p>, <aside> related links, <footer>);
* about 15% as news-please style JSON Lines (`.jsonl`, a third of them `.jsonl.gz`), several
  articles per file, with `title`, `maintext` (or `text`), `url`, `date_publish` and `authors`.

Everything is invented from templates and vocabularies written for this file: fictional people
(first and last names, roles), organisations and places, narrative sentences and direct quotes
attributed the ways news copy does it (`“…,” Surname said.`, `Name said: “…”`, `“…,” said Name,
the role of Org.`, a follow-on quote by the same speaker, a pronoun after a name, partial
quotes, `according to`). About one quotation per 80-120 words. Body lengths are drawn from a
lognormal with a median of 600 words, clipped to [80, 5000]. Site furniture and residue repeat
per source (so corpus boilerplate learning sees them); article paragraphs do not.

Deterministic: the layout (source, format, grouping of JSON Lines files) comes from
random.Random(f"{seed}") and every article from its own random.Random(f"{seed}/{index}"), so the
same seed and N give byte-identical files (gzip headers carry no time or name), with any --jobs.
Files are written as they are generated; only the manifest is kept in memory.

`generate(out_dir, n_articles, seed)` returns the manifest, a list of
{path, format, articles, words, quotes, article_words} (path relative to out_dir, words and
quotes summed over the file's articles, article_words one body word count per article, quotes
the quotation spans written); the CLI also writes it to OUT_DIR/.manifest.json and prints totals.
The manifest is a hidden file because `wirehouse run OUT_DIR` ingests every other file under
OUT_DIR: a visible manifest.json would be read as a JSON dump of empty articles.
"""
from __future__ import annotations

import argparse
import gzip
import html
import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Iterator, Optional

# --- lengths and densities -------------------------------------------------------------------
MEDIAN_WORDS = 600
LENGTH_SIGMA = 0.8  # lognormal shape: p99 about 3,800 words, about 0.4% clipped at 5,000
MIN_WORDS, MAX_WORDS = 80, 5000
QUOTE_GAP_WORDS = (45, 95)  # narrative words between quotation events (about 1 quote / 100 words)
FORMAT_SHARES = (("txt", 0.70), ("html", 0.15), ("jsonl", 0.15))
TXT_GZIP_SHARE = 0.08
JSONL_GZIP_SHARE = 0.35
JSONL_RECORDS = (3, 12)  # articles per JSON Lines file
MANIFEST_NAME = ".manifest.json"  # hidden: wirehouse's discovery skips hidden files

# --- the sources ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    slug: str  # sub-folder
    name: str
    domain: str
    topics: tuple[str, ...]
    menu: tuple[str, ...]
    newsletter: str
    app: str
    residue_rate: float  # chance of a residue block between two paragraphs of a page copy


SOURCES = (
    Source("harbour-ledger", "The Harbour Ledger", "harbourledger.example.com",
           ("council", "courts", "transport", "weather", "council"),
           ("Home", "News", "Local", "Politics", "Business", "Sport", "Weather", "Opinion", "Obituaries"),
           "Sign up for the Harbour Ledger morning briefing", "Download the Harbour Ledger app", 0.16),
    Source("northgate-business", "Northgate Business Review", "northgatebusiness.example.com",
           ("business", "business", "technology", "transport"),
           ("Markets", "Companies", "Economy", "Technology", "Property", "Careers", "Podcasts"),
           "Sign up for our Markets at Noon newsletter", "Get the Northgate Business Review app", 0.12),
    Source("valley-sport", "Valley Sport Daily", "valleysport.example.net",
           ("sport", "sport", "sport"),
           ("Football", "Rugby", "Cricket", "Rowing", "Athletics", "Results", "Fixtures", "Video"),
           "Sign up for the Final Whistle newsletter", "Download the Valley Sport app", 0.20),
    Source("capital-courier", "The Capital Courier", "capitalcourier.example.com",
           ("politics", "education", "health", "politics"),
           ("News", "Politics", "World", "Education", "Health", "Opinion", "Letters"),
           "Sign up for our daily newsletter", "Download the Capital Courier app", 0.14),
    Source("coastline-news", "Coastline News", "coastlinenews.example.org",
           ("weather", "environment", "business", "council"),
           ("Home", "Coast", "Environment", "Fishing", "Business", "Events", "Weather"),
           "Sign up for the Coastline weekly newsletter", "Download the Coastline News app", 0.18),
    Source("science-desk", "The Science Desk", "sciencedesk.example.org",
           ("science", "health", "environment", "technology"),
           ("Science", "Health", "Environment", "Space", "Technology", "Features", "Newsletters"),
           "Sign up for The Science Desk weekly newsletter", "Get The Science Desk app", 0.10),
    Source("riverside-arts", "Riverside Arts & Culture", "riversidearts.example.net",
           ("culture", "culture", "education"),
           ("Arts", "Music", "Film", "Books", "Theatre", "What's On", "Reviews"),
           "Sign up for our weekend culture newsletter", "Download the Riverside Arts app", 0.14),
    Source("regional-wire", "Regional Wire Service", "regionalwire.example.com",
           ("council", "business", "courts", "sport", "health", "weather", "politics", "science"),
           ("Top News", "Regions", "Business", "Sport", "Health", "Science", "Photos"),
           "Subscribe to the Regional Wire evening digest", "Download the Regional Wire app", 0.08),
)
SOURCE_WEIGHTS = (16, 13, 14, 14, 12, 10, 9, 12)

# --- people, places, organisations --------------------------------------------------------

FEMALE = """Ada Adaeze Agnes Aisha Alma Amara Ana Anneke Astrid Beatriz Bernadette Carmen Clara Colette
Dagny Delia Denise Dora Elena Elif Esther Farah Freya Gemma Greta Hana Harriet Helen Ines Ingrid
Irene Isla Jana Joanna Judith Kasia Keiko Lena Leonie Lucia Lydia Maeve Malin Margaret Maria Marta
Mei Mira Nadia Naomi Niamh Noor Olga Paloma Priya Rachel Rosa Ruth Saoirse Selin Sofia Tamsin Tessa
Teresa Ulla Vera Wanjiru Yara Zofia""".split()
MALE = """Aarav Adrian Alasdair Anil Anton Arjun Ben Bram Carlos Casimir Cedric Dale Daniel Declan
Dmitri Duncan Elias Emeka Erik Felix Florian Gareth Gordon Hamid Hugo Idris Ivan Jakob Jonas Joseph
Kenji Kofi Lars Liam Luka Malik Marcus Mateo Matthias Nikhil Nils Olusegun Omar Oscar Owen Paolo
Pieter Quentin Rafael Ravi Rhys Samuel Sandor Sebastian Stefan Tariq Tobias Tomas Victor Viktor
Walter Wilhelm Yusuf Zoran""".split()
LAST = """Abernethy Achterberg Adeyemi Albrecht Alvarado Amsel Andersen Ashdown Bakshi Balogun
Barkley Bergström Blackwood Brandvold Brennan Calloway Carrick Castellanos Chaudhry Cheung Dalgleish
Delacroix Desai Drummond Ekwueme Elsworth Engström Falconer Farrow Feld Ferraro Fitzgerald Galloway
Garside Grange Greenhalgh Haddad Halloran Hartigan Haverford Hoffmann Holloway Ibarra Imbert Iversen
Jablonski Jansen Kavanagh Kettering Khoury Kowalczyk Kwan Lachance Lindqvist Lockhart Lowenthal
Madsen Mahoney Marchetti Marsh Mbeki Mcallister Mehra Mercer Montague Moreau Nakamura Navarro
Nieminen Novak Nwosu Oduya Okafor Okonkwo Olsen Ortega Osei Pacheco Pembroke Petrović Pike Pryce
Quinlan Radcliffe Ramaswamy Rasmussen Ravensworth Reyes Rinaldi Rivera Rosenthal Rowntree Sandoval
Santos Scholz Selwyn Shapiro Sinclair Solberg Sorensen Strand Sullivan Tanaka Thackeray Thorne
Toivonen Trevelyan Underwood Valdivia Vance Varga Vos Wainwright Walcott Weatherby Whitcombe
Winterbourne Wojcik Yamamoto Yilmaz Zelenko Ziegler""".split()
PLACE_HEADS = """Ash Alder Bram Brack Calder Carrow Cress Dun Eld Fair Glen Greyhaven Hal Harrow Hol
Ives Kel Kil Lin Mar Mill Nor Oak Orland Pen Rad Sel Stan Thorn Wes Whit Wyn""".split()
PLACE_TAILS = """ford brook field haven mouth ton wick bury dale more stead port cliff ley worth gate
bridge combe hurst minster""".split()
PLACE_PATTERNS = ("{h}{t}", "{h}{t}", "{h}{t}", "{h}{t}", "Port {h}{t}", "East {h}{t}", "{h}{t} Bay",
                  "Upper {h}{t}", "{h}{t} Falls")
BRANDS = """Kestrel Feldmark Alderon Brightwater Corvid Halcyon Ironvale Lumenor Meridane Northway
Orbis Pellam Redfern Silverline Tamsin Vantor Westmark Zephyr Ardent Bluefin Cobalt Driftwood
Everly Foxglove Granite Heron Juniper Larkspur Marlow Nimbus Osprey Quarrystone Rowan Sableton
Tidewater Umber Wrenfield""".split()
INDUSTRIES = """Robotics Foods Logistics Energy Marine Pharmaceuticals Motors Software Textiles
Airlines Retail Mining Telecom Insurance Biotech Builders Dairies Solar Freight Semiconductors""".split()
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
SMALL = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a dozen")
DURATIONS = ("two years", "18 months", "three years", "six months", "nearly a decade", "four years",
             "more than a year", "almost two years", "five years", "eight months", "a generation")
# Other papers an official "told" (fictional; a source's own name is not used for its articles).
OUTLETS = ("the Harbour Ledger", "the Capital Courier", "Coastline News", "the Northgate Business Review",
           "the Regional Wire Service", "the Evening Standard-Tribune", "the Morning Herald", "the Valley Gazette")

# --- topics: roles, organisations, subjects, headlines, narrative and quotes ----------------------
# Roles: (title before a name or None, apposition after "Name, "). {org} is the story's main
# organisation, {org2} a second one, {place} the story's town.
# Narrative templates: {P} is a person mentioned as a sentence subject ("Chief executive Marcus
# Feld" the first time, "Feld" later); other fields are drawn by Slots.

TOPICS: dict[str, dict] = {
    "council": dict(
        orgs=("{place} City Council", "{place} Borough Council", "{place} District Council"),
        orgs2=("the {place} Planning Commission", "the {place} Chamber of Commerce", "the state Department of Transport",
               "the {place} Residents' Association", "the {place} Civic Trust"),
        roles=(("Mayor", "the mayor of {place}"), ("Councillor", "a councillor on {org}"),
               ("City manager", "the city manager of {place}"), ("Council leader", "the leader of {org}"),
               ("Planning officer", "a senior planning officer at {org}"),
               (None, "who chairs {org2}"), (None, "who runs a {shop} on {street}"),
               (None, "a retired {job} who has lived in {place} for {dur}"),
               ("Opposition councillor", "who leads the opposition group on {org}")),
        things=("the {street} bridge replacement", "the downtown parking overhaul", "the {place} housing plan",
                "the new central library", "the {street} bus lane scheme", "the riverside rezoning proposal",
                "the {place} flood defence scheme", "the plan to pedestrianise {street}", "the council budget",
                "the proposed leisure centre on {street}", "the {place} market hall restoration"),
        groups=("residents", "shop owners on {street}", "commuters", "families in {place}", "taxpayers",
                "older residents", "small businesses", "tenants", "ratepayers in {place}", "neighbours"),
        headlines=("{place} council approves {amount} plan for {thing_short}",
                   "{place} councillors delay vote on {thing_short} after heated meeting",
                   "Residents push back against {thing_short} in {place}",
                   "{place} mayor defends {thing_short} as costs climb to {amount}",
                   "{place} unveils {amount} scheme to revive {street}",
                   "Council vote clears way for {thing_short} in {place}"),
        facts=("The council voted {votes} on {day} night after a meeting that ran past midnight.",
               "The project will be paid for with a state grant and a bond approved by voters in {year}.",
               "Engineers closed part of {street} in {month} after inspectors found cracked concrete.",
               "More than {num} people signed a petition calling for the plan to be scrapped.",
               "Officials estimate the work will take about {dur} once contracts are signed.",
               "The planning documents run to more than {num} pages and include {small} alternative designs.",
               "A public consultation drew {num} written responses, most of them from {groups}.",
               "The scheme was first proposed in {year} but stalled when construction costs rose sharply.",
               "Under the plan, {street} would close to through traffic for {dur}.",
               "The council has set aside {amount} for the first phase of the work.",
               "{Org2} has asked for an independent review of the cost estimates.",
               "Turnout at the last local election in {place} was {pct} percent."),
        quotes=("Every month that {thing} is delayed costs {groups} real money.",
                "We listened to {groups}, and this plan is better because of it.",
                "I was elected to fix the roads and the bridges, not to write more reports.",
                "Nobody on this council wants to raise taxes, but the repairs cannot wait forever.",
                "{Street} used to be the heart of {place}, and it can be again.",
                "The numbers in this report have changed three times since {month}.",
                "If we don't act now, the next council will be paying twice as much for the same work.",
                "People have waited {dur} for a decision, and they deserve one tonight."),
    ),
    "politics": dict(
        orgs=("the Ministry of Finance", "the Department of Health", "the Ministry of Transport",
              "the Treasury", "the Department of Education", "the Ministry of Housing"),
        orgs2=("the Progressive Alliance", "the National Reform Party", "the {place} Institute for Public Policy",
               "the Taxpayers' Union", "the Federation of Small Businesses", "the Public Accounts Committee"),
        roles=(("Finance Minister", "the finance minister"), ("Housing Minister", "the housing minister"),
               ("Senator", "a senator for {place}"), ("Opposition leader", "the leader of {org2}"),
               (None, "a spokesperson for {org}"), ("Economist", "an economist at {org2}"),
               (None, "who represents {place} in parliament"), ("Deputy Prime Minister", "the deputy prime minister"),
               (None, "a political scientist at the University of {place2}")),
        things=("the budget", "the housing bill", "the proposed fuel tax", "the pension reform package",
                "the new childcare subsidy", "the public sector pay deal", "the electoral reform bill",
                "the {amount} infrastructure fund", "the regional investment plan", "the rent control proposal"),
        groups=("voters", "working families", "pensioners", "first-time buyers", "public sector workers",
                "young people", "renters", "farmers", "people in {place}", "small employers"),
        headlines=("Government unveils {amount} {thing_short} ahead of budget vote",
                   "Opposition vows to fight {thing_short} in parliament",
                   "Minister under pressure as {thing_short} splits coalition",
                   "{thing_cap} passes first reading by {votes_short} votes",
                   "Critics say {thing_short} leaves {groups} behind",
                   "Parliament to debate {thing_short} after months of delay"),
        facts=("The bill passed its first reading by {votes} on {day} after a debate lasting {small} hours.",
               "The government holds a majority of {small} seats in the lower house.",
               "Independent forecasters say the measures would cost {amount} over five years.",
               "A poll published on {day} found {pct} percent of voters supported the change.",
               "The committee is due to report its findings by the end of {month}.",
               "The plan was a central promise of the coalition's {year} election campaign.",
               "{Org2} said the figures had not been independently checked.",
               "Ministers have already made {small} changes to the bill since it was introduced in {month}."),
        quotes=("This budget is about making sure {groups} can plan for the future.",
                "The government has had {dur} to fix this and it has done nothing.",
                "We will not balance the books on the backs of {groups}.",
                "I would ask the opposition to read the bill before they attack it.",
                "There is nothing in this package for {groups}, and they know it.",
                "A promise made in an election campaign is still a promise.",
                "The figures don't add up, and the minister knows they don't add up.",
                "We have a plan, we have the money, and now we have the votes."),
    ),
    "business": dict(
        orgs=("{brand} {industry}", "{brand} {industry}", "{brand} Group", "{lastname} & Partners"),
        orgs2=("{brand2} {industry2}", "the {place} Chamber of Commerce", "the Federation of {industry2} Workers",
               "{brand2} Capital", "the {place} Stock Exchange"),
        roles=(("Chief executive", "the chief executive of {org}"), ("Chief financial officer", "the finance chief at {org}"),
               ("Founder", "who founded {org} in {year}"), ("Analyst", "an analyst at {org2}"),
               ("Union organiser", "a union organiser at the {place} plant"), (None, "a spokesperson for {org}"),
               ("Economist", "the chief economist at {org2}"), ("Chairman", "the chairman of {org}"),
               (None, "who has worked at the {place} site for {dur}")),
        things=("the {place} plant", "the expansion", "the takeover bid", "the new factory", "the restructuring plan",
                "the quarterly results", "the share buyback", "the warehouse network", "the merger",
                "the export deal", "the {amount} investment"),
        groups=("shareholders", "workers at the {place} plant", "customers", "suppliers", "investors",
                "the company's {num} employees", "contractors", "pension holders", "small suppliers"),
        headlines=("{org} to invest {amount} in {place}, adding {num} jobs",
                   "{org} shares fall {pct}% after profit warning",
                   "{org} agrees {amount} takeover of {org2_short}",
                   "Workers at {org} vote to strike over pay",
                   "{org} reports record revenue as demand for {product} grows",
                   "{org} to close {place} plant, putting {num} jobs at risk"),
        facts=("Shares in {org} rose {pct} percent in early trading on {day}.",
               "The company reported revenue of {amount} for the quarter, up {pct} percent on a year earlier.",
               "{Org} employs about {num} people, most of them in {place} and {place2}.",
               "Analysts had expected a smaller increase, citing weaker demand for {product}.",
               "The deal is subject to approval by competition regulators, which could take {dur}.",
               "The company paid an undisclosed sum for the site, which includes {small} warehouses.",
               "{Org2} said the agreement valued the business at about {amount}.",
               "The firm has cut its forecast for the full year twice since {month}.",
               "Production at the {place} site is expected to start in {month} next year.",
               "Talks between the company and the union broke down on {day} without an agreement."),
        quotes=("Demand for {product} has never been stronger, and we intend to meet it.",
                "We have orders for the next two years already, and the first line will be running by {month}.",
                "This is a good business with a bad balance sheet, and we are fixing the balance sheet.",
                "Nobody takes a decision like this lightly, least of all the people who have to make it.",
                "Our members have not had a real pay rise in {dur}.",
                "The market has been waiting for a clear plan, and this is one.",
                "We'll be at the table to make sure these are good jobs, not just jobs.",
                "Investors want growth, but they also want to see that the growth pays for itself."),
    ),
    "technology": dict(
        orgs=("{brand} Software", "{brand} Labs", "{brand} Semiconductors", "{brand} Systems", "{brand} Robotics"),
        orgs2=("the {place} Institute of Technology", "{brand2} Ventures", "the Data Protection Authority",
               "the Digital Rights Foundation", "{brand2} Networks"),
        roles=(("Chief technology officer", "the chief technology officer at {org}"), ("Founder", "who co-founded {org}"),
               ("Professor", "a professor of computer science at {org2}"), (None, "a spokesperson for {org}"),
               ("Engineer", "an engineer at {org}"), ("Analyst", "a technology analyst at {org2}"),
               (None, "who leads the security team at {org}")),
        things=("the new chip", "the data breach", "the software update", "the app", "the outage",
                "the {place} data centre", "the battery design", "the delivery robots", "the privacy policy change",
                "the chip factory"),
        groups=("users", "developers", "customers", "small businesses", "schools", "hospitals",
                "people in rural areas", "app developers", "the company's engineers"),
        headlines=("{org} unveils {product} it says will cut costs by {pct}%",
                   "Outage at {org} leaves {num} customers offline",
                   "{org} raises {amount} to expand {product} production",
                   "Regulator opens inquiry into {org} over data handling",
                   "{org} to build {amount} data centre near {place}"),
        facts=("The outage began shortly after {time} on {day} and lasted about {small} hours.",
               "The company said about {num} accounts had been affected.",
               "{Org} has raised more than {amount} from investors since it was founded in {year}.",
               "The data centre will draw power from a solar farm on the edge of {place}.",
               "Early tests showed the design used {pct} percent less energy than the previous version.",
               "{Org2} said it had received {num} complaints in the first week.",
               "The update was rolled out to users in {small} countries over {dur}."),
        quotes=("We made a mistake, we found it, and we fixed it within hours.",
                "Nobody should have to choose between a fast service and a private one.",
                "The hardware is the easy part; getting people to trust it takes longer.",
                "We tested it for {dur} before a single customer saw it.",
                "Every company says it takes security seriously until something goes wrong.",
                "It's a genuinely clever piece of engineering, but the price will decide whether it sells."),
    ),
    "courts": dict(
        orgs=("{place} County Court", "the {place} Crown Court", "{place} District Court"),
        orgs2=("the {place} Police Department", "the state prosecutor's office", "the {place} Legal Aid Society",
               "the Court of Appeal", "the {place} Sheriff's Office"),
        roles=(("Judge", "who presided over the trial"), ("Prosecutor", "a prosecutor with {org2}"),
               (None, "the defendant's lawyer"), ("Police Chief", "the chief of {org2}"),
               ("Detective Inspector", "who led the investigation"), (None, "a professor of law at the University of {place2}"),
               (None, "whose family attended every day of the trial")),
        things=("the fraud case", "the trial", "the verdict", "the appeal", "the investigation", "the sentencing",
                "the inquiry into the fire", "the lawsuit", "the corruption case"),
        groups=("jurors", "the victims' families", "residents", "taxpayers", "the town's residents", "witnesses",
                "former employees", "investors who lost money"),
        headlines=("Former {place} treasurer found guilty of diverting {amount}",
                   "Jury begins deliberations in {place} {crime} trial",
                   "Judge jails {place} {job} for {dur} over {crime}",
                   "Appeal court overturns conviction in {place} {crime} case",
                   "Police arrest {small} people after {crime} inquiry in {place}"),
        facts=("The jury deliberated for {small} hours before returning its verdict on {day}.",
               "The defendant, {age}, was convicted on all {num_small} counts after a {dur_short} trial.",
               "Prosecutors said more than {amount} had been moved through {small} bank accounts.",
               "The court heard evidence from {num_small} witnesses, including {small} former colleagues.",
               "Sentencing is scheduled for {month}, and the maximum penalty is {small} years in prison.",
               "The investigation began after a bank flagged unusual transfers in {year}.",
               "{Org2} said it had recovered about {amount} of the missing money.",
               "The trial was adjourned twice in {month} because of illness."),
        quotes=("You were asked to follow the money through a maze of accounts, and you did.",
                "We respect the jury, but we believe key evidence was wrongly admitted.",
                "Today the people of {place} got an answer.",
                "This case shows how long a trusted official can go unchecked when nobody asks questions.",
                "My client has always maintained his innocence, and he will keep doing so.",
                "Nothing that happens in this courtroom will bring back what these families lost.",
                "The evidence was overwhelming, and the jury saw that."),
    ),
    "transport": dict(
        orgs=("the {place} Transit Authority", "{brand} Rail", "{place} Airport", "the {place} Port Authority",
              "{brand} Buses"),
        orgs2=("the Ministry of Transport", "the Passengers' Association", "the {place} Cycling Campaign",
               "the Rail Workers' Union", "{brand2} Freight"),
        roles=(("Transport Secretary", "the transport secretary"), (None, "who chairs {org2}"),
               ("Chief executive", "the chief executive of {org}"), (None, "a spokesperson for {org}"),
               (None, "who commutes daily from {place2}"), ("Engineer", "a senior engineer at {org}"),
               ("Union representative", "a representative of {org2}")),
        things=("the rail line", "the new timetable", "the bus network", "the tram extension", "the fare rise",
                "the runway expansion", "the {place}-{place2} line", "the station upgrade", "the ferry service",
                "the cycle lane network"),
        groups=("commuters", "passengers", "cyclists", "drivers", "students", "shift workers", "people in {place2}",
                "disabled passengers", "ferry users"),
        headlines=("{amount} pledged to reopen {place}-{place2} rail line",
                   "Commuters face {dur_short} of disruption as {thing_short} work begins",
                   "Fares to rise {pct}% on {place} buses from {month}",
                   "{place} station upgrade runs {dur_short} late",
                   "Strike halts trains between {place} and {place2}"),
        facts=("The line has been closed to passengers since {year}.",
               "About {num} passengers use the route on a typical weekday.",
               "The journey between {place} and {place2} currently takes more than {small} hours by bus.",
               "The work will close the line for {dur}, with replacement buses in place.",
               "Engineering surveys of the track and its {num_small} bridges begin in {month}.",
               "{Org2} said ticket prices had risen by {pct} percent in the last {dur}.",
               "The operator ran {pct} percent of its services on time last year."),
        quotes=("For years people here have been told the railway was coming back, and this time the money is in the budget.",
                "An announcement is not a timetable.",
                "I've stood on this platform with four different ministers.",
                "We'll judge this on when the first train leaves, not on a press conference.",
                "Passengers have put up with cancellations for too long, and they are running out of patience.",
                "Every bus we take off the road because of staff shortages is somebody missing work."),
    ),
    "weather": dict(
        orgs=("the {place} Weather Service", "the National Meteorological Office", "the {place} Emergency Management Agency"),
        orgs2=("the {place} Fire and Rescue Service", "the {place} Water Board", "the Red Cross", "the {place} Coastguard",
               "the Environment Agency"),
        roles=(("Senior forecaster", "a senior forecaster at {org}"), ("Emergency Management Director", "who runs {org}"),
               ("Fire Chief", "the chief of {org2}"), (None, "whose home on {street} flooded in {year}"),
               ("Hydrologist", "a hydrologist at the University of {place2}"), (None, "a spokesperson for {org2}")),
        things=("the storm", "the flood warning", "the heatwave", "the evacuation order", "the cold snap",
                "the drought", "the clean-up", "the high tide"),
        groups=("residents", "people living near the river", "farmers", "drivers", "families on {street}",
                "campers", "older people", "anyone near the coast"),
        headlines=("Forecasters warn of flooding as storm heads for {place}",
                   "{place} residents told to leave as river rises",
                   "Heatwave to push temperatures above {deg} degrees in {place}",
                   "Clean-up begins in {place} after {num_small} hours of heavy rain",
                   "Drought pushes {place} farmers to switch crops"),
        facts=("Up to {num} millimetres of rain is forecast between {day} evening and {day2} morning.",
               "Two emergency shelters opened on {day}, at the community hall and a primary school.",
               "Sandbags were being handed out at the county depot until {time}.",
               "The last major flood, in {year}, damaged more than {num} homes and closed the main road for {small} days.",
               "Temperatures are expected to reach {deg} degrees by the weekend.",
               "The reservoir stands at {pct} percent of its capacity, the lowest level since {year}.",
               "{Org2} said crews had rescued {num_small} people from cars caught in flood water."),
        quotes=("If you're told to leave, please leave.",
                "The ground is already saturated, so there's nowhere for this water to go.",
                "Our crews can't reach everyone once the roads are under water.",
                "I've lived here {dur} and I've never seen the river this high.",
                "Check on your neighbours, especially anyone who lives alone.",
                "The worst of it should pass by {day}, but the rivers will keep rising after the rain stops."),
    ),
    "environment": dict(
        orgs=("the {place} Conservation Trust", "the Environment Agency", "the {place} Water Board", "{brand} Energy"),
        orgs2=("the {place} Anglers' Association", "the University of {place2}", "the {place} Wildlife Society",
               "Friends of the {river}", "the {place} Farmers' Cooperative"),
        roles=(("Ecologist", "an ecologist at {org2}"), (None, "who chairs {org2}"), ("Professor", "a marine biologist at {org2}"),
               (None, "a spokesperson for {org}"), ("Director", "the director of {org}"), (None, "a farmer near {place}"),
               ("Environment Minister", "the environment minister")),
        things=("the wind farm", "the river clean-up", "the wetland restoration", "the ban on bottom trawling",
                "the tree-planting scheme", "the sewage discharges", "the solar farm", "the reintroduction of beavers",
                "the microplastics study", "the new marine reserve"),
        groups=("anglers", "farmers", "local fishing crews", "walkers", "residents near the {river}", "birdwatchers",
                "swimmers", "landowners"),
        headlines=("Study finds microplastics in every sample from {place} lake",
                   "{amount} plan to restore wetlands near {place}",
                   "Anglers blame sewage for fish deaths on the {river}",
                   "Wind farm off {place} approved despite objections",
                   "Beavers return to the {river} after {num_small} centuries"),
        facts=("Researchers took {num} samples from {small} sites along the {river} over {dur}.",
               "Water companies discharged sewage into the river on {num} occasions last year.",
               "The reserve covers about {num} hectares of marsh and reed beds.",
               "The wind farm's {num_small} turbines would supply power to about {num} homes.",
               "Numbers of breeding birds on the estuary have fallen by {pct} percent since {year}.",
               "{Org2} has collected water samples every month since {year}."),
        quotes=("We found plastic in every single sample, and that should worry everyone.",
                "The river was dying, and now you can see fish in it again.",
                "Nobody is against clean energy, but this is the wrong place for it.",
                "You cannot fix {dur} of damage in one season.",
                "Farmers want the river clean too; we drink the same water.",
                "The data is clear enough that we don't need another study before we act."),
    ),
    "health": dict(
        orgs=("{place} General Hospital", "the {place} Health Authority", "the {place} Medical Centre",
              "the Department of Health"),
        orgs2=("the {place} Hospital Trust", "the Nurses' Union", "the Royal College of Physicians",
               "the {place} Patients' Association", "the University of {place2} Medical School"),
        roles=(("Dr.", "the hospital's lead physician"), ("Professor", "a professor of medicine at {org2}"),
               ("Chief medical officer", "the chief medical officer of {org}"), (None, "who chairs {org2}"),
               (None, "a nurse at {org}"), ("Health Minister", "the health minister"),
               (None, "whose mother was treated at {org} last year")),
        things=("the stroke unit", "the waiting list", "the vaccination campaign", "the new clinic",
                "the maternity ward closure", "the cancer screening programme", "the trial", "the staffing plan",
                "the mental health service", "the {amount} hospital wing"),
        groups=("patients", "nurses", "families", "doctors", "people in rural areas", "older patients",
                "parents", "carers", "junior doctors"),
        headlines=("{place} hospital opens region's first {unit}",
                   "Waiting times at {org} rise for {num_small}th month in a row",
                   "Trial finds new treatment cuts {condition} risk by {pct}%",
                   "Nurses at {org} vote to strike over staffing",
                   "{amount} wing for {place} hospital approved"),
        facts=("The unit has {num_small} beds and will be staffed around the clock.",
               "About {num} patients are waiting more than {small} months for treatment.",
               "The trial followed {num} patients over {dur}.",
               "The hospital treated {num} patients in its emergency department last year.",
               "Funding came jointly from the health authority and a local charity.",
               "{Org2} said {pct} percent of nursing posts at the hospital were vacant.",
               "The clinic will open on weekdays from {time} and on Saturday mornings."),
        quotes=("Every minute saved in getting treatment protects the patient.",
                "When I started here we would put stroke patients in an ambulance for a two-hour drive.",
                "This is what happens when a whole community decides something matters.",
                "We cannot keep running a hospital on overtime and goodwill.",
                "The results are encouraging, but we need a bigger trial before anyone changes practice.",
                "Patients shouldn't have to wait {dur} to see a specialist.",
                "Nurses are leaving faster than we can train them."),
    ),
    "education": dict(
        orgs=("the {place} School District", "{place} High School", "the University of {place}",
              "{place} Community College"),
        orgs2=("the {place} Teachers' Union", "the Parent-Teacher Association", "the Department of Education",
               "the {place} School Board", "the Student Union"),
        roles=(("Superintendent", "the superintendent of {org}"), ("Headteacher", "the headteacher of {org}"),
               (None, "who chairs {org2}"), ("Professor", "a professor of education at the University of {place2}"),
               (None, "a parent of {small} children at the school"), (None, "a maths teacher at {org}"),
               ("Vice-chancellor", "the vice-chancellor of {org}")),
        things=("the later start times", "the school budget", "the new curriculum", "the tuition rise",
                "the closure of {place} Primary", "the free school meals scheme", "the building programme",
                "the phone ban", "the teacher pay deal", "the exam results"),
        groups=("students", "parents", "teachers", "families", "pupils", "support staff", "graduates",
                "families in {place}"),
        headlines=("{place} schools to start {num_small} minutes later from next year",
                   "Teachers in {place} vote to accept pay deal",
                   "University of {place} to raise fees by {pct}%",
                   "Parents fight closure of {place} Primary",
                   "{place} district bans phones in classrooms"),
        facts=("The school board voted {votes} on {day} after hearing from {num_small} speakers.",
               "The district serves about {num} students across {num_small} schools.",
               "Enrolment has fallen by {pct} percent since {year}.",
               "The change takes effect at the start of the autumn term.",
               "{Org2} surveyed {num} parents, and most supported the plan.",
               "The budget includes {amount} for repairs to {small} school buildings."),
        quotes=("Teenagers are not lazy; their body clocks are different.",
                "We asked parents what they wanted, and they told us.",
                "You can't run a school on goodwill and photocopies.",
                "My kids walk to school in the dark half the year.",
                "This was the hardest decision I've made in {dur} on the board.",
                "Good teachers are leaving because they can't afford to live here."),
    ),
    "science": dict(
        orgs=("the University of {place}", "the {place} Institute of Technology", "the National Space Agency",
              "the {place} Observatory", "{brand} Biotech"),
        orgs2=("the Royal Society", "the {place2} Research Council", "the University of {place2}",
               "the European Southern Laboratory", "the Journal of Applied Ecology"),
        roles=(("Professor", "a physicist at {org}"), ("Dr.", "the study's lead author"),
               (None, "who was not involved in the research"), ("Professor", "an astronomer at {org2}"),
               (None, "a researcher at {org}"), ("Director", "the director of {org}")),
        things=("the study", "the telescope", "the experiment", "the probe", "the fossil", "the vaccine research",
                "the climate model", "the new battery", "the gene therapy", "the findings"),
        groups=("researchers", "scientists", "students", "patients", "engineers", "other teams", "astronomers"),
        headlines=("Researchers at {org} find {discovery}",
                   "{org} telescope spots {discovery}",
                   "Study links {factor} to {condition}",
                   "Fossil found near {place} rewrites {era} history",
                   "{amount} grant for {place} battery research"),
        facts=("The team analysed data from {num} samples collected over {dur}.",
               "The findings were published on {day} in a peer-reviewed journal.",
               "The research was funded by a {amount} grant from {org2}.",
               "The probe travelled more than {num} million kilometres before reaching its target.",
               "The fossil is thought to be about {num} million years old.",
               "The experiment will be repeated at {small} other laboratories next year."),
        quotes=("We didn't expect to see anything like this.",
                "It's one study, and science moves by replication, not by headlines.",
                "The data was so clean that we checked it three times.",
                "This opens a door, but there's a long corridor behind it.",
                "Students on the team did most of the hard work.",
                "If it holds up, it changes how we think about {factor}."),
    ),
    "sport": dict(
        orgs=("{place} Athletic", "{place} United", "{place} Rovers", "{place} City", "the {place} Rowing Club",
              "{place} Cricket Club"),
        orgs2=("{place2} Town", "{place2} Wanderers", "{place2} Harriers", "{place2} Albion", "{place2} Rangers"),
        roles=(("Coach", "the head coach of {org}"), ("Manager", "the manager of {org}"), (None, "the club captain"),
               ("Striker", "who joined {org} last summer"), ("Goalkeeper", "{org}'s goalkeeper"),
               (None, "the head coach of {org2}"), ("Sporting director", "the sporting director at {org}"),
               (None, "who scored twice")),
        things=("the final", "the promotion race", "the derby", "the title", "the season", "the cup run",
                "the relegation fight", "the transfer window", "the championship"),
        groups=("fans", "the players", "the supporters", "the squad", "the coaching staff", "season ticket holders",
                "young players"),
        headlines=("{org} secure promotion with late winner against {org2_short}",
                   "{org} beat {org2_short} {score} to reach the final",
                   "{org} appoint {lastname} as head coach",
                   "{place} crew wins national title by {small} hundredths of a second",
                   "{org} sack manager after {num_small} defeats in a row"),
        facts=("About {num} fans watched at the ground, a record for the club.",
               "{Org} had led through a first-half penalty before {org2_short} equalised with {num_small} minutes left.",
               "The win is the club's first national title since {year}.",
               "The club will learn its fixtures for next season in late {month}.",
               "{Org} have won {num_small} of their last {num_small2} league games.",
               "The two sides meet again in the cup in {month}."),
        quotes=("I've been in this game for thirty years and I've never felt anything like that.",
                "The lads deserve every bit of this.",
                "You can't watch the other boat; you just trust that everybody's pulling.",
                "They earned it, and we'll look at the video, but they were the better side today.",
                "Honestly, I just closed my eyes and hit it.",
                "We knew we were strong in the last ten minutes.",
                "The fans were incredible, they pulled us through the second half."),
    ),
    "culture": dict(
        orgs=("the {place} Museum of Art", "the {place} Philharmonic", "the {place} Film Festival",
              "the {place} Playhouse", "the {place} Public Library", "the {place} Book Festival"),
        orgs2=("the Arts Council", "the {place2} Gallery", "the {place} Heritage Trust", "{brand2} Records",
               "the Musicians' Union"),
        roles=(("Director", "the director of {org}"), (None, "who curated the exhibition"), ("Conductor", "the principal conductor of {org}"),
               (None, "the author of {small} novels"), ("Festival director", "who has run {org} since {year}"),
               (None, "a painter who has lived in {place} for {dur}"), (None, "a spokesperson for {org2}")),
        things=("the exhibition", "the festival", "the new season", "the restoration", "the concert",
                "the library budget", "the premiere", "the award", "the reopening", "the funding cut"),
        groups=("visitors", "audiences", "artists", "musicians", "readers", "young writers", "local artists",
                "families", "ticket holders"),
        headlines=("{org} reopens after {amount} restoration",
                   "{place} festival draws record {num} visitors",
                   "Funding cut threatens {org} season",
                   "Lost painting found in {place} attic goes on show",
                   "{org} names {lastname} as new director"),
        facts=("The exhibition brings together {num_small} works, some never shown in public before.",
               "Tickets for the opening weekend sold out in {small} hours.",
               "The building closed in {year} for repairs to its roof and heating system.",
               "The festival runs for {num_small} days and includes {num} events.",
               "{Org2} cut its grant by {pct} percent this year.",
               "The painting had hung in a farmhouse near {place} for most of the last century."),
        quotes=("People kept telling us the building was finished, and we never believed them.",
                "Art shouldn't only be for people who can afford a ticket.",
                "We programmed this season for the audience we want, not just the one we have.",
                "When I first saw it, I had to sit down.",
                "Every musician in this orchestra has taken a second job to stay here.",
                "Libraries are the last warm public room in most towns."),
    ),
}

# Per topic: civic (the generic plan-and-budget sentences fit), ledes and person sentences of its
# own. Topics without ledes use LEDES; civic topics also draw from PERSON_FACTS.
TOPIC_EXTRAS: dict[str, dict] = {
    "council": dict(civic=True), "politics": dict(civic=True), "business": dict(civic=True),
    "technology": dict(civic=True), "transport": dict(civic=True), "environment": dict(civic=True),
    "health": dict(civic=True), "education": dict(civic=True),
    "sport": dict(civic=False, closers=(
        "{Org} travel to {org2_short} on {day} before a two-week break, with the squad returning to {place} for training.",
        "The next home game at {place} is on {day}, {month} {date}, against {org2_short}.",
        "{Org} will name their squad for the trip to {place2} on {day}.",
    ), ledes=(
        "{org_cap} beat {org2_short} {score} on {day}, a result that keeps their hopes alive in {thing}.",
        "A late goal gave {org} a {score} win over {org2_short} on {day} in front of {num} fans.",
        "{org_cap} came from behind to beat {org2_short} {score} on {day}, their best result of {thing}.",
        "{org_cap} suffered a {score} defeat to {org2_short} on {day}, leaving their coaching staff with questions.",
    ), person_facts=(
        "{P} said the squad had trained twice a day since {month}.",
        "{P} praised the defence for keeping {org2_short} quiet in the second half.",
        "{P} confirmed that {small} players had been carrying injuries before the game.",
        "{P} said the team would take nothing for granted in the remaining {num_small} matches.",
        "{P} admitted the first half had been the worst the side had played since {month}.",
        "{P} was substituted with {num_small} minutes left after a heavy challenge.",
        "{P} said the dressing room had been quiet after the final whistle.",
        "{P} thanked {groups} for travelling in such numbers.",
        "{P} refused to discuss reports that {org2_short} had made an offer in {month}.",
        "{P} said the result was a reward for {dur} of patient work with young players.",
    )),
    "courts": dict(civic=False, closers=(
        "Sentencing in {thing} is set for {month} {date} at {org}.",
        "The case returns to {org} in {place} on {day}, {month} {date}.",
        "{Org2} said its inquiries in {place} were continuing.",
    ), ledes=(
        "A jury in {place} on {day} returned its verdict in {thing}, ending a trial that lasted {dur_short}.",
        "{org_cap} on {day} heard closing arguments in {thing}, which has drawn crowds to the public gallery.",
        "Prosecutors in {place} on {day} laid out the final evidence in {thing}, one of the largest of its kind in the region.",
    ), person_facts=(
        "{P} told the court that the transfers had been hidden in {small} separate accounts.",
        "{P} said the defendant had shown no remorse during the trial.",
        "{P} asked for a lenient sentence, citing the defendant's health and age.",
        "{P} said the bank records had taken investigators {dur} to unpick.",
        "{P} thanked jurors for their patience in a case that relied on spreadsheets and invoices.",
        "{P} said an appeal would be lodged within {num_small} days.",
        "{P} told the court that several witnesses had been too frightened to come forward.",
        "{P} said the investigation had been one of the most complex of their career.",
    )),
    "weather": dict(civic=False, closers=(
        "{Org} will issue its next update for {place} at {time} on {day}.",
        "Residents of {place} can call {org2} for sandbags and advice until {day}.",
        "Forecasters expect drier weather to return to {place} by {day}.",
    ), ledes=(
        "Forecasters on {day} warned residents of {place} to prepare for {thing}, with heavy rain expected for {num_small} hours.",
        "{groups_cap} in {place} spent {day} preparing for {thing} after a warning from {org}.",
        "Emergency crews in {place} were on standby on {day} as {thing} moved slowly up the coast.",
    ), person_facts=(
        "{P} said the storm was moving more slowly than earlier models had suggested.",
        "{P} urged people living near the {river} to move cars and valuables to higher ground.",
        "{P} said the heaviest rain was expected overnight on {day}.",
        "{P} said conditions should improve by {day} afternoon.",
        "{P} spent the night moving furniture upstairs with {small} neighbours.",
        "{P} said crews had cleared fallen trees from {small} roads by mid-morning.",
        "{P} warned drivers not to attempt to cross flooded roads.",
        "{P} said river levels would keep rising for a day after the rain stopped.",
    )),
    "science": dict(civic=False, closers=(
        "The team at {org} plans to publish its full data set in {month}.",
        "Follow-up work at {org} is due to begin in {month}, funded by {org2}.",
        "{Org} will present the results at a conference in {place2} in {month}.",
    ), ledes=(
        "Researchers at {org} say {thing} could change how scientists think about {factor}.",
        "A team led by {org} has published {thing}, the result of {dur} of work.",
        "Scientists at {org} announced on {day} what they described as a surprising result from {thing}.",
    ), person_facts=(
        "{P} said the team had repeated the measurements {small} times.",
        "{P} cautioned that the sample was small and the results preliminary.",
        "{P} said the results would need to be confirmed by other groups.",
        "{P} said the next phase of the work would begin in {month}.",
        "{P} said the instrument had been built by a team of {num_small} engineers and students.",
        "{P} noted that earlier studies had reached different conclusions.",
        "{P} said funding for the follow-up work was not yet secure.",
        "{P} spent {dur} collecting samples before the first results came in.",
    )),
    "culture": dict(civic=False, closers=(
        "{thing_cap} at {org} runs until {month} {date}; tickets are on sale at the box office on {street}.",
        "{Org} reopens its doors in {place} on {day} at {time}.",
        "The programme for next season at {org} will be announced in {month}.",
    ), ledes=(
        "{org_cap} opened {thing} on {day}, with queues stretching along {street} before the doors opened.",
        "After {dur} of planning, {org} unveiled {thing} on {day}.",
        "{groups_cap} packed into {org} on {day} for {thing}, one of the most anticipated events of the year in {place}.",
    ), person_facts=(
        "{P} said the exhibition had taken {dur} to assemble.",
        "{P} spent {dur} tracking down the works, some of them in private collections.",
        "{P} said ticket sales were up {pct} percent on last year.",
        "{P} said the programme had been built around local artists.",
        "{P} recalled seeing the painting for the first time in a farmhouse near {place}.",
        "{P} said the building's heating system had been replaced during the closure.",
        "{P} said the orchestra would tour {small} towns in the region next spring.",
        "{P} thanked the volunteers who had kept the doors open through the winter.",
    )),
}
for _name, _extra in TOPIC_EXTRAS.items():
    TOPICS[_name].update(_extra)
# Sentence openers that vary a narrative sentence ("Meanwhile, the council ...").
OPENERS = ("Meanwhile,", "On {day},", "Earlier this year,", "At the same time,", "In {month},", "Since then,",
           "By contrast,", "Last year,", "For now,", "In a separate development,", "Elsewhere in {place},")

# Narrative templates for any topic. {P} person subject; {thing}, {org}, {place} ... article fields.
GENERIC_FACTS = (
    "The decision follows {dur} of debate over {thing}, which has divided opinion in {place}.",
    "Critics say {thing} was rushed through without enough scrutiny of the costs.",
    "Supporters argue that {thing} will pay for itself within {small} years.",
    "{Org} has not said how much of the {amount} budget has already been spent.",
    "The figures were first reported by {outlet} on {day}.",
    "A report commissioned by {org2} in {month} put the likely cost at {amount}.",
    "Details of {thing} are expected to be published before the end of {month}.",
    "The plan has the backing of {small} of the region's largest employers.",
    "In {place}, where {pct} percent of households rent their homes, the debate has been especially sharp.",
    "A similar proposal in {place2} was abandoned in {year} after costs doubled.",
    "The announcement came as a surprise to many in {place}, where rumours had circulated for weeks.",
    "By {day} afternoon, a crowd of about {num} people had gathered outside the offices of {org}.",
    "{Org} first raised concerns about {thing} in a letter sent in {month}.",
    "Documents seen by {outlet} show that the timetable slipped at least {small} times.",
    "It is the biggest change of its kind in {place} since {year}.",
    "There has been no formal response from {org2}, which has previously opposed similar plans.",
    "The next step is a hearing scheduled for {day}, {month} {date}.",
    "Opponents have collected signatures at the weekly market on {street} since {month}.",
    "Some of those affected, including {groups}, say they learned of the plan only from {outlet}.",
    "Questions remain over who will pay if the costs rise again.",
    "{Org} confirmed on {day} that the first phase would begin in {month}.",
    "About {pct} percent of those surveyed by {org2} said they had not heard of {thing}.",
    "The dispute has drawn attention well beyond {place}, including from officials in {place2}.",
    "Figures published on {day} suggest the change could affect as many as {num} people.",
    "That estimate has since risen to {amount}, according to figures released by {org} in {month}.",
)
# Indirect speech and actions by a person ({P} is the subject).
PERSON_FACTS = (
    "{P} said {thing} would go ahead as planned despite the objections.",
    "{P} told reporters that the timetable was ambitious but achievable.",
    "{P} said {groups} had been consulted at every stage of the process.",
    "{P} added that talks with {org2} would continue over the coming weeks.",
    "{P} acknowledged that the costs had risen but said the original estimate had been too optimistic.",
    "{P} said the first results should be visible by {month}.",
    "{P} declined to say how many jobs could be affected.",
    "{P} spent much of {day} meeting {groups} in {place}.",
    "{P} has called for an independent review of {thing}.",
    "{P} warned that further delays could push the cost above {amount}.",
    "{P} said the figure was closer to {amount} once the interest payments were included.",
    "{P} was among the first to raise concerns about {thing} in {year}.",
    "{P} said there had been no pressure from {org2} to change the plan.",
    "{P} conceded that the communication with {groups} could have been better.",
    "{P} argued that {thing} had been misunderstood by its critics.",
    "{P} insisted the schedule was realistic and that the money was already in place.",
    "{P} noted that similar schemes had worked well in {place2}.",
    "{P} said {groups} would be told of the next steps in writing by {month}.",
)
# Direct quotations (first person); topic quotes are mixed in.
GENERIC_QUOTES = (
    "We have been clear from the start that {thing} has to work for {groups}.",
    "I understand the frustration, but the numbers simply do not add up.",
    "Nobody in {place} should have to wait {dur} for an answer.",
    "This is not the end of the conversation, it's the start of one.",
    "We made promises to {groups}, and we intend to keep them.",
    "I've read the report twice and I still can't tell you who is paying for it.",
    "There's a lot of goodwill in this town, and I don't want to see it wasted.",
    "We're not asking for special treatment, we're asking for a fair hearing.",
    "It has taken longer than anyone wanted, and I take responsibility for that.",
    "People in {place} are tired of being told to be patient.",
    "The easy thing would have been to do nothing, and that was never an option.",
    "I would rather get this right than get it done quickly.",
    "Our door is open, and it has been open all along.",
    "If you talk to {groups}, they'll tell you exactly what the problem is.",
    "We'll keep pushing until somebody gives us a straight answer.",
    "I think most people can see that the old system wasn't working.",
    "There are real concerns here, and they deserve a real response.",
    "We are going to look at every option, including the ones nobody likes.",
    "Frankly, the timing could not have been worse.",
    "It's a big step, but it's the right one for {place}.",
    "I don't think anyone expected it to move this fast.",
    "The money is there, the plans are there, and now we need the will.",
    "We owe it to {groups} to explain ourselves properly.",
    "Nothing about this has been simple, and I won't pretend otherwise.",
    "Some of the criticism is fair, and some of it is simply wrong.",
    "We knew from the first meeting that this would be difficult.",
    "You can't build trust with a press release.",
    "What matters now is what happens on the ground, not what gets said in meetings.",
    "This is a good day for {place}.",
    "I hope {org2} will take a second look at the evidence.",
    "We've seen this before, and it didn't end well the last time.",
    "I'm cautiously optimistic, but I've been cautiously optimistic before.",
    "Everybody agrees on the problem; the argument is about the solution.",
    "It would be a mistake to read too much into one set of figures.",
    "We have done the work, and the results speak for themselves.",
    "My phone has not stopped ringing since {day}.",
    "Is this the best we can do for {groups}? I don't think so.",
    "We'll be watching very closely to see whether the promises are kept.",
    "I've spent {dur} on this, and I'm not going to walk away now.",
    "Nobody should be surprised by this; the warning signs were there for years.",
)
# Quote sentences naming the story's own place or organisations: a quotation paragraph with no
# name outside the marks (a pronoun cue, a follow-on) gets one, so that it is the article's own.
OWN_QUOTES = (
    "That's what {place} deserves.", "Ask anyone in {place} and they'll tell you the same.",
    "{Org} knows that as well as anyone.", "I said exactly that to {org2} in {month}.",
    "It matters to everyone in {place}, not just {groups}.", "We'll keep making that case to {org2}.",
    "{Place} has been here before, and it got through it.", "I've lived in {place} long enough to know how this goes.",
    "The people at {org} are working flat out.", "Nobody at {org2} has told us otherwise.",
    "This is about the future of {place}.", "I'd like {org} to explain that to {groups}.",
    "You won't find a single person in {place} who wants that.", "{Place} is a small town, and people talk.",
    "I grew up in {place2}, so I know what a closure does to a town.", "We've had calls from all over {place}.",
    "Come down to {street} any morning and see for yourself.", "Half of {place} turned up to the last meeting.",
    "{Org} has to earn that trust back.", "We met {org2} twice last month and we'll meet them again.",
    "People in {place} are practical, they just want it to work.", "I'm proud of what {place} has done here.",
    "If it can work in {place2}, it can work here.", "That's the message from {place}, loud and clear.",
)
# Quoted fragments (partial quotes): more than three words, so not scare quotes.
FRAGMENTS = (
    "a serious breach of public trust", "the best news this town has had in years",
    "far too little, far too late", "a reckless gamble with public money", "long overdue and badly needed",
    "a plan without a price tag", "the most important decision in a generation", "a slap in the face to {groups}",
    "a fair deal for everyone involved", "deeply disappointing but not surprising", "a turning point for {place}",
    "an accident waiting to happen", "a waste of time and money", "the right decision for the right reasons",
    "a bold and overdue step", "built on wishful thinking", "unacceptable in this day and age",
    "nothing short of remarkable", "a mess of the council's own making", "the start of a long road",
)
# Section headings for long articles.
SUBHEADS = ("What happens next in {place}", "Reaction in {place}", "The view from {street} in {place}",
            "Concerns in {place2}", "How {place} got here", "A long week in {place}", "Questions for {place}",
            "Doubts in {place}", "What {place2} wants", "The mood in {place}", "Pressure grows in {place}")
CLOSERS = (
    "{Org} is expected to publish a full timetable for {thing} by the end of {month}, officials in {place} said.",
    "A further public meeting on {thing} will be held in {place} on {day}, {month} {date}.",
    "{Org} said it would respond formally to the objections from {place} before {month}.",
    "The next update on {thing} is due when {org} meets in {place} again in {month}.",
    "{Org2} said it would study the details of {thing} before deciding whether to challenge it in {place}.",
    "Work on {thing} in {place} is due to begin in {month} if no further objections are lodged.",
)
LEDES = (
    "{org_cap} {lead_verb} {thing} on {day}, ending {dur} of uncertainty for {groups}.",
    "{groups_cap} in {place} are bracing for change after {org} {lead_verb} {thing} on {day}.",
    "After {dur} of argument, {org} {lead_verb} {thing} on {day}, a move that could reshape {place}.",
    "{org_cap} on {day} {lead_verb} {thing}, a decision that will be felt by {groups} across {place}.",
    "A decision by {org} on {day} has put {thing} back at the centre of local debate in {place}.",
)
LEAD_VERBS = ("approved", "unveiled", "announced", "confirmed", "delayed", "scaled back", "defended",
              "revised", "set out details of", "gave the go-ahead to")
SHOPS = ("hardware store", "bakery", "bookshop", "café", "florist", "pharmacy", "barber's shop", "butcher's shop",
         "corner shop", "bike repair shop")
JOBS = ("teacher", "nurse", "engineer", "postal worker", "fisherman", "electrician", "bus driver", "accountant",
        "carpenter", "firefighter")
STREET_NAMES = ("Tanner", "Market", "Quay", "Station", "Mill", "Church", "Bridge", "Harbour", "Orchard", "Canal",
                "Victoria", "High", "Castle", "Foundry", "Chapel", "Ropewalk")
STREET_KINDS = ("Street", "Road", "Lane", "Avenue", "Street", "Row")
RIVERS = ("Sable River", "Ashby", "Wend", "Calder", "Orland River", "Kell", "Marrow", "Tey")
PRODUCTS = ("electric vans", "hybrid ferries", "warehouse robots", "heat pumps", "frozen meals", "solar panels",
            "medical scanners", "bicycles", "fibre broadband", "battery packs", "wind turbine blades")
CRIMES = ("fraud", "arson", "bribery", "theft", "money laundering", "embezzlement")
DISCOVERIES = ("a new species of deep-sea coral", "water ice beneath a crater", "a comet with two tails",
               "bacteria that eat plastic", "a galaxy older than expected", "a gene linked to frost tolerance")
FACTORS = ("air pollution", "night-shift work", "sleep", "screen time", "diet", "soil microbes", "noise")
CONDITIONS = ("heart disease", "stroke", "asthma", "memory loss", "diabetes", "migraine")
UNITS = ("stroke unit", "children's cancer ward", "dialysis centre", "maternity unit", "eye clinic")
ERAS = ("dinosaur", "ice age", "Bronze Age", "Roman")
AUTHOR_DESKS = ("Local Government Reporter", "Business Correspondent", "Sports Reporter", "Political Editor",
                "Health Correspondent", "Education Reporter", "Science Correspondent", "Arts Correspondent",
                "Staff Writer", "Transport Correspondent", "Environment Reporter")

# Attribution verbs after a quote (`,” Feld said.`); "said" dominates, as in real copy.
AFTER_VERBS = ("said",) * 10 + ("added", "told reporters", "said on " + "{day}", "said in a statement", "warned",
                                "said after the meeting", "told {outlet}", "explained", "insisted")
LEAD_IN_VERBS = ("said", "said", "said", "told reporters", "added", "put it bluntly", "was blunt",
                 "told {outlet}", "said in a statement")

# --- UI residue and page furniture ---------------------------------------------------------
OOPS = "  \u2022 Oops!\n    Something went wrong.\n    Please try again later."
COOKIE_LINES = (
    ("We use cookies to improve your experience.", "Accept all cookies"),
    ("This site uses cookies. By continuing to browse the site you are agreeing to our use of cookies.",),
    ("We use cookies to improve your experience.", "Accept all cookies", "Cookie settings"),
)
SHARE_BARS = (
    "Share this article\nShare on Facebook\nTweet\nEmail\nCopy link",
    "Share on Facebook\nTweet",
    "Share this story",
    "Share\nFacebook\nTwitter\nEmail",
    "Copy link",
)
FOOTER_LINES = ("About us", "Contact us", "Privacy Policy", "Terms of Use", "Advertise with us", "Careers")


@dataclass
class Person:
    first: str
    last: str
    female: bool
    title: Optional[str]
    appos: str
    mentioned: bool = False

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def pronoun(self) -> str:
        return "she" if self.female else "he"


class Slots(dict):
    """Template fields: the article's constants, anything else drawn fresh on each use."""

    def __init__(self, rng: Random, topic: dict, constants: dict):
        super().__init__(constants)
        self.rng = rng
        self.topic = topic

    def __missing__(self, key: str) -> str:
        rng = self.rng
        if key == "groups":
            return self.fill(_choice(rng, self.topic["groups"]))
        if key == "groups_cap":
            return _cap(self["groups"])
        if key == "amount":
            return amount(rng)
        if key == "num":
            return f"{_choice(rng, (12, 15, 18, 20, 24, 30, 35, 40, 45, 60, 75, 80, 90)) * _choice(rng, (1, 10, 10, 100, 100, 1000)):,}"
        if key in ("num_small", "num_small2"):
            return str(rng.randrange(3, 21))
        if key == "small":
            return _choice(rng, SMALL)
        if key == "pct":
            return str(rng.randrange(3, 48))
        if key in ("dur", "dur_short"):
            return _choice(rng, DURATIONS) if key == "dur" else _choice(rng, ("six months", "two years", "three weeks", "a year"))
        if key in ("month",):
            return _choice(rng, MONTHS)
        if key in ("day", "day2"):
            return _choice(rng, WEEKDAYS)
        if key == "date":
            return str(rng.randrange(1, 29))
        if key == "year":
            return str(rng.randrange(1987, 2024))
        if key == "time":
            return _choice(rng, ("8 p.m.", "6 a.m.", "9:30 a.m.", "noon", "10 p.m.", "7:15 a.m."))
        if key == "votes":
            return _choice(rng, ("6-1", "5-2", "7-2", "4-3", "8-1", "9-0"))
        if key == "votes_short":
            return _choice(rng, ("12", "four", "31", "seven", "two"))
        if key == "age":
            return str(rng.randrange(29, 71))
        if key == "deg":
            return str(rng.randrange(33, 42))
        if key == "score":
            return _choice(rng, ("2-1", "3-0", "1-0", "3-2", "4-1"))
        if key == "shop":
            return _choice(rng, SHOPS)
        if key == "job":
            return _choice(rng, JOBS)
        if key == "product":
            return _choice(rng, PRODUCTS)
        if key == "crime":
            return _choice(rng, CRIMES)
        if key == "discovery":
            return _choice(rng, DISCOVERIES)
        if key == "factor":
            return _choice(rng, FACTORS)
        if key == "condition":
            return _choice(rng, CONDITIONS)
        if key == "unit":
            return _choice(rng, UNITS)
        if key == "era":
            return _choice(rng, ERAS)
        if key == "lead_verb":
            return _choice(rng, LEAD_VERBS)
        if key == "lastname":
            return _choice(rng, LAST)
        if key == "outlet":
            return _choice(rng, OUTLETS)
        raise KeyError(key)

    def fill(self, template: str) -> str:
        return template.format_map(self) if "{" in template else template


def _choice(rng: Random, options):
    """rng.choice, about twice as fast (one random() call, no rejection sampling)."""
    return options[int(rng.random() * len(options))]


def _shuffled(rng: Random, options) -> list:
    """A shuffled copy (Fisher-Yates on random(), like _choice)."""
    deck = list(options)
    for i in range(len(deck) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        deck[i], deck[j] = deck[j], deck[i]
    return deck


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def amount(rng: Random) -> str:
    r = rng.random()
    if r < 0.55:
        return f"${_choice(rng, (1.2, 2.3, 3.5, 4.8, 6, 8.5, 12, 14, 18, 25, 40, 45, 60, 85, 120, 240, 600))} million".replace(".0 ", " ")
    if r < 0.75:
        return f"${rng.randrange(150, 990, 10)},000"
    if r < 0.9:
        return f"\u00a3{_choice(rng, (1.5, 4, 7.2, 11, 30, 90, 350))} million"
    return f"${_choice(rng, (1.1, 1.8, 2.4, 3, 5.5))} billion"


def place_name(rng: Random) -> str:
    return _choice(rng, PLACE_PATTERNS).format(h=_choice(rng, PLACE_HEADS), t=_choice(rng, PLACE_TAILS))


def lognormal_words(rng: Random) -> int:
    words = round(MEDIAN_WORDS * math.exp(rng.gauss(0.0, LENGTH_SIGMA)))
    return max(MIN_WORDS, min(MAX_WORDS, words))


# --- one article -------------------------------------------------------------------------------


@dataclass
class Article:
    index: int
    source: Source
    topic: str
    title: str
    slug: str
    paragraphs: list[str]  # body paragraphs (with "#" prefix for sub-headings)
    authors: list[str]
    published: tuple[int, int, int, int, int]  # y, m, d, H, M
    words: int
    quotes: int
    curly: bool
    extras: dict = field(default_factory=dict)


class _Writer:
    """Builds one article body from templates with its own random generator."""

    def __init__(self, rng: Random, topic_name: str):
        self.rng = rng
        self.topic_name = topic_name
        self.topic = TOPICS[topic_name]
        place, place2 = place_name(rng), place_name(rng)
        while place2 == place:
            place2 = place_name(rng)
        street = f"{_choice(rng, STREET_NAMES)} {_choice(rng, STREET_KINDS)}"
        base = {"place": place, "Place": place, "place2": place2, "street": street, "Street": street,
                "brand": _choice(rng, BRANDS), "brand2": _choice(rng, BRANDS), "industry": _choice(rng, INDUSTRIES),
                "industry2": _choice(rng, INDUSTRIES), "river": _choice(rng, RIVERS), "lastname": _choice(rng, LAST)}
        self.slots = Slots(rng, self.topic, base)
        org = self.slots.fill(_choice(rng, self.topic["orgs"]))
        org2 = self.slots.fill(_choice(rng, self.topic["orgs2"]))
        self.slots.update(org=org, Org=_cap(org), org_cap=_cap(org), org2=org2, Org2=_cap(org2),
                          org2_short=org2.removeprefix("the "))
        thing = self.slots.fill(_choice(rng, self.topic["things"]))
        thing_short = thing.removeprefix("the ")
        self.slots.update(thing=thing, thing_short=thing_short, thing_cap=_cap(thing_short))
        self.people: list[Person] = []
        self.used_names: set[str] = set()
        self.decks: dict[int, list[str]] = {}
        self.last_person: Optional[Person] = None  # last person named outside quotations
        self.quotes = 0
        self.words = 0
        self.curly = rng.random() < 0.6

    # people
    def new_person(self) -> Person:
        rng = self.rng
        while True:
            female = rng.random() < 0.5
            first = _choice(rng, FEMALE if female else MALE)
            last = _choice(rng, LAST)
            if last not in self.used_names and first not in self.used_names:
                break
        self.used_names.update((first, last))
        title, appos = _choice(rng, self.topic["roles"])
        person = Person(first, last, female, title, self.slots.fill(appos))
        self.people.append(person)
        return person

    def cast_member(self) -> Person:
        """An existing person most of the time, a new one sometimes (more in long articles)."""
        rng = self.rng
        if not self.people or (len(self.people) < 2 + self.words // 350 and rng.random() < 0.35):
            return self.new_person()
        return _choice(rng, self.people)

    def subject(self, p: Person, sentence_start: bool = True) -> str:
        """The person as the subject before a verb: introduced once, then by surname."""
        self.last_person = p
        if p.mentioned:
            return p.last
        p.mentioned = True
        if p.title and self.rng.random() < 0.6:
            title = p.title
            if not sentence_start and " " in title and title.split(" ", 1)[1].islower():
                title = title[:1].lower() + title[1:]  # "said chief executive Marcus Feld"
            return f"{title} {p.full}"
        return f"{p.full}, {p.appos},"

    def end_mention(self, p: Person) -> str:
        """The person after the verb ("said Marcus Feld, the chief executive of X")."""
        self.last_person = p
        if p.mentioned:
            return p.last
        p.mentioned = True
        return f"{p.full}, {p.appos}"

    # text pieces
    def pick(self, options: tuple[str, ...]) -> str:
        """The next template from a shuffled deck of options: an article uses every template of a
        pool once before it repeats any."""
        deck = self.decks.get(id(options))
        if not deck:
            deck = _shuffled(self.rng, options)
            self.decks[id(options)] = deck
        return deck.pop()

    def quote_text(self, sentences: int) -> str:
        parts = []
        for _ in range(sentences):
            parts.append(self.slots.fill(self.pick(self.quote_pool())))
        return " ".join(parts)

    def own_quote(self, sentences: int) -> str:
        """quote_text that names the article's place, organisation or a person."""
        text = self.quote_text(sentences)
        if not self._own(text):
            tail = self.slots.fill(self.pick(OWN_QUOTES))
            text = f"{tail} {text}" if self.rng.random() < 0.3 else f"{text} {tail}"
        return text

    def quote_pool(self) -> tuple[str, ...]:
        return self.topic["quotes"] if self.rng.random() < 0.4 else GENERIC_QUOTES

    def sentence(self) -> str:
        """One narrative sentence: a person's action or words (indirect), or a fact."""
        rng = self.rng
        r = rng.random()
        civic = self.topic["civic"]
        if r < 0.3:
            p = self.cast_member()
            pool = PERSON_FACTS if civic and ("person_facts" not in self.topic or rng.random() < 0.5) \
                else self.topic["person_facts"]
            return _cap(self.pick(pool).replace("{P}", self.subject(p)).format_map(self.slots))
        pool = self.topic["facts"] if (r < 0.65 or not civic) else GENERIC_FACTS
        text = self.slots.fill(self.pick(pool))
        first = text.split(" ", 1)[0]
        if rng.random() < 0.2 and first in ("The", "A", "An", "About", "More", "Two", "Shares", "Tickets"):
            text = f"{self.slots.fill(_choice(rng, OPENERS))} {text[:1].lower()}{text[1:]}"
        return text

    def narrative(self, n: int) -> str:
        """A paragraph of n sentences. It names the article's place, organisation or a person
        somewhere, so it is the article's own: a paragraph of generic sentences could recur in
        other articles of the source and be learned as boilerplate."""
        sentences = [self.sentence() for _ in range(n)]
        text = " ".join(sentences)
        if sentences and not self._own(text):
            p = self.cast_member()
            pool = self.topic.get("person_facts", PERSON_FACTS)
            sentences[-1] = _cap(self.pick(pool).replace("{P}", self.subject(p)).format_map(self.slots))
            text = " ".join(sentences)
        return text

    def _own(self, text: str) -> bool:
        """Does text name something of this article's own: its places or a person's full name?"""
        slots = self.slots
        return (slots["place"] in text or slots["place2"] in text
                or any(p.full in text for p in self.people))

    def marks(self) -> tuple[str, str]:
        return ("\u201c", "\u201d") if self.curly else ('"', '"')

    def quote_paragraphs(self) -> list[str]:
        """One quotation event: a paragraph (sometimes two) with attributed quotation(s)."""
        rng = self.rng
        o, c = self.marks()
        slots = self.slots
        r = rng.random()
        # A pronoun only right after the same person was named outside quotations.
        pronoun_ok = self.last_person is not None and self.last_person.mentioned
        if pronoun_ok and rng.random() < 0.3:
            p = self.last_person
        else:
            p = self.cast_member()
        if 0.66 <= r < 0.76 and not p.mentioned:
            r = 0.0  # an interrupted quotation needs a speaker already introduced
        # A speaker named by surname only: the quotation names the place, so the paragraph stays
        # the article's own (a first mention carries the full name).
        q = (self.own_quote if p.mentioned else self.quote_text)(1 if rng.random() < 0.55 else 2)
        open_end = _comma_end(q)
        paras: list[str] = []
        if r < 0.34:  # “…,” Feld said.
            who = p.pronoun if (pronoun_ok and p is self.last_person and rng.random() < 0.5) else self.subject(p, False)
            if who == p.pronoun and not self._own(q):
                q = self.own_quote(1)
                open_end = _comma_end(q)
            self.last_person = p
            verb = slots.fill(_choice(rng, AFTER_VERBS))
            paras.append(f"{o}{open_end}{c} {who} {verb}.")
            self.quotes += 1
        elif r < 0.52:  # “…,” said Marcus Feld, the chief executive of X.
            paras.append(f"{o}{open_end}{c} said {self.end_mention(p)}.")
            self.quotes += 1
        elif r < 0.66:  # Feld said: “…”
            verb = slots.fill(_choice(rng, LEAD_IN_VERBS))
            paras.append(f"{self.subject(p)} {verb}: {o}{q}{c}")
            self.quotes += 1
        elif r < 0.76:  # “First part,” she said, “second part.” (a sentence split at its comma)
            text = self.quote_text(1)
            for _ in range(3):
                if ", " in text:
                    break
                text = self.quote_text(1)
            who = p.pronoun if (p is self.last_person and pronoun_ok) else self.subject(p, False)
            if who == p.pronoun and not self._own(text):
                tail = slots.fill(self.pick(OWN_QUOTES))
                text = f"{text} {tail}"
            self.last_person = p
            if ", " in text:
                head, tail = text.split(", ", 1)
                paras.append(f"{o}{head},{c} {who} said, {o}{tail}{c}")
            else:  # “First sentence,” she said. “Second sentence.”
                paras.append(f"{o}{_comma_end(text)}{c} {who} said. {o}{self.own_quote(1)}{c}")
            self.quotes += 2
        elif r < 0.85:  # partial quote in the reporter's clause
            frag = slots.fill(_choice(rng, FRAGMENTS))
            form = rng.random()
            if form < 0.4:
                paras.append(f"{self.subject(p)} described {slots['thing']} as {o}{frag}{c}.")
            elif form < 0.7:
                paras.append(f"{self.subject(p)} called the decision {o}{frag}{c}.")
            else:
                s = self.subject(p)
                paras.append(f"{s} said {slots['thing']} was {o}{frag}{c} and promised to raise it with {slots['org2']}.")
            self.quotes += 1
        elif r < 0.92:  # according to
            paras.append(f"{o}{open_end}{c} according to {self.end_mention(p)}.")
            self.quotes += 1
        else:  # “…,” Feld told Outlet. “…” (follow-on in the same paragraph)
            second = self.quote_text(1)
            who = self.subject(p, False)
            paras.append(f"{o}{open_end}{c} {who} told {slots['outlet']}. {o}{second}{c}")
            self.quotes += 2
        # A follow-on quotation in its own paragraph (no cue: the same speaker continues).
        if rng.random() < 0.15 and not paras[-1].endswith(c + "."):
            paras.append(f"{o}{self.own_quote(_choice(rng, (1, 2)))}{c}")
            self.quotes += 1
        return paras

    def body(self, target: int) -> list[str]:
        rng = self.rng
        slots = self.slots
        paras: list[str] = []

        def add(text: str) -> None:
            if self.curly:
                text = text.replace("'", "\u2019")
            paras.append(text)
            self.words += len(text.split())

        lede = slots.fill(_choice(rng, self.topic.get("ledes", LEDES)))
        dateline = slots["place"].upper() + " \u2014 " if rng.random() < 0.7 else ""
        add(dateline + _cap(lede) + (" " + self.narrative(1) if rng.random() < 0.5 else ""))
        p = self.new_person()
        pool = self.topic.get("person_facts", PERSON_FACTS)
        add(" ".join(filter(None, (_cap(self.pick(pool).replace("{P}", self.subject(p)).format_map(slots)),
                                   self.narrative(_choice(rng, (0, 1)))))))
        gap = rng.randrange(*QUOTE_GAP_WORDS)
        since = 0
        next_subhead = rng.randrange(350, 700)
        closing_words = 25
        while self.words + closing_words < target:
            if target > 1500 and self.words >= next_subhead and target - self.words > 300:
                add("#" + _cap(slots.fill(self.pick(SUBHEADS))))
                add(self.narrative(_choice(rng, (2, 2, 3))))  # a section opens with narrative
                since += 20
                next_subhead = self.words + rng.randrange(350, 700)
            if since >= gap:
                for text in self.quote_paragraphs():
                    add(text)
                since = 0
                gap = rng.randrange(*QUOTE_GAP_WORDS)
            else:
                n = _choice(rng, (2, 2, 2, 3, 3, 4)) if target - self.words > 60 else 2
                before = self.words
                add(self.narrative(n))
                since += self.words - before
        add(slots.fill(_choice(rng, self.topic.get("closers", CLOSERS))))
        return paras


def _comma_end(quote: str) -> str:
    """A quotation ending before its attribution: the final full stop becomes a comma."""
    return quote[:-1] + "," if quote.endswith(".") else quote


def _lower_ok(text: str) -> bool:
    """May the second part of an interrupted quotation start in lower case?"""
    first = text.split(" ", 1)[0]
    return first not in ("I", "I've", "I'm", "I'd", "I'll") and not first[1:2].isupper()


def make_article(seed: int, index: int, source: Source) -> Article:
    rng = Random(f"{seed}/{index}")
    topic = _choice(rng, source.topics)
    target = lognormal_words(rng)
    writer = _Writer(rng, topic)
    paragraphs = writer.body(target)
    headline = _cap(writer.slots.fill(_choice(rng, TOPICS[topic]["headlines"])))
    if writer.curly:
        headline = headline.replace("'", "\u2019")
    n_authors = 1 if rng.random() < 0.85 else 2
    authors = [f"{_choice(rng, FEMALE + MALE)} {_choice(rng, LAST)}" for _ in range(n_authors)]
    published = (_choice(rng, (2023, 2024, 2024, 2025)), rng.randrange(1, 13), rng.randrange(1, 29),
                 rng.randrange(5, 23), rng.randrange(0, 60))
    slug = "-".join(w for w in "".join(ch if ch.isalnum() else " " for ch in headline.lower()).split()[:8])
    words = sum(len(t.split()) for t in paragraphs if not t.startswith("#"))
    return Article(index, source, topic, headline, f"{index:06d}-{slug}", paragraphs, authors, published,
                   words, writer.quotes, writer.curly, {"rng": rng})


# --- rendering ---------------------------------------------------------------------------------


def _date_text(rng: Random, published: tuple[int, int, int, int, int]) -> str:
    y, m, d, hh, mm = published
    ampm = "a.m." if hh < 12 else "p.m."
    h12 = hh % 12 or 12
    forms = (f"{MONTHS[m - 1]} {d}, {y}", f"Published {d} {MONTHS[m - 1]} {y}",
             f"{MONTHS[m - 1][:3]} {d}, {y}, {h12}:{mm:02d} {ampm}", f"Updated: {y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}",
             f"{WEEKDAYS[(y * 7 + m * 31 + d) % 7]}, {d} {MONTHS[m - 1]} {y}")
    return _choice(rng, forms)


def _teasers(seed: int, source: Source) -> list[str]:
    """Headlines of other stories this site links to (the same list on every page of a source)."""
    rng = Random(f"{seed}/teasers/{source.slug}")
    out = []
    for _ in range(14):
        topic = _choice(rng, source.topics)
        slots = Slots(rng, TOPICS[topic], {"place": place_name(rng), "place2": place_name(rng),
                                          "street": "Market Street", "brand": _choice(rng, BRANDS),
                                          "brand2": _choice(rng, BRANDS), "industry": _choice(rng, INDUSTRIES),
                                          "industry2": _choice(rng, INDUSTRIES), "river": _choice(rng, RIVERS)})
        org = slots.fill(_choice(rng, TOPICS[topic]["orgs"]))
        org2 = slots.fill(_choice(rng, TOPICS[topic]["orgs2"]))
        thing = slots.fill(_choice(rng, TOPICS[topic]["things"])).removeprefix("the ")
        slots.update(org=_cap(org), org2_short=org2.removeprefix("the "), thing_short=thing, thing_cap=_cap(thing))
        out.append(_cap(slots.fill(_choice(rng, TOPICS[topic]["headlines"]))))
    return out


class _SourceFurniture:
    def __init__(self, seed: int, source: Source):
        self.source = source
        self.teasers = _teasers(seed, source)
        self.footer = (f"\u00a9 2025 {source.name}. All rights reserved.",) + FOOTER_LINES


def _residue_block(rng: Random, furniture: _SourceFurniture) -> str:
    s = furniture.source
    r = rng.random()
    if r < 0.25:
        return "Advertisement"
    if r < 0.37:
        return OOPS
    if r < 0.49:
        return s.newsletter
    if r < 0.62:
        return f"Read more: {_choice(rng, furniture.teasers)}"
    if r < 0.72:
        return "Story continues below"
    if r < 0.82:
        return _choice(rng, SHARE_BARS)
    if r < 0.9:
        return s.app
    return f"Related: {_choice(rng, furniture.teasers)}"


def render_txt(article: Article, furniture: _SourceFurniture) -> str:
    rng: Random = article.extras["rng"]
    s = article.source
    lines: list[str] = []
    if rng.random() < 0.4:
        lines += list(_choice(rng, COOKIE_LINES)) + [""]
    lines += [s.name] + list(s.menu) + [""]
    lines += [article.title, ""]
    byline = f"By {' and '.join(article.authors)}"
    if rng.random() < 0.5:
        byline += f", {_choice(rng, AUTHOR_DESKS)}"
    lines += [byline, _date_text(rng, article.published), ""]
    if rng.random() < 0.45:
        lines += [_choice(rng, SHARE_BARS), ""]
    if rng.random() < 0.2:
        lines += [f"Photo: {s.name}", ""]
    for i, text in enumerate(article.paragraphs):
        lines += [text[1:] if text.startswith("#") else text, ""]
        if 0 < i < len(article.paragraphs) - 1 and rng.random() < s.residue_rate:
            lines += [_residue_block(rng, furniture), ""]
    if rng.random() < 0.5:
        lines += [_choice(rng, ("Share this story", "Share this article", "Leave a comment",
                              f"Comments ({rng.randrange(0, 60)})")), ""]
    if rng.random() < 0.7:
        lines += ["Most read"] + rng.sample(furniture.teasers, 4) + [""]
    lines += list(furniture.footer) + [s.app]
    return "\n".join(lines) + "\n"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def render_html(article: Article, furniture: _SourceFurniture) -> str:
    rng: Random = article.extras["rng"]
    s = article.source
    y, m, d, hh, mm = article.published
    iso = f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:00+00:00"
    url = f"https://{s.domain}/{article.topic}/{y}/{m:02d}/{d:02d}/{article.slug}"
    author = " and ".join(article.authors)
    title = _esc(article.title)
    nav = "\n".join(f'      <li><a href="/{item.lower().replace(" ", "-")}">{_esc(item)}</a></li>' for item in s.menu)
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{title} | {_esc(s.name)}</title>",
        f'<meta property="og:title" content="{html.escape(article.title)}">',
        '<meta property="og:type" content="article">',
        f'<meta name="author" content="{html.escape(author)}">',
        f'<meta property="article:published_time" content="{iso}">',
        f'<link rel="canonical" href="{url}">', "</head>", "<body>",
    ]
    if rng.random() < 0.5:
        out += ['<div id="cookie-banner" class="cookie-consent" role="dialog">',
                "  <p>We use cookies to improve your experience. By continuing to use this site you agree to our cookie policy.</p>",
                '  <button type="button">Accept all cookies</button>', "</div>"]
    out += ['<header class="site-header">', f'  <a class="logo" href="https://{s.domain}/">{_esc(s.name)}</a>',
            '  <nav class="main-nav" aria-label="Sections">', "    <ul>", nav, "    </ul>", "  </nav>", "</header>",
            "<main>", '<article class="story">', '  <header class="story-header">', f"    <h1>{title}</h1>",
            f'    <p class="byline">By <span class="author">{_esc(author)}</span> \u00b7 '
            f'<time datetime="{iso}">{MONTHS[m - 1]} {d}, {y}</time></p>',
            '    <div class="share-bar" aria-label="Share">', "      <span>Share this article</span>",
            f'      <a href="https://facebook.example.com/share">Share on Facebook</a>',
            '      <a href="https://x.example.com/share">Tweet</a>', "    </div>", "  </header>",
            '  <div class="story-body">']
    for i, text in enumerate(article.paragraphs):
        if text.startswith("#"):
            out.append(f"    <h2>{_esc(text[1:])}</h2>")
        else:
            out.append(f"    <p>{_esc(text)}</p>")
        if 0 < i < len(article.paragraphs) - 1 and rng.random() < s.residue_rate:
            r = rng.random()
            if r < 0.5:
                out.append('    <div class="ad-slot"><span class="ad-label">Advertisement</span></div>')
            elif r < 0.75:
                out += ['    <aside class="newsletter-box">', f"      <h3>{_esc(s.newsletter)}</h3>",
                        '      <form action="/subscribe"><input type="email" placeholder="Enter your email address">'
                        '<button type="submit">Subscribe</button></form>', "    </aside>"]
            else:
                links = rng.sample(furniture.teasers, 2)
                out += ['    <aside class="related-links">', "      <h3>Related</h3>", "      <ul>"]
                out += [f'        <li><a href="/news/{j}">{_esc(t)}</a></li>' for j, t in enumerate(links)]
                out += ["      </ul>", "    </aside>"]
    out += ["  </div>", '  <footer class="story-footer">',
            f'    <ul class="tags"><li><a href="/tag/{article.topic}">{article.topic.title()}</a></li></ul>',
            "  </footer>", "</article>", '<section class="related">', "  <h2>Read more</h2>", "  <ul>"]
    out += [f'    <li><a href="/news/more/{j}">{_esc(t)}</a></li>' for j, t in enumerate(rng.sample(furniture.teasers, 3))]
    out += ["  </ul>", "</section>", "</main>", '<footer class="site-footer">',
            f"  <p>{_esc(furniture.footer[0])}</p>",
            "  <ul>" + "".join(f'<li><a href="/{x.lower().replace(" ", "-")}">{_esc(x)}</a></li>' for x in FOOTER_LINES) + "</ul>",
            f"  <p>{_esc(s.app)}</p>", "</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def render_record(article: Article) -> str:
    rng: Random = article.extras["rng"]
    s = article.source
    y, m, d, hh, mm = article.published
    paras = []
    for i, text in enumerate(article.paragraphs):
        paras.append(text[1:] if text.startswith("#") else text)
        if 0 < i < len(article.paragraphs) - 1 and rng.random() < s.residue_rate / 3:
            paras.append(_choice(rng, ("Advertisement", "Share this article", "Story continues below")))
    separator = "\n\n" if rng.random() < 0.7 else "\n"
    record = {"title": article.title,
              ("maintext" if rng.random() < 0.8 else "text"): separator.join(paras),
              "url": f"https://{s.domain}/{article.topic}/{y}/{m:02d}/{d:02d}/{article.slug}",
              "date_publish": f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:00",
              "authors": article.authors, "language": "en", "source_domain": s.domain}
    return json.dumps(record, ensure_ascii=False)


# --- the corpus ---------------------------------------------------------------------------------


def plan(seed: int, n_articles: int) -> Iterator[tuple[int, int, str]]:
    """(article index, source index, format) for every article, from the layout generator."""
    rng = Random(f"{seed}")
    for index in range(n_articles):
        source = rng.choices(range(len(SOURCES)), weights=SOURCE_WEIGHTS)[0]
        r, fmt = rng.random(), "jsonl"
        for name, share in FORMAT_SHARES:
            if r < share:
                fmt = name
                break
            r -= share
        yield index, source, fmt


def _render(job: tuple[int, int, int, str]) -> tuple[int, int, str, str, int, int, str]:
    """Worker: (seed, index, source index, format) -> (index, source index, format, text, words,
    quotes, slug)."""
    seed, index, source_index, fmt = job
    source = SOURCES[source_index]
    article = make_article(seed, index, source)
    furniture = _furniture(seed, source_index)
    if fmt == "txt":
        text = render_txt(article, furniture)
    elif fmt == "html":
        text = render_html(article, furniture)
    else:
        text = render_record(article)
    return index, source_index, fmt, text, article.words, article.quotes, article.slug


_FURNITURE: dict[tuple[int, int], _SourceFurniture] = {}


def _furniture(seed: int, source_index: int) -> _SourceFurniture:
    key = (seed, source_index)
    if key not in _FURNITURE:
        _FURNITURE[key] = _SourceFurniture(seed, SOURCES[source_index])
    return _FURNITURE[key]


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def generate(out_dir, n_articles: int, seed: int = 0, jobs: int = 1) -> list[dict]:
    """Write the corpus into out_dir (created if missing) and return its manifest."""
    out = Path(out_dir)
    for s in SOURCES:
        (out / s.slug).mkdir(parents=True, exist_ok=True)
    layout_rng = Random(f"{seed}/layout")
    manifest: list[dict] = []
    # Open JSON Lines files per source: [records, words, quotes, capacity, gzip, file number].
    buckets: dict[int, list] = {}
    feed_numbers = [0] * len(SOURCES)

    def flush(source_index: int) -> None:
        records, words, quotes, _, compressed, number = buckets.pop(source_index)
        suffix = ".jsonl.gz" if compressed else ".jsonl"
        rel = f"{SOURCES[source_index].slug}/feed-{number:04d}{suffix}"
        data = ("\n".join(records) + "\n").encode("utf-8")
        (out / rel).write_bytes(_gzip(data) if compressed else data)
        manifest.append({"path": rel, "format": suffix[1:], "articles": len(records), "words": sum(words),
                         "quotes": sum(quotes), "article_words": words})

    work = ((seed, index, source_index, fmt) for index, source_index, fmt in plan(seed, n_articles))
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn").Pool(jobs)
        results = pool.imap(_render, work, chunksize=64)
    else:
        pool = None
        results = map(_render, work)
    try:
        for index, source_index, fmt, text, words, quotes, slug in results:
            s = SOURCES[source_index]
            if fmt == "jsonl":
                if source_index not in buckets:
                    feed_numbers[source_index] += 1
                    buckets[source_index] = [[], [], [], layout_rng.randint(*JSONL_RECORDS),
                                             layout_rng.random() < JSONL_GZIP_SHARE, feed_numbers[source_index]]
                bucket = buckets[source_index]
                bucket[0].append(text)
                bucket[1].append(words)
                bucket[2].append(quotes)
                if len(bucket[0]) >= bucket[3]:
                    flush(source_index)
                continue
            data = text.encode("utf-8")
            if fmt == "txt" and layout_rng.random() < TXT_GZIP_SHARE:
                rel, data, fmt = f"{s.slug}/{slug}.txt.gz", _gzip(data), "txt.gz"
            else:
                rel = f"{s.slug}/{slug}.{fmt}"
            (out / rel).write_bytes(data)
            manifest.append({"path": rel, "format": fmt, "articles": 1, "words": words, "quotes": quotes,
                             "article_words": [words]})
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    for source_index in sorted(buckets):
        flush(source_index)
    return manifest


def summary(manifest: list[dict]) -> dict:
    """Totals over a manifest: files, articles, words, quotes, median and p99 words per article."""
    per_article = sorted(w for entry in manifest for w in entry["article_words"])
    n = len(per_article)

    def quantile(q: float) -> int:
        return per_article[min(n - 1, max(0, math.ceil(q * n) - 1))] if n else 0

    formats: dict[str, int] = {}
    for entry in manifest:
        formats[entry["format"]] = formats.get(entry["format"], 0) + entry["articles"]
    words = sum(per_article)
    quotes = sum(entry["quotes"] for entry in manifest)
    return {"files": len(manifest), "articles": n, "words": words, "quotes": quotes,
            "median_words": quantile(0.5), "p99_words": quantile(0.99), "max_words": per_article[-1] if n else 0,
            "words_per_quote": round(words / quotes, 1) if quotes else None,
            "articles_by_format": dict(sorted(formats.items()))}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path, help="output folder (created if missing)")
    parser.add_argument("--articles", "-n", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", "-s", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--jobs", "-j", type=int, default=min(4, os.cpu_count() or 1),
                        help="worker processes (the output is identical for any value; default: the CPU "
                             "count, at most 4)")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    start = time.perf_counter()
    manifest = generate(args.out_dir, args.articles, args.seed, jobs=max(1, args.jobs))
    (args.out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                                encoding="utf-8")
    elapsed = time.perf_counter() - start
    totals = summary(manifest)
    print(f"wrote {totals['files']} files, {totals['articles']} articles into {args.out_dir} in {elapsed:.1f} s")
    print(f"  articles by format: " + ", ".join(f"{k} {v}" for k, v in totals["articles_by_format"].items()))
    print(f"  words: {totals['words']:,} (median {totals['median_words']}, p99 {totals['p99_words']}, "
          f"max {totals['max_words']} per article)")
    print(f"  quotations: {totals['quotes']:,} (one per {totals['words_per_quote']} words)")
    print(f"  manifest: {args.out_dir / MANIFEST_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
