"""Audit entries for rows written in bulk (register.bulk, the DHIS2 import's bulk path).

django-auditlog writes one LogEntry per saved object from a signal; bulk writes send no
signals, so they queue the same entries here (content type, object id and representation,
the fields written as auditlog's ["old", "new"] pairs, the actor and request address of the
auditlog context, its correlation id, `additional_data.ou_path` for scoping) and write them
with the rows, in the same transaction: the log shows a bulk import as it shows a form.
"""

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from danso.register.bulk import BulkTable, Encoded, to_json


class BulkAudit:
    def __init__(self, user):
        context = auditlog_value.get(None) or {}
        actor = user or context.get("actor")
        self.table = BulkTable(LogEntry, db_ids=True)
        self.common = {
            "actor_id": actor.pk if actor else None,
            "actor_email": getattr(actor, "email", None) if actor else None,
            "remote_addr": context.get("remote_addr"),
            "remote_port": context.get("remote_port"),
            "cid": get_cid(),
            "timestamp": timezone.now(),
        }
        self._types: dict = {}

    def _type(self, model) -> int:
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model).pk
        return self._types[model]

    def _add(self, action, model, pk: int, text: str, ou_path: str, changes: dict) -> None:
        self.table.add(
            content_type_id=self._type(model), object_pk=str(pk), object_id=pk,
            object_repr=text, action=action, changes=changes,
            additional_data={"ou_path": ou_path}, **self.common,
        )  # fmt: skip

    def created(self, model, pk: int, text: str, ou_path: str, fields: dict) -> None:
        """A new object: every written field as ["None", value], as auditlog records one."""
        changes = {k: ["None", v if type(v) is str else _text(v)]
                   for k, v in fields.items() if v not in ("", None)}  # fmt: skip
        self._add(LogEntry.Action.CREATE, model, pk, text, ou_path, changes)

    def updated(self, model, pk: int, text: str, ou_path: str, changes: dict) -> None:
        """`changes`: field → (old, new)."""
        changes = {k: [_text(old), _text(new)] for k, (old, new) in changes.items()}
        self._add(LogEntry.Action.UPDATE, model, pk, text, ou_path, changes)

    def deleted(self, model, pk: int, text: str, ou_path: str) -> None:
        self._add(LogEntry.Action.DELETE, model, pk, text, ou_path, {})

    def flush(self) -> int:
        return self.table.flush()


def _text(value) -> str:
    if isinstance(value, Encoded):
        return str(value)
    if isinstance(value, dict):
        return to_json(value)
    return "None" if value is None else str(value)
