"""The names of what the learned models weigh, in order: per unit (:mod:`index.evidence`) and per
question for the decision to answer (:mod:`index.learned`). A saved model records them, and one
fitted on other features is refused."""

from __future__ import annotations

UNIT_FEATURES = (
    "question_dense",  # the best cosine to a written question of the unit
    "question_dense_2",  # the mean of its two best
    "question_dense_rank",  # 1 / the unit's rank by question_dense
    "question_vote",  # the unit's share of the nearest written questions, weighted by closeness
    "question_words",  # the best BM25 of a written question of the unit, over the best of any unit
    "question_words_rank",
    "unit_dense",  # the unit's own cosine (with its title and section)
    "unit_dense_rank",
    "unit_words",  # the unit's BM25, over the best unit's
    "passage_dense",  # its passage's cosine
    "passage_words",  # its passage's BM25, over the best passage's
    "lexical",  # the idf-weighted share of the question's words the unit (and its section) holds
    "kind_held",  # how precisely the unit holds an answer of the kind asked for (0 when none asked)
    "kind_missing",  # a kind was asked for and the unit holds none
    "title_words",  # the share of the question's words the document's title holds
    "context_unit",  # the unit of the previous answer
    "context_near",  # within two units of it, in its document
    "context_section",  # in its section
    "context_document",  # in its document
    "bare",  # the unit has no written questions (a new source before anyone wrote any)
    "bare_unit_dense",  # unit_dense, for a bare unit only
    "bare_lexical",  # lexical, for a bare unit only
    "bare_unit_words",  # unit_words, for a bare unit only
)

DECISION_FEATURES = (
    "probability",  # the ranker's softmax probability of the best unit
    "margin",  # ... less that of the second best
    "question_dense",  # the best unit's closest written question
    "question_dense_2",
    "question_vote",
    "unit_dense",
    "lexical",
    "kind_missing",  # a strict kind (a date, an amount ...) was asked for and neither the unit nor a
    # neighbour quoted with it holds one
    "answered_dense",  # the closest written question of any unit
    "refused_dense",  # the closest question the sources do not answer
    "dense_lead",  # answered_dense - refused_dense
    "answered_words",  # log(1 + BM25) of the best written question of any unit
    "refused_words",
    "refused_share",  # the closeness-weighted share of the nearest written questions that are refused
    "coverage",  # the idf-weighted share of the question's words the sources use
    "unknown",  # words the sources never use
    "year_missing",  # a year the best unit's document never mentions
    "length",  # log of the number of words
    "bare",  # the best unit has no written questions
    "bare_unit_dense",  # its unit_dense, when it has none
)

PHRASING_FEATURES = (
    "dense",  # the closest phrasing's cosine
    "dense_2",  # the mean of the two closest
    "lexical",  # the most of the question's weighted words one of the closest phrasings shares both ways
    "same_kind",  # whether the closest phrasing asks for the same kind of answer (or either for none)
)
