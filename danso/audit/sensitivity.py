"""Which audit entries hold sensitive values: entries of the casework registries, data values
of sensitive data elements or of sensitive data sets, and plan targets on such metrics. A user
without the sensitive permission sees that the change happened (who, when, what kind of
object) but neither its title nor its values or comments."""

from django.contrib.contenttypes.models import ContentType


def _sensitive_elements() -> tuple[set[int], set[str]]:
    from danso.programmes.metrics import INDICATOR_METRICS
    from danso.programmes.models import DataElement, DataSetElement

    in_sets = DataSetElement.objects.filter(data_set__sensitive=True).values("data_element")
    rows = DataElement.objects.filter(sensitive=True) | DataElement.objects.filter(pk__in=in_sets)
    pks, codes = set(), {c for c, m in INDICATOR_METRICS.items() if m.sensitive}
    for pk, code in rows.values_list("pk", "code"):
        pks.add(pk)
        codes.add(code)
    return pks, codes


class Redactor:
    """Decides entry by entry; built once per page."""

    def __init__(self, user):
        from danso.casework.models import SENSITIVE_MODELS
        from danso.programmes.models import DataValue, Target

        self.allowed = user.can_access_sensitive
        if self.allowed:
            return
        get = ContentType.objects.get_for_model
        self.always = {get(m).pk for m in SENSITIVE_MODELS}
        self.value_type, self.target_type = get(DataValue).pk, get(Target).pk
        self.element_pks, self.metric_codes = _sensitive_elements()

    def hides(self, entry) -> bool:
        if self.allowed:
            return False
        if (entry.additional_data or {}).get("sensitive"):
            return True
        kind = entry.content_type_id
        if kind in self.always:
            return True
        if kind == self.value_type:
            # DataValue's title starts with its element's key: "12.3 456 2024".
            element = entry.object_repr.split(".", 1)[0]
            changed = (entry.changes_dict or {}).get("data_element")
            keys = {element, *(changed or [])}
            return any(k.isdigit() and int(k) in self.element_pks for k in keys if k)
        if kind == self.target_type:
            changed = (entry.changes_dict or {}).get("metric") or []
            words = set(entry.object_repr.split()) | set(changed)
            return bool(words & self.metric_codes)
        return False
