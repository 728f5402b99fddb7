"""A seeded inbox of a fictitious year: at least 2,000 questions the assistant could not answer,
in several groups, over a year, naming areas of both regions, from the three sources (not
answered, passed on, 👎 with a comment). Every question is made up (Testby, testcentralen …);
the areas are real names from the register so that the region filter has something to find.

    seed_inbox(url, questions=2100)  # into an initialised knowledge database
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from knowledge.db import engine_for
from knowledge.feedback import FeedbackRow
from knowledge.inbox import UnansweredRow
from knowledge.question_log import QuestionRow

# Topics: each a few wordings of one fictitious question; "{area}" is filled in with an area.
TOPICS: tuple[tuple[str, ...], ...] = (
    ("Vem betalar parkeringen vid testcentralen?", "Vem står för parkeringen vid testcentralen?",
     "Betalar testcentralen parkeringen för besökare?"),
    ("Hur bokar jag testlokalen för samverkansmötet?", "Var bokar man testlokalen till samverkansmötet?"),
    ("Får testpersonalen ta med fikabröd till mötet i {area}?",
     "Får personalen bjuda på fikabröd på mötet i {area}?"),
    ("Vilken blankett gäller för testanmälan i {area}?",
     "Vilken blankett använder vi för testanmälan i {area}?"),
    ("Hur lång är uppsägningstiden för testavtalet?", "Vad är uppsägningstiden på testavtalet?"),
    ("Vem ersätter testsamordnaren under semestern?", "Vem vikarierar för testsamordnaren på semestern?"),
    ("När öppnar testmottagningen i {area}?", "Vilka tider har testmottagningen i {area}?"),
    ("Kan jag ringa testjouren på helgen?", "Går det att nå testjouren under helgen?"),
    ("Hur många testplatser finns på korttidsboendet i {area}?",
     "Hur många testplatser har korttidsboendet i {area}?"),
    ("Vem godkänner testresor till utbildningen?", "Vem beslutar om testresor till utbildningen?"),
    ("Finns det tolk till testsamtalet?", "Kan vi boka tolk till testsamtalet?"),
    ("Hur arkiverar vi testjournalen efter flytten?", "Var arkiveras testjournalen när patienten flyttar?"),
    ("Vilket nummer har testväxeln i {area}?", "Vad är numret till testväxeln i {area}?"),
    ("Får testteamet använda egen bil i tjänsten?", "Kan testteamet köra egen bil i tjänsten?"),
    ("Vem beställer testhjälpmedel till hemmet i {area}?",
     "Vem ska beställa testhjälpmedel till hemmet i {area}?"),
    ("Hur ofta uppdateras testrutinen?", "När uppdateras testrutinen nästa gång?"),
    ("Vem äger testdatorn på samverkanskontoret?", "Vem ansvarar för testdatorn på samverkanskontoret?"),
    ("Gäller testöverenskommelsen även privata utförare?",
     "Omfattas privata utförare av testöverenskommelsen?"),
    ("Hur anmäler jag en testavvikelse i {area}?", "Var anmäler man en testavvikelse i {area}?"),
    ("Kan testmötet hållas digitalt?", "Får vi hålla testmötet på distans?"),
    ("Vem skriver protokollet på testmötet?", "Vem för protokoll vid testmötet?"),
    ("Vad kostar testutbildningen för kommunen?", "Hur mycket kostar testutbildningen för kommunen?"),
    ("Vilka testintyg behövs för hemtjänsten i {area}?", "Vilket testintyg krävs för hemtjänsten i {area}?"),
    ("Hur länge sparas testloggarna?", "Hur lång tid sparar man testloggarna?"),
)  # fmt: skip
AREAS = ("Farsta", "Botkyrka", "Malmö", "Lund", "Nacka", "Helsingborg", "Spånga-Tensta", "Ystad")
COMMENTS = ("Svaret handlade om något annat (fiktivt).", "Fel mottagning.", "Saknar telefonnummer.", "")
SHARES = (("abstained", 0.7), ("passed_on", 0.15), ("thumbs_down", 0.15))
YEAR_END = dt.datetime(2099, 12, 31, 16, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Seeded:
    abstained: int
    passed_on: int
    thumbs_down: int

    @property
    def total(self) -> int:
        return self.abstained + self.passed_on + self.thumbs_down


def seeded_questions(count: int, seed: int = 17) -> list[tuple[str, str, dt.datetime]]:
    """``count`` (source, question, when) triples, deterministic for ``seed``: popular topics
    asked far more often than rare ones, over the year before ``YEAR_END``."""
    rng = random.Random(seed)
    weights = [1.0 / (n + 1) for n in range(len(TOPICS))]
    out = []
    for _ in range(count):
        wordings = rng.choices(TOPICS, weights)[0]
        question = rng.choice(wordings).format(area=rng.choice(AREAS))
        if rng.random() < 0.2:
            question = question.lower().rstrip("?")  # as people type
        source = rng.choices([s for s, _ in SHARES], [w for _, w in SHARES])[0]
        when = YEAR_END - dt.timedelta(minutes=rng.randrange(365 * 24 * 60))
        out.append((source, question, when))
    return out


def seed_inbox(url: str, questions: int = 2100, seed: int = 17) -> Seeded:
    """Write the seeded questions into the knowledge database at ``url`` (initialised)."""
    rows = seeded_questions(questions, seed)
    rng = random.Random(seed + 1)
    counts = {"abstained": 0, "passed_on": 0, "thumbs_down": 0}
    with Session(engine_for(url)) as session, session.begin():
        for source, question, when in rows:
            counts[source] += 1
            if source == "abstained":
                session.add(QuestionRow(at=when, question=question, kind="abstain", reason="not_answered"))
            elif source == "passed_on":
                # Most questions passed on were abstentions first (the log has them too).
                if rng.random() < 0.6:
                    session.add(
                        QuestionRow(at=when, question=question, kind="abstain", reason="not_answered")
                    )
                later = when + dt.timedelta(minutes=1)
                session.add(
                    UnansweredRow(asked_at=later, conversation="seed", question=question, status="new")
                )
            else:
                session.add(
                    FeedbackRow(
                        created_at=when, conversation="seed", question=question,
                        answer="Ett fiktivt svar som inte hjälpte.", kind="passage", sources=[],
                        rating="down", comment=rng.choice(COMMENTS) or None,
                    )
                )  # fmt: skip
    return Seeded(counts["abstained"], counts["passed_on"], counts["thumbs_down"])
