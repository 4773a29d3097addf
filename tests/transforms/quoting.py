"""The quotations of a text of our own as the rules give them: what the quote-class tests compare."""
from transforms.entities import analyse_entities
from transforms.quotes import extract_quotes


def quotes(nlp, body, kinds=("direct", "partial")):
    """(quoted text, speaker) of each quotation of `kinds` in `body`, in order."""
    doc = nlp(body)
    return [(body[q.start:q.end], q.attribution.speaker) for q in extract_quotes(doc, analyse_entities(doc))
            if q.kind in kinds]
