from index.chunking import MAX_WORDS, chunk_document, parse_blocks
from index.sentences import split_sentences, split_units

BODY = """## Bakgrund

Kort inledning om samverkan mellan kommun och region.

## Uppdrag

Funktionen ska:

- vara kontaktperson,
- delta i samverkansmöten,
- föra frågor vidare.

""" + " ".join(["Ett långt stycke med många ord om samverkan."] * 40)


def test_blocks_keep_the_list_with_its_lead_in():
    blocks = parse_blocks(BODY)
    lead = next(b for b in blocks if b.text.startswith("Funktionen ska:"))
    assert lead.section == "Uppdrag"
    assert "- vara kontaktperson," in lead.text and "- föra frågor vidare." in lead.text


def test_chunks_stay_within_bounds_and_keep_title_and_section():
    chunks = chunk_document("doc", "Titeln", BODY)
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert all(c.title == "Titeln" for c in chunks)
    # The short background section does not stand alone: it is merged with the next one.
    first = chunks[0]
    assert "Kort inledning" in first.text and "Funktionen ska:" in first.text
    assert first.section == "Bakgrund / Uppdrag"
    assert first.indexed_text.startswith("Titeln. Bakgrund / Uppdrag. ")


def test_chunk_ids_are_stable_and_distinct():
    a = chunk_document("doc", "T", BODY)
    b = chunk_document("doc", "T", BODY)
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    assert chunk_document("other", "T", BODY)[0].id != a[0].id


def test_sentences_respect_abbreviations():
    text = "Det kan vara t.ex. organisation för samverkan. Riktlinjen beslutas av styrgruppen."
    assert split_sentences(text) == [
        "Det kan vara t.ex. organisation för samverkan.",
        "Riktlinjen beslutas av styrgruppen.",
    ]


def test_units_join_lead_in_and_items():
    units = split_units("Inledning här. Funktionen ska:\n- a,\n- b.\nSedan en mening.")
    assert units == ["Inledning här.", "Funktionen ska:\n- a,\n- b.", "Sedan en mening."]
