"""What the process lead does to an inbox group, each change written to the audit log: dismiss
it with a reason, or add its wordings to a curated answer as phrasings (a new version of the
answer; the group is then done)."""

from __future__ import annotations

from dataclasses import dataclass

from actions.core.inbox_groups import Group, InboxGroups
from knowledge.audit import AuditLog
from knowledge.curated import Content, CuratedAnswer, CuratedStore

GROUP_GONE = "Gruppen finns inte längre (den kan redan vara hanterad). Ladda om inkorgen."


@dataclass(frozen=True)
class InboxActions:
    groups: InboxGroups
    curated: CuratedStore
    audit: AuditLog

    def dismiss(self, key: str, reason: str, by: str) -> int:
        """Dismiss the group (its items do not come back); how many items. LookupError when the
        group is gone, ValueError (Swedish) without a reason. Audited as "inbox.dismiss"."""
        group = self._group(key)
        count = self.groups.dismiss(key, reason, by=by)
        self.audit.record(by, "inbox.dismiss", f"inbox:{key}", _record(group), {"reason": reason.strip()})
        return count

    def add_to_answer(self, key: str, answer_id: int, version: int, by: str) -> CuratedAnswer:
        """The group's wordings added to a curated answer's phrasings (a new version, from
        ``version``); the group is then done. LookupError when the group or the answer is gone,
        Conflict for a stale version. Audited as "inbox.add_phrasings" (the answer's own change
        as "answer.edit")."""
        group = self._group(key)
        content = self.curated.get(answer_id).content
        questions = (*content.questions, *group.phrasings)
        changed = Content(questions, content.answer, content.sources, content.region, content.review_by)
        updated = self.curated.update(answer_id, version, changed, by=by)
        added = [q for q in updated.content.questions if q not in content.questions]
        self.groups.dismiss(key, f"Lagt till som formulering i svar {answer_id}", by=by)
        self.audit.record(
            by, "inbox.add_phrasings", f"answer:{answer_id}", _record(group),
            {"answer_id": answer_id, "phrasings": added},
        )  # fmt: skip
        return updated

    def _group(self, key: str) -> Group:
        found = self.groups.group(key)
        if found is None:
            raise LookupError(GROUP_GONE)
        return found


def _record(group: Group) -> dict[str, object]:
    return {"question": group.question, "count": group.count, "key": group.key}
