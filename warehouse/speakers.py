"""Speakers across articles: quotes counted per speaker with each person linked to the one
canonical entity the warehouse knows for it (the speaker_links view, warehouse.schema.VIEWS)."""

from __future__ import annotations

import pandas as pd

from warehouse.store import Warehouse


def top_speakers(wh: Warehouse, run_id: str, limit: int) -> pd.DataFrame:
    """The most quoted speakers of a run's articles (speaker, quotes), a person's surname-only and
    variant quotes counted under the linked canonical entity."""
    return wh.query(
        """
        SELECT coalesce(l.linked_name, q.speaker) AS speaker, count(*) AS quotes
        FROM quotes q JOIN articles a USING (article_id)
        LEFT JOIN speaker_links l ON l.entity_id = q.speaker_entity_id
        WHERE a.run_id = ? AND q.speaker IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?""",
        [run_id, limit],
    )


def link_counts(wh: Warehouse) -> dict[str, int]:
    """How the warehouse's person speakers link: entities per link kind (self, variant, surname,
    ambiguous, unknown); ambiguous ones are left unlinked."""
    found = wh.query("SELECT link, count(*) AS n FROM speaker_links GROUP BY 1 ORDER BY 1")
    return dict(zip(found["link"].astype(str), found["n"].astype(int).tolist(), strict=True))
