"""The persons import's fast path: rows checked by a lean pass, written by set-based SQL.

`check` applies, row by row but without building a `Change` per row, exactly the checks that
`register_import.import_persons` applies through `Checker` to a registration read from a file
(cells storable, village known and unambiguous, household number, the codes, the dates, the
citizen ID, the method against the sex, no duplicate person in the household or the file).
It only ever says "every row passes" or "some row does not": at the first doubt it returns
None and the importer checks the file again the slow way, which explains every refused row
with its column, code and Vietnamese message. The messages therefore have a single source.

`write` then puts one staging row per person (built while checking) and one per new household
in temporary tables (COPY on PostgreSQL, sqlite3's executemany on SQLite) and spreads them with
one `INSERT … SELECT` per table: households, persons, registration events, their audit entries
(the LogEntry rows django-auditlog would write, as `BulkAudit.created` wrote them, built as
JSON by the database), residence, marital and method spells. The spells of a lone
registration depend only on (date, residence kind, marital status, method): each distinct one
is replayed once (projection.replay) and joined in. Ids come from the tables' sequences in
blocks (register.bulk), so related rows point at each other before anything is written. All
in the caller's transaction; heads named for existing households are one audited update.
"""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from danso import limits
from danso.audit.bulk import BulkAudit
from danso.register import codes, services
from danso.register.bulk import BulkTable, analyze, to_json
from danso.register.models import (
    Event,
    EventKind,
    Household,
    MaritalSpell,
    MethodSpell,
    Person,
    Residence,
    Slip,
)
from danso.register.projection import Fact, replay
from danso.register.signals import changed
from danso.register.validation import check_citizen_id
from danso.text import fold

CODE_COLUMNS = (
    "sex",
    "relationship",
    "ethnicity",
    "education",
    "marital_status",
    "residence_kind",
)  # fmt: skip  (the order of register_import._person_data)
FAIL = object()


class Row:
    """A checked row: what the writer still needs to place it, and the rest of its staging
    row (`tail`, in the order of STAGE after the ids and the slip) built while checking."""

    __slots__ = ("village", "key", "name", "day", "head", "tail")

    def __init__(self, village, key, name, day, head, tail):
        self.village, self.key, self.name, self.day = village, key, name, day
        self.head, self.tail = head, tail


def _cell_limits(text_columns) -> dict:
    found = {}
    for name, (model, field_name) in text_columns.items():
        length = model._meta.get_field(field_name).max_length or limits.CSV_FIELD_LIMIT
        found[name] = min(limits.CSV_FIELD_LIMIT, length)
    return found


