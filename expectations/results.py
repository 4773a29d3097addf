"""What an audit returns: one outcome per expectation, and the articles that failed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExpectationOutcome:
    """One expectation of one suite, as validated by Great Expectations on the staged batch."""

    suite: str  # suite name = table name, e.g. "articles"
    expectation: str  # GX expectation type, e.g. "expect_column_values_to_not_be_null"
    column_name: str | None  # the column checked ("a, b" for a compound key)
    description: str  # plain words, e.g. "every quote has a speaker"
    rule: str  # our short id, used as quarantine reason, e.g. "quotes.speaker_not_null"
    success: bool
    element_count: int  # rows checked (GX element_count: every row of the table)
    unexpected_count: int  # rows that failed (GX unexpected_count)


@dataclass
class AuditResult:
    outcomes: list[ExpectationOutcome]
    # article_id -> sorted list of the rule ids it failed (any row of any table of that article)
    failed_articles: dict[str, list[str]] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        """True when every expectation passed on the whole batch."""
        return all(o.success for o in self.outcomes)

    def failed_outcomes(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]
