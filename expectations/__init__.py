"""Great Expectations audit of a staged batch: one suite per article table.

``audit_batch(tables)`` validates the staged frames and says which articles failed which rule.
Importing this package does not import Great Expectations; the first audit (or ``warm_up()``)
does, once per process.
"""

from expectations.audit import AuditError, audit_batch, warm_up
from expectations.results import AuditResult, ExpectationOutcome
from expectations.suites import describe, rule_ids

__all__ = [
    "AuditError",
    "AuditResult",
    "ExpectationOutcome",
    "audit_batch",
    "describe",
    "rule_ids",
    "warm_up",
]