def check(rows, villages, existing, known, today, coded, text_columns):
    """([Row], new households as {(village id, number): (village, number, address)}) if every
    row passes every check of the slow path, else None (see the module)."""
    from .register_import import RowError, parse_date

    cell_limit = _cell_limits(text_columns)
    default_limit = limits.CSV_FIELD_LIMIT
    by_key, shared = villages.by_key, villages.shared_codes
    code_cache = {name: {} for name in coded}

    def code(name, value):
        cache = code_cache[name]
        if value not in cache:
            cache[value] = coded[name].code_for(value) if value else ""
        return cache[value]

    dates: dict = {}

    def date(value):
        if value not in dates:
            try:
                dates[value] = parse_date(value, "")
            except RowError:
                dates[value] = FAIL
        return dates[value]

    isos: dict = {}

    def iso(day):
        isos[day] = day.isoformat()
        return isos[day]

    words: dict = {}

    def fold_name(name):
        # fold works letter by letter (and collapses spaces): fold each word once.
        if name.isascii():
            return name.lower()  # its words are apart by single spaces already
        out = []
        for word in name.split(" "):
            if word not in words:
                words[word] = word.lower() if word.isascii() else fold(word)
            if words[word]:  # a word of marks alone folds to nothing, as in the whole name
                out.append(words[word])
        return " ".join(out)

    female_only, male_only = codes.FEMALE_ONLY_METHODS, codes.MALE_ONLY_METHODS
    methods = codes.METHOD.codes
    person_lists = codes.PERSON_CODE_LISTS
    seen = set(known)  # the caller's set stays as it was, for the slow path
    checked = []
    new_households: dict = {}
    spell_keys: dict = {}  # (date, residence kind, marital status, method) → its number
    limit_of = cell_limit.get
    for _line, row in rows:
        for name, value in row.items():
            if value.__class__ is not str or name is None:
                if isinstance(value, str) and name is not None:
                    return None  # a str subclass: leave it to the slow path
                continue
            if len(value) > limit_of(name, default_limit) or "\x00" in value:
                return None
        key = row.get("village", "")
        village = by_key.get(key)
        if village is None or key in shared:
            return None
        number = row.get("household_number", "").strip()
        if not number:
            return None
        name = " ".join(row.get("full_name", "").split())
        if not name:
            return None
        person = {"full_name": name}
        for column in CODE_COLUMNS:
            if column in row:
                value = code(column, row[column])
                if value is None or (value and value not in person_lists[column].codes):
                    return None
                if value:
                    person[column] = value
        sex = person.get("sex")
        if not sex:
            return None
        born = row.get("date_of_birth", "")
        born = dates[born] if born in dates else date(born)
        if born is FAIL or born is None or born > today:
            return None
        person["date_of_birth"] = isos[born] if born in isos else iso(born)
        for column in ("citizen_id", "subject_code", "phone"):
            if value := row.get(column):
                person[column] = value
        if value := row.get("prior_live_births"):
            if not value.isdigit():
                return None
            person["prior_live_births"] = int(value)
        method = code("method", row.get("method", ""))
        if method is None:
            return None
        day = row.get("registered_on", "")
        day = dates[day] if day in dates else date(day)
        if day is FAIL:
            return None
        day = day or today
        if day > today or day < born:
            return None
        if "citizen_id" in person and check_citizen_id(person["citizen_id"], sex, born):
            return None
        if method and (
            method not in methods
            or (sex == codes.MALE and method in female_only)
            or (sex == codes.FEMALE and method in male_only)
        ):
            return None
        key = (village.id, number)
        household = existing.get(key)
        if household is not None:
            hkey = household.pk
        else:
            hkey = ("new", *key)
            if key not in new_households:
                new_households[key] = (village, number, row.get("address", ""))
        identity = (hkey, fold_name(name), sex, born)
        if identity in seen:
            return None
        seen.add(identity)
        data = {"person": person}  # its date of birth is written as ISO 8601 already
        if method:
            data["method"] = method
        get = person.get
        spell = (day, get("residence_kind"), get("marital_status"), method)
        if spell not in spell_keys:
            spell_keys[spell] = len(spell_keys) + 1
        relationship = get("relationship")
        checked.append(Row(village, key, name, day, relationship == codes.HEAD, (
            village.id, village.path, village.province_code, name, identity[1], sex,
            person["date_of_birth"], relationship or "9", get("ethnicity") or codes.KINH,
            get("education", ""), get("marital_status") or codes.NEVER_MARRIED,
            get("residence_kind") or codes.PRESENT, get("citizen_id", ""),
            get("subject_code", ""), get("phone", ""), get("prior_live_births", 0), method,
            isos[day] if day in isos else iso(day), to_json(data), spell_keys[spell],
        )))  # fmt: skip
    return checked, new_households, spell_keys


# The staging tables: one row per person and its registration, one per new household.
STAGE = [
    ("person_id", "bigint"), ("event_id", "bigint"), ("household_id", "bigint"),
    ("slip_id", "bigint"), ("village_id", "bigint"), ("ou_path", "text"),
    ("province_code", "text"), ("full_name", "text"), ("search_name", "text"), ("sex", "text"),
    ("date_of_birth", "date"), ("relationship", "text"), ("ethnicity", "text"),
    ("education", "text"), ("marital_status", "text"), ("residence_kind", "text"),
    ("citizen_id", "text"), ("subject_code", "text"), ("phone", "text"),
    ("prior_live_births", "integer"), ("method", "text"), ("occurred_on", "date"),
    ("data", "text"), ("spell_key", "integer"),
]  # fmt: skip
HOUSEHOLD_STAGE = [
    ("id", "bigint"), ("village_id", "bigint"), ("ou_path", "text"), ("province_code", "text"),
    ("number", "text"), ("address", "text"), ("head_name", "text"), ("search_text", "text"),
    ("label", "text"),
]  # fmt: skip
STAGE_TABLE = "danso_import_stage"
HOUSEHOLD_TABLE = "danso_import_households"
SPELL_TABLES = ("danso_import_residence", "danso_import_marital", "danso_import_method")


