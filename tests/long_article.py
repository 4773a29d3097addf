"""Long articles generated for the tests (and benchmarks/long_article.py): deterministic English
news prose of any length, with the quotations written into it known.

long_article(chars, seed) gives paragraphs joined by a blank line (the cleaned body's shape), of
at least `chars` characters (one paragraph more at most), and every quotation as
(text between the marks, speaker's full name), in order. Quotations come the ways news copy
writes them: `“…,” Surname said.` after the speaker was named, `Full Name, the role of Org,
said: “…”`, and a quotation over two paragraphs (the first left open, the next opening with a
mark). one_paragraph(chars, seed) is the same prose with no paragraph break at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from random import Random

SEPARATOR = "\n\n"
_DIGITS = re.compile(r"\d")

FIRST = (
    "Denise", "Marcus", "Ingrid", "Rachel", "Tobias", "Hannah", "Ruth", "Dale", "Lena", "Victor",
    "Amara", "Felix", "Nadia", "Oscar", "Priya", "Simon",
)  # fmt: skip
LAST = (
    "Okafor", "Feld", "Solberg", "Imbert", "Wren", "Orsini", "Okonjo", "Mercer", "Whitcombe",
    "Castellan", "Brennan", "Lindqvist", "Moreau", "Haddad", "Kowalski", "Ferreira",
)  # fmt: skip
ROLES = ("chair", "treasurer", "chief executive", "spokeswoman", "director", "deputy leader")
ORGS = (
    "Harbour Council", "Tidemark Terminals", "Wessex Stores", "the Kilby Rowing Club",
    "Portmere University", "the Northern Rail Trust",
)  # fmt: skip
PLACES = ("Kilby", "Portmere", "Ashford", "Brackley", "Dunmore", "Elmstead")
THINGS = ("bridge", "ferry service", "library", "rail link", "harbour wall", "sports hall")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MONTHS = ("March", "April", "June", "September", "November")

NARRATIVE = (
    "Work on the {thing} in {place} began in {month} and was expected to cost {amount} million pounds.",
    "Residents of {place} have waited {years} years for the {thing}, "
    "and opinion in the town remains divided.",
    "Council papers show that the {thing} was first proposed in {year}, long before the current plans.",
    "The meeting in {place} on {day} ran for more than three hours and ended without a vote.",
    "Contractors said the {thing} would need another {years} months of work before it could open.",
    "A public consultation on the {thing} closes at the end of {month}, the council said.",
    "Several shops near the {thing} have reported falling trade since the works began.",
    "The budget for the {thing} has been revised {years} times since {year}.",
)  # fmt: skip
QUOTED = (
    "We have waited long enough for this {thing}.",
    "Nobody in {place} wants to pay twice for the same mistake.",
    "The numbers do not add up, and everyone in the room knew it.",
    "I think the town deserves a straight answer by {month}.",
    "This was never about money alone.",
    "We will keep the {thing} open for as long as people use it.",
    "Families in {place} rely on it every single day.",
    "There is no plan that pleases everyone, but this one comes close.",
)  # fmt: skip


@dataclass
class LongArticle:
    body: str
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (quotation text, speaker)


class _Writer:
    def __init__(self, seed: int):
        self.rng = Random(f"long-article/{seed}")
        # One person a surname, so that `Okafor said` names one person only.
        self.people = list(zip(FIRST, LAST, strict=True))

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(
            thing=r.choice(THINGS), place=r.choice(PLACES), month=r.choice(MONTHS), day=r.choice(DAYS),
            amount=r.randint(2, 90), years=r.randint(2, 12), year=r.randint(1990, 2019),
        )  # fmt: skip

    def narrative(self, n: int) -> str:
        return " ".join(self.fill(self.rng.choice(NARRATIVE)) for _ in range(n))

    def quoted(self, n: int) -> str:
        return " ".join(self.fill(self.rng.choice(QUOTED)) for _ in range(n))

    def person(self) -> tuple[str, str, str]:
        first, last = self.rng.choice(self.people)
        return first, last, f"{self.rng.choice(ROLES)} of {self.rng.choice(ORGS)}"

    def paragraphs(self) -> list[tuple[str, list[str]]]:
        """The next paragraph or two, each with the speakers of the quotations it opens."""
        r = self.rng
        kind = r.random()
        first, last, role = self.person()
        if kind < 0.45:
            return [(self.narrative(r.randint(2, 4)), [])]
        if kind < 0.7:
            said = self.quoted(r.randint(1, 3)).removesuffix(".") + ","
            text = f"{first} {last}, the {role}, spoke at the meeting. “{said}” {last} said."
            return [(text, [f"{first} {last}"])]
        if kind < 0.9:
            text = f"{self.narrative(1)} {first} {last}, the {role}, said: “{self.quoted(r.randint(1, 3))}”"
            return [(text, [f"{first} {last}"])]
        return [
            (f"{first} {last}, the {role}, said: “{self.quoted(2)}", [f"{first} {last}"]),
            (f"“{self.quoted(2)}”", []),
        ]


def long_article(chars: int, seed: int = 0) -> LongArticle:
    """Paragraphs of generated news prose, at least `chars` characters, and its quotations."""
    writer = _Writer(seed)
    parts: list[str] = []
    speakers: list[str] = []
    # Paragraphs written twice (numbers aside) would be removed by cleaning as repeated lines.
    seen: set[str] = set()
    size = 0
    while size < chars:
        paragraphs = writer.paragraphs()
        if any(_DIGITS.sub("0", text) in seen for text, _ in paragraphs):
            continue
        for text, said in paragraphs:
            seen.add(_DIGITS.sub("0", text))
            parts.append(text)
            speakers.extend(said)
            size += len(text) + len(SEPARATOR)
    body = SEPARATOR.join(parts)
    return LongArticle(body, list(zip(_quotation_texts(body), speakers, strict=True)))


def one_paragraph(chars: int, seed: int = 0) -> str:
    """The same prose as long_article without a paragraph break: one paragraph of `chars`
    characters or a little more (two-paragraph quotations closed in their first paragraph)."""
    writer = _Writer(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        text = writer.paragraphs()[0][0]
        if text.count("“") > text.count("”"):
            text += "”"
        parts.append(text)
        size += len(text) + 1
    return " ".join(parts)


def _quotation_texts(body: str) -> list[str]:
    """The text between the marks of each quotation the generator wrote (a quotation over two
    paragraphs keeps the blank line and the reopening mark), less the reporter's comma."""
    texts = []
    at = body.find("“")
    while at != -1:
        end = body.find("”", at)
        text = body[at + 1 : end].rstrip(",")
        texts.append(text)
        at = body.find("“", end)
    return texts
