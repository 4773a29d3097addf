"""What an audit returns: one outcome per expectation, and the articles that failed."""

from __future__ import annotations

from collections.abc import Iterable
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
    # article_id -> sorted list of the rule ids it failed (any row of any table of that article,
    # for the rules that hold the whole article)
    failed_articles: dict[str, list[str]] = field(default_factory=dict)
    # row key (a quote_id) -> sorted rule ids, for the rules that hold a row alone (Check.holds_row)
    failed_rows: dict[str, list[str]] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        """True when every expectation passed on the whole batch."""
        return all(o.success for o in self.outcomes)

    def failed_outcomes(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]

    def tripped(self, share: float, min_rows: int) -> ExpectationOutcome | None:
        """The rule that failed on the largest share of its rows, when that share is over `share`
        with at least `min_rows` rows checked: a batch where one rule fails that widely is held
        whole by the circuit breaker (something systemic broke, such as the model); else None."""
        over = [
            o
            for o in self.outcomes
            if o.element_count >= max(min_rows, 1) and o.unexpected_count / o.element_count > share
        ]
        return max(over, key=lambda o: o.unexpected_count / o.element_count, default=None)

    def held_whole(self, article_ids: Iterable[str], why: ExpectationOutcome) -> AuditResult:
        """This result with every article of the batch held by the circuit breaker (its reason
        names the rule and the share of rows it failed on); nothing is held row by row."""
        reason = f"{BREAKER_RULE} ({why.rule} failed on {why.unexpected_count} of {why.element_count} rows)"
        return AuditResult(self.outcomes, {a: [reason] for a in sorted(article_ids)}, {})


BREAKER_RULE = "batch.circuit_breaker"