def fold_text(text: str) -> str:
    """`fold`, with ASCII text (most numbers and many addresses) done by lower() alone: for
    it fold only lowers and collapses spaces."""
    return " ".join(text.lower().split()) if text.isascii() else fold(text)


def write(checked, new_households, spell_keys, existing, user, accept, now) -> int:
    postgres = connection.vendor == "postgresql"
    audit = BulkAudit(user)
    households = BulkTable(Household)
    ids = {m: BulkTable(m) for m in (Person, Event)}
    heads: dict[int, str] = {}
    household_ids = {key: h.pk for key, h in existing.items()}
    for key in new_households:
        household_ids[key] = households.new_id()
    periods = {row.day: services.period_of(row.day) for row in checked}
    pairs = {(row.key[0], periods[row.day]): row.village for row in checked}
    slips = _slips(pairs, accept, user, now)
    person_id, event_id = ids[Person].new_id, ids[Event].new_id
    stage = []
    append = stage.append
    for row in checked:
        household_id = household_ids[row.key]
        if row.head:
            heads[household_id] = row.name
        slip = slips[(row.key[0], periods[row.day])]
        append((person_id(), event_id(), household_id, slip) + row.tail)
    homes = []
    for key, (village, number, address) in new_households.items():
        pk = household_ids[key]
        head = heads.pop(pk, "")
        label = f"Hộ số {number}" + (f" – {head}" if head else "")  # as Household.__str__
        homes.append((pk, village.id, village.path, village.province_code, number, address,
                      head, fold_text(f"{number} {head} {address}"), label))  # fmt: skip
    with connection.cursor() as cursor:
        _stage(cursor, STAGE_TABLE, STAGE, stage, postgres)
        _stage(cursor, HOUSEHOLD_TABLE, HOUSEHOLD_STAGE, homes, postgres)
        _spread(cursor, user, accept, now, postgres, audit)
        if accept:
            _spells(cursor, spell_keys, postgres)
        for name in (STAGE_TABLE, HOUSEHOLD_TABLE, *SPELL_TABLES):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
    from .register_import import _name_heads

    _name_heads(heads, audit)
    audit.flush()
    analyze([Household, Person, Slip, Event, Residence, MaritalSpell, MethodSpell])
    if accept:
        changed(village_id for village_id, _period in slips)
    return len(checked)


def _slips(pairs, accept, user, now) -> dict:
    """The slip of each (village id, month) (`pairs`: to the village), one query for those
    that exist (the others are created as the form creates them), accepted in one UPDATE."""
    villages = {village_id for village_id, _period in pairs}
    months = {period for _village_id, period in pairs}
    found = {
        (s.village_id, s.period): s
        for s in Slip.objects.filter(village_id__in=villages, period__in=months)
    }
    for village_id, period in sorted(pairs):
        if (village_id, period) not in found:
            found[(village_id, period)] = services.slip_for(pairs[village_id, period], period)
    slips = {key: found[key] for key in pairs}
    if accept:
        waiting = [s.pk for s in slips.values() if s.status != Slip.Status.ACCEPTED]
        if waiting:
            Slip.objects.filter(pk__in=waiting).update(
                status=Slip.Status.ACCEPTED, reviewed_at=now, reviewed_by=user
            )
    return {key: slip.pk for key, slip in slips.items()}


def _stage(cursor, name, columns, rows, postgres) -> None:
    declared = ", ".join(f"{column} {kind}" for column, kind in columns)
    if postgres:
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({declared}) ON COMMIT DROP")
        names = ", ".join(column for column, _kind in columns)
        with cursor.cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        import sqlite3

        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({declared})")
        marks = ", ".join(["?"] * len(columns))
        sqlite3.Cursor.executemany(cursor.cursor, f"INSERT INTO {name} VALUES ({marks})", rows)


def _default(f):
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    return "" if f.get_internal_type() in ("CharField", "TextField") else None


def _insert_select(cursor, model, exprs: dict, source: str, params: dict, postgres,
                   order: str = "") -> None:  # fmt: skip
    """INSERT INTO model's table every concrete column: from `exprs` (column → SQL over the
    source, or (SQL, its arguments)), else `params` or the field's default as an argument (as
    register.bulk's row templates do)."""
    columns, values, args = [], [], []
    for f in model._meta.concrete_fields:
        if f.column in exprs:
            expr = exprs[f.column]
            if isinstance(expr, tuple):
                expr, more = expr
                args += more
        elif f.primary_key:
            continue
        else:
            value = params[f.column] if f.column in params else _default(f)
            args.append(f.get_db_prep_save(value, connection))
            expr = f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s"
        columns.append(connection.ops.quote_name(f.column))
        values.append(expr)
    table = connection.ops.quote_name(model._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {source} {order}",
        args,
    )


