"""Stories of our own for the version and copy tests: a harbour story, its later version, a
syndicated copy of it, another report of the same event, and an unrelated story."""
from __future__ import annotations

STORY = (
    "The harbour board of Calderwick voted on Tuesday to close the old ferry pier for a year of repairs, "
    "sending the island service to the freight quay until next autumn.\n\n"
    "“We cannot keep patching a pier that moves when the tide turns,” said Ingrid Solberg, who chairs "
    "the board. She said the repairs would cost about 14 million crowns.\n\n"
    "Ferry passengers will walk an extra ten minutes from the bus stop, and the operator will add a "
    "shuttle on weekday mornings. Traders on the pier asked for help with the lost season.\n\n"
    "The board will meet the traders on Friday. Work starts in March if the tender is signed in time."
)
# The board's later version of the story: a second quotation and a corrected figure.
UPDATED = STORY.replace("14 million", "16 million") + (
    "\n\n“The traders will not carry this alone,” Solberg said after the vote."
)
SYNDICATED = (
    STORY.replace("voted on Tuesday", "decided on Tuesday")
    + "\n\nReporting by Calder Wire Service; editing by Tessa Moreau."
)
OTHER = (
    "Farmers in the Upper Glen valley began the barley harvest two weeks early after a dry summer, "
    "and the co-operative said its silos would be full by the end of August.\n\n"
    "“It is the earliest start any of us can remember,” said Owen Halloran, who farms above the river."
)
SAME_EVENT = (
    "Islanders face a longer walk to the ferry from next spring. Calderwick's harbour board closed the "
    "ageing pier on Tuesday after engineers found the piles had shifted.\n\n"
    "“We cannot keep patching a pier that moves when the tide turns,” said Ingrid Solberg, who chairs "
    "the board.\n\n"
    "Services move to the freight quay. Shop owners on the pier said the closure would cost them their "
    "summer trade, and a shuttle bus is planned for commuters. Repairs are due to begin in March."
)