def _changes(postgres, fields) -> tuple[str, list]:
    """SQL for auditlog's `changes` of a created object as BulkAudit.created writes them:
    {field: ["None", text]} for every field that is not empty. `fields`: (name, SQL of the
    text, may it be empty) or (name, constant)."""
    array = "jsonb_build_array" if postgres else "json_array"
    build = "jsonb_build_object" if postgres else "json_object"
    pairs, args, optional = [], [], []
    for name, *spec in fields:
        if len(spec) == 1:  # a constant
            value = spec[0]
            if value in ("", None):
                continue
            pairs.append((name, f"{array}('None', CAST(%s AS text))"))
            args.append(str(value))
            continue
        expr, may_be_empty = spec
        pairs.append((name, f"{array}('None', {expr})"))
        if may_be_empty:
            optional.append((name, expr))

    def obj(without=()):
        body = ", ".join(f"'{k}', {v}" for k, v in pairs if k not in without)
        return f"{build}({body})"

    if len(optional) == 1:  # the common case (an event's method): one CASE, no patching
        name, expr = optional[0]
        return f"CASE WHEN {expr} = '' THEN {obj([name])} ELSE {obj()} END", args + args
    empty = dict(optional)  # name → its SQL
    body = ", ".join(
        f"'{k}', " + (f"CASE WHEN {empty[k]} = '' THEN NULL ELSE {v} END" if k in empty else v)
        for k, v in pairs
    )
    if postgres:
        return f"jsonb_strip_nulls({build}({body}))", args
    return f"json_patch('{{}}', {build}({body}))", args  # a null in a patch drops the key


def _audit(cursor, model, source, pk, label, fields, postgres, audit, order="") -> None:
    """One LogEntry (action create) per row of the source, as BulkAudit.created writes it."""
    changes, args = _changes(postgres, fields)
    text = "text" if postgres else "TEXT"
    jobject = "jsonb_build_object" if postgres else "json_object"
    exprs = {
        "content_type_id": ("%s", [ContentType.objects.get_for_model(model).pk]),
        "object_pk": f"CAST({pk} AS {text})", "object_id": pk, "object_repr": label,
        "action": ("%s", [LogEntry.Action.CREATE]), "changes": (changes, args),
        "additional_data": f"{jobject}('ou_path', ou_path)",
    }  # fmt: skip
    params = {k: audit.common[k] for k in ("actor_id", "actor_email", "remote_addr",
                                           "remote_port", "cid", "timestamp")}  # fmt: skip
    _insert_select(cursor, LogEntry, exprs, source, params, postgres, order)


def _spread(cursor, user, accept, now, postgres, audit) -> None:
    user_id = user.pk if user else None
    text = "text" if postgres else "TEXT"
    created = {"kind": codes.FAMILY_HOUSEHOLD, "created_at": now, "created_by_id": user_id}
    household = ["village_id", "ou_path", "province_code", "number", "address", "head_name",
                 "search_text"]  # fmt: skip
    _insert_select(cursor, Household, {"id": "id", **{c: c for c in household}},
                   HOUSEHOLD_TABLE, created, postgres)  # fmt: skip
    # BulkAudit.created's fields of a household, in the order the row lists them.
    _audit(cursor, Household, HOUSEHOLD_TABLE, "id", "label", [
        ("village_id", f"CAST(village_id AS {text})", False), ("ou_path", "ou_path", True),
        ("province_code", "province_code", True), ("number", "number", True),
        ("address", "address", True), ("kind", codes.FAMILY_HOUSEHOLD),
        ("head_name", "head_name", True), ("created_at", now), ("created_by_id", user_id),
    ], postgres, audit, f"ORDER BY {HOUSEHOLD_TABLE}.id")  # fmt: skip
    person = ["village_id", "ou_path", "province_code", "household_id", "full_name",
              "search_name", "sex", "date_of_birth", "relationship", "ethnicity", "education",
              "marital_status", "residence_kind", "citizen_id", "subject_code", "phone",
              "prior_live_births"]  # fmt: skip
    _insert_select(cursor, Person, {"id": "person_id", **{c: c for c in person}}, STAGE_TABLE,
                   {"is_pending": not accept}, postgres)  # fmt: skip
    event = {
        "id": "event_id", "village_id": "village_id", "ou_path": "ou_path",
        "province_code": "province_code", "occurred_on": "occurred_on", "slip_id": "slip_id",
        "household_id": "household_id", "person_id": "person_id", "sex": "sex",
        "method": "method", "data": "CAST(data AS jsonb)" if postgres else "data",
    }  # fmt: skip
    kind = EventKind.REGISTRATION.value
    fixed = {"kind": kind, "recorded_at": now, "recorded_by_id": user_id, "is_accepted": accept}
    _insert_select(cursor, Event, event, STAGE_TABLE, fixed, postgres)
    # The event's audit entry: its fields as _write_persons lists them, its representation
    # "<kind's label> dd/mm/yyyy". Of its texts only the method can be empty (a village's
    # path and province code never are, a checked row has a sex).
    shown = "to_char(occurred_on, 'DD/MM/YYYY')"
    if not postgres:
        shown = "strftime('%%d/%%m/%%Y', occurred_on)"
    label = (f"CAST(%s AS text) || {shown}", [str(EventKind.REGISTRATION.label) + " "])
    _audit(cursor, Event, STAGE_TABLE, "event_id", label, [
        ("village_id", f"CAST(village_id AS {text})", False), ("ou_path", "ou_path", False),
        ("province_code", "province_code", False), ("kind", kind),
        ("occurred_on", "CAST(occurred_on AS text)" if postgres else "occurred_on", False),
        ("recorded_at", now), ("recorded_by_id", user_id),
        ("slip_id", f"CAST(slip_id AS {text})", False),
        ("household_id", f"CAST(household_id AS {text})", False),
        ("person_id", f"CAST(person_id AS {text})", False), ("is_accepted", accept),
        ("sex", "sex", False), ("method", "method", True), ("data", "data", False),
    ], postgres, audit, f"ORDER BY {STAGE_TABLE}.event_id")  # fmt: skip


def _spells(cursor, spell_keys, postgres) -> None:
    """Each distinct (date, residence kind, marital status, method) replayed once, its
    intervals joined to every staged person that has it."""
    residences, maritals, methods = [], [], []
    sentinel = -1
    adapt = (lambda d: d) if postgres else connection.ops.adapt_datefield_value
    for (day, residence_kind, marital, method), key in spell_keys.items():
        person = {k: v for k, v in (("residence_kind", residence_kind),
                                    ("marital_status", marital)) if v}  # fmt: skip
        data = {"person": person, **({"method": method} if method else {})}
        history = replay([Fact(EventKind.REGISTRATION, day, 0, data, sentinel, method)])
        for iv in history.residences:
            assert iv.household_id == sentinel
            residences.append((key, adapt(iv.start), adapt(iv.end), adapt(iv.counted_from)))
        for iv in history.maritals:
            maritals.append((key, adapt(iv.start), adapt(iv.end), iv.value))
        for iv in history.methods:
            methods.append((key, adapt(iv.start), adapt(iv.end), iv.value))
    for name, rows, extra in zip(SPELL_TABLES, (residences, maritals, methods),
                                 ("date", "text", "text"), strict=True):  # fmt: skip
        columns = [("spell_key", "integer"), ("start", "date"), ('"end"', "date"),
                   ("value", extra)]  # fmt: skip
        _stage(cursor, name, columns, rows, postgres)
    source = f"{STAGE_TABLE} s JOIN {{}} t ON t.spell_key = s.spell_key"
    common = {"person_id": "s.person_id", "province_code": "s.province_code",
              "start": "t.start", "end": 't."end"'}  # fmt: skip
    _insert_select(cursor, Residence, {
        **common, "household_id": "s.household_id", "village_id": "s.village_id",
        "ou_path": "s.ou_path", "counted_from": "t.value", "sex": "s.sex",
        "date_of_birth": "s.date_of_birth",
    }, source.format(SPELL_TABLES[0]), {}, postgres)  # fmt: skip
    _insert_select(cursor, MaritalSpell, {**common, "status": "t.value"},
                   source.format(SPELL_TABLES[1]), {}, postgres)  # fmt: skip
    _insert_select(cursor, MethodSpell, {**common, "method": "t.value"},
                   source.format(SPELL_TABLES[2]), {}, postgres)  # fmt: skip
