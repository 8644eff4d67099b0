"""The persons import's fast path: rows checked by a lean pass, written by set-based SQL.

`check` applies, row by row but without building a `Change` per row, exactly the checks that
`register_import.import_persons` applies through `Checker` to a registration read from a file
(cells storable, village known and unambiguous, household number, the codes, the dates, the
citizen ID, the method against the sex, no duplicate person in the household or the file).
It only ever says "every row passes" or "some row does not": at the first doubt it returns
None and the importer checks the file again the slow way, which explains every refused row
with its column, code and Vietnamese message. The messages therefore have a single source.

`write` then puts one staging row per person in a temporary table (COPY on PostgreSQL,
sqlite3's executemany on SQLite) and spreads it with one `INSERT … SELECT` per table: persons,
registration events, their audit entries (the LogEntry rows django-auditlog would write,
built as JSON by the database), residence, marital and method spells. The spells of a lone
registration depend only on (date, residence kind, marital status, method): each distinct one
is replayed once (projection.replay) and joined in. Households (one in four rows) and their
audit entries go through register.bulk as before. All in the caller's transaction.
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
PERSON_COLUMNS = ("sex", "relationship", "ethnicity", "education", "marital_status",
                  "residence_kind", "date_of_birth", "citizen_id", "subject_code", "phone",
                  "prior_live_births")  # fmt: skip
FAIL = object()


class Row:
    """A checked row, as plain values (slots: a few hundred bytes for 50,000 of them)."""

    __slots__ = ("village", "key", "name", "search", "person", "method", "day", "data")

    def __init__(self, village, key, name, search, person, method, day, data):
        self.village, self.key, self.name, self.search = village, key, name, search
        self.person, self.method, self.day, self.data = person, method, day, data


def _cell_limits(text_columns) -> dict:
    found = {}
    for name, (model, field_name) in text_columns.items():
        length = model._meta.get_field(field_name).max_length or limits.CSV_FIELD_LIMIT
        found[name] = min(limits.CSV_FIELD_LIMIT, length)
    return found


def check(rows, villages, existing, known, today, coded, text_columns):
    """([Row], new households by (village id, number)) if every row passes every check of
    the slow path, else None (see the module)."""
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

    words: dict = {}

    def fold_name(name):
        # fold works letter by letter (and collapses spaces): fold each word once.
        out = []
        for word in name.split(" "):
            if word not in words:
                words[word] = fold(word)
            if words[word]:  # a word of marks alone folds to nothing, as in the whole name
                out.append(words[word])
        return " ".join(out)

    female_only, male_only = codes.FEMALE_ONLY_METHODS, codes.MALE_ONLY_METHODS
    methods = codes.METHOD.codes
    person_lists = codes.PERSON_CODE_LISTS
    seen = set(known)  # the caller's set stays as it was, for the slow path
    checked = []
    new_households: dict = {}
    for _line, row in rows:
        for name, value in row.items():
            if type(value) is not str or name is None:
                if isinstance(value, str) and name is not None:
                    return None  # a str subclass: leave it to the slow path
                continue
            if "\x00" in value or len(value) > cell_limit.get(name, default_limit):
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
        born = date(row.get("date_of_birth", ""))
        if born is FAIL or born is None or born > today:
            return None
        person["date_of_birth"] = born
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
        day = date(row.get("registered_on", ""))
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
        household = existing.get((village.pk, number))
        if household is not None:
            hkey = household.pk
        else:
            hkey = ("new", village.pk, number)
            if (village.pk, number) not in new_households:
                household = Household(number=number, address=row.get("address", ""))
                household.place_in(village)
                new_households[(village.pk, number)] = household
        identity = (hkey, fold_name(name), sex, born)
        if identity in seen:
            return None
        seen.add(identity)
        data = {"person": {k: (v.isoformat() if k == "date_of_birth" else v)
                           for k, v in person.items()}}  # fmt: skip
        if method:
            data["method"] = method
        checked.append(Row(village, (village.pk, number), name, identity[1], person, method, day,
                           to_json(data)))  # fmt: skip
    return checked, new_households


# The staging table: one row per person and its registration.
STAGE = [
    ("person_id", "bigint"), ("event_id", "bigint"), ("household_id", "bigint"),
    ("village_id", "bigint"), ("ou_path", "text"), ("province_code", "text"),
    ("slip_id", "bigint"), ("full_name", "text"), ("search_name", "text"), ("sex", "text"),
    ("date_of_birth", "date"), ("relationship", "text"), ("ethnicity", "text"),
    ("education", "text"), ("marital_status", "text"), ("residence_kind", "text"),
    ("citizen_id", "text"), ("subject_code", "text"), ("phone", "text"),
    ("prior_live_births", "integer"), ("method", "text"), ("occurred_on", "date"),
    ("data", "text"), ("spell_key", "integer"),
]  # fmt: skip
STAGE_TABLE = "danso_import_stage"


def write(checked, new_households, existing, user, accept, now) -> int:
    postgres = connection.vendor == "postgresql"
    user_id = user.pk if user else None
    audit = BulkAudit(user)
    households = BulkTable(Household)
    ids = {m: BulkTable(m, db_ids=False) for m in (Person, Event)}
    heads: dict[int, str] = {}
    slips: dict = {}
    periods: dict = {}
    spell_keys: dict = {}
    household_ids = {key: h.pk for key, h in existing.items()}
    for key in new_households:
        household_ids[key] = households.new_id()
    stage = []
    adapt_date = (lambda d: d) if postgres else connection.ops.adapt_datefield_value
    days: dict = {}
    for row in checked:
        village, person, day = row.village, row.person, row.day
        if day not in periods:
            periods[day] = services.period_of(day)
            days[day] = adapt_date(day)
        period = periods[day]
        if (village.pk, period) not in slips:
            slip = services.slip_for(village, period)
            if accept and slip.status != Slip.Status.ACCEPTED:
                Slip.objects.filter(pk=slip.pk).update(
                    status=Slip.Status.ACCEPTED, reviewed_at=now, reviewed_by=user
                )
            slips[(village.pk, period)] = slip.pk
        spell = (day, person.get("residence_kind"), person.get("marital_status"), row.method)
        if spell not in spell_keys:
            spell_keys[spell] = len(spell_keys) + 1
        household_id = household_ids[row.key]
        relationship = person.get("relationship")
        if relationship == codes.HEAD:
            heads[household_id] = row.name
        stage.append((
            ids[Person].new_id(), ids[Event].new_id(), household_id, village.pk, village.path,
            village.province_code, slips[(village.pk, period)], row.name, row.search,
            person["sex"], adapt_date(person["date_of_birth"]), relationship or "9",
            person.get("ethnicity") or codes.KINH, person.get("education", ""),
            person.get("marital_status") or codes.NEVER_MARRIED,
            person.get("residence_kind") or codes.PRESENT, person.get("citizen_id", ""),
            person.get("subject_code", ""), person.get("phone", ""),
            person.get("prior_live_births", 0), row.method, days[day], row.data,
            spell_keys[spell],
        ))  # fmt: skip
    _households(new_households, household_ids, heads, households, audit, now, user_id)
    households.flush()
    with connection.cursor() as cursor:
        _stage(cursor, stage, postgres)
        _spread(cursor, user, accept, now, postgres, audit)
        if accept:
            _spells(cursor, spell_keys, postgres)
        cursor.execute(f"DROP TABLE {STAGE_TABLE}")
        for name in ("danso_import_residence", "danso_import_marital", "danso_import_method"):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
    from .register_import import _name_heads

    _name_heads(heads, audit)
    audit.flush()
    analyze([Household, Person, Event, Residence, MaritalSpell, MethodSpell, LogEntry])
    if accept:
        changed(village_id for village_id, _period in slips)
    return len(checked)


def _households(new_households, household_ids, heads, table, audit, now, user_id) -> None:
    for key, household in new_households.items():
        household.pk = household_ids[key]
        household.head_name = heads.pop(household.pk, "")
        row = {
            "village_id": household.village_id, "ou_path": household.ou_path,
            "province_code": household.province_code, "number": household.number,
            "address": household.address, "kind": codes.FAMILY_HOUSEHOLD,
            "head_name": household.head_name, "created_at": now, "created_by_id": user_id,
        }  # fmt: skip
        table.add(
            id=household.pk,
            search_text=fold(f"{household.number} {household.head_name} {household.address}"),
            **row,
        )
        audit.created(Household, household.pk, str(household), household.ou_path, row)


def _stage(cursor, stage, postgres) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGE)
    if postgres:
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE_TABLE} ({columns}) ON COMMIT DROP")
        names = ", ".join(name for name, _kind in STAGE)
        with cursor.cursor.copy(f"COPY {STAGE_TABLE} ({names}) FROM STDIN") as copy:
            for row in stage:
                copy.write_row(row)
    else:
        import sqlite3

        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE_TABLE} ({columns})")
        marks = ", ".join(["?"] * len(STAGE))
        sqlite3.Cursor.executemany(
            cursor.cursor, f"INSERT INTO {STAGE_TABLE} VALUES ({marks})", stage
        )


def _insert_select(cursor, model, exprs: dict, source: str, params: dict, postgres) -> None:
    """INSERT INTO model's table every concrete column: from `exprs` (column → SQL over the
    source), or the field's default as a parameter (as register.bulk's templates do)."""
    columns, values, args = [], [], []
    for f in model._meta.concrete_fields:
        if f.column in exprs:
            expr = exprs[f.column]
        elif f.primary_key:
            continue
        else:
            if f.column in params:
                value = params[f.column]
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.get_internal_type() in ("CharField", "TextField"):
                value = ""
            else:
                value = None
            args.append(f.get_db_prep_save(value, connection))
            expr = f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s"
        columns.append(connection.ops.quote_name(f.column))
        values.append(expr)
    table = connection.ops.quote_name(model._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}",
        args,
    )


def _json(postgres, *pairs) -> str:
    """SQL building a JSON object from key, SQL-expression pairs (jsonb on PostgreSQL)."""
    body = ", ".join(f"'{k}', {v}" for k, v in pairs)
    return f"CAST(json_build_object({body}) AS jsonb)" if postgres else f"json_object({body})"


def _spread(cursor, user, accept, now, postgres, audit) -> None:
    s = STAGE_TABLE
    person_columns = ["village_id", "ou_path", "province_code", "household_id", "full_name",
                      "search_name", "sex", "date_of_birth", "relationship", "ethnicity",
                      "education", "marital_status", "residence_kind", "citizen_id",
                      "subject_code", "phone", "prior_live_births"]  # fmt: skip
    exprs = {"id": "person_id", **{c: c for c in person_columns}}
    _insert_select(cursor, Person, exprs, s, {"is_pending": not accept}, postgres)
    event = {
        "id": "event_id", "village_id": "village_id", "ou_path": "ou_path",
        "province_code": "province_code", "occurred_on": "occurred_on", "slip_id": "slip_id",
        "household_id": "household_id", "person_id": "person_id", "sex": "sex",
        "method": "method", "data": "CAST(data AS jsonb)" if postgres else "data",
    }  # fmt: skip
    user_id = user.pk if user else None
    fixed = {"kind": EventKind.REGISTRATION.value, "recorded_at": now,
             "recorded_by_id": user_id, "is_accepted": accept}  # fmt: skip
    _insert_select(cursor, Event, event, s, fixed, postgres)
    # The audit entry of each event: the fields written, as BulkAudit.created lists them
    # (every non-empty one as ["None", its text]).
    text = "text" if postgres else "TEXT"
    iso = "CAST(occurred_on AS text)" if postgres else "occurred_on"
    shown = "to_char(occurred_on, 'DD/MM/YYYY')" if postgres else "strftime('%%d/%%m/%%Y', "
    shown = shown if postgres else shown + "occurred_on)"

    def pair(expr):
        return f"json_build_array('None', {expr})" if postgres else f"json_array('None', {expr})"

    def const(value):
        return pair("%s" if not postgres else "CAST(%s AS text)"), str(value)

    fields = [
        ("village_id", pair(f"CAST(village_id AS {text})")), ("ou_path", pair("ou_path")),
        ("province_code", pair("province_code")), ("kind", None), ("occurred_on", pair(iso)),
        ("recorded_at", None), ("recorded_by_id", None),
        ("slip_id", pair(f"CAST(slip_id AS {text})")),
        ("household_id", pair(f"CAST(household_id AS {text})")),
        ("person_id", pair(f"CAST(person_id AS {text})")), ("is_accepted", None),
        ("sex", pair("sex")), ("method", pair("method")), ("data", pair("data")),
    ]  # fmt: skip
    constants = {"kind": fixed["kind"], "recorded_at": now, "recorded_by_id": user_id,
                 "is_accepted": accept}  # fmt: skip
    pairs, args = [], []
    for name, expr in fields:
        if expr is None:
            value = constants[name]
            if value in ("", None):
                continue
            expr, value = const(value)
            args.append(value)
        pairs.append((name, expr))
    without_method = [(k, v) for k, v in pairs if k != "method"]
    # Placeholders appear twice (with and without the method): the arguments too.
    changes = (f"CASE WHEN method = '' THEN {_json(postgres, *without_method)} "
               f"ELSE {_json(postgres, *pairs)} END")  # fmt: skip
    label = str(EventKind.REGISTRATION.label)
    common = audit.common
    entry = {
        "content_type_id": "%s", "object_pk": f"CAST(event_id AS {text})",
        "object_id": "event_id",
        "object_repr": f"CAST(%s AS text) || {shown}" if postgres else f"%s || {shown}",
        "action": "%s", "changes": changes,
        "additional_data": _json(postgres, ("ou_path", "ou_path")),
    }  # fmt: skip
    head = [ContentType.objects.get_for_model(Event).pk, label + " ", LogEntry.Action.CREATE]
    params = {k: common[k] for k in ("actor_id", "actor_email", "remote_addr", "remote_port",
                                     "cid", "timestamp")}  # fmt: skip
    # The arguments go in column order: build the statement, then order them alike.
    _insert_audit(cursor, entry, head, args, params, postgres)


def _insert_audit(cursor, entry, head, change_args, params, postgres) -> None:
    columns, values, args = [], [], []
    head = list(head)
    for f in LogEntry._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.column in entry:
            expr = entry[f.column]
            if f.column in ("content_type_id", "object_repr", "action"):
                args.append(head.pop(0))
            elif f.column == "changes":
                args += change_args[:] + change_args[:]
                # (the CASE lists them without the method first, then with: the same ones)
        else:
            value = params.get(f.column, f.get_default() if f.has_default() else None)
            if value is None and not f.null and f.get_internal_type() in ("TextField", "CharField"):
                value = ""
            args.append(f.get_db_prep_save(value, connection))
            expr = f"CAST(%s AS {f.db_type(connection)})" if postgres else "%s"
        columns.append(connection.ops.quote_name(f.column))
        values.append(expr)
    table = connection.ops.quote_name(LogEntry._meta.db_table)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {STAGE_TABLE} s ORDER BY s.event_id",
        args,
    )


def _spells(cursor, spell_keys, postgres) -> None:
    """Each distinct (date, residence kind, marital status, method) replayed once, its
    intervals joined to every staged person that has it."""
    residences, maritals, methods = [], [], []
    sentinel = -1
    for (day, residence_kind, marital, method), key in spell_keys.items():
        person = {k: v for k, v in (("residence_kind", residence_kind),
                                    ("marital_status", marital)) if v}  # fmt: skip
        data = {"person": person, **({"method": method} if method else {})}
        history = replay([Fact(EventKind.REGISTRATION, day, 0, data, sentinel, method)])
        adapt = (lambda d: d) if postgres else connection.ops.adapt_datefield_value
        for iv in history.residences:
            assert iv.household_id == sentinel
            residences.append((key, adapt(iv.start), adapt(iv.end), adapt(iv.counted_from)))
        for iv in history.maritals:
            maritals.append((key, adapt(iv.start), adapt(iv.end), iv.value))
        for iv in history.methods:
            methods.append((key, adapt(iv.start), adapt(iv.end), iv.value))
    temp = "TEMPORARY TABLE"
    done = " ON COMMIT DROP" if postgres else ""
    mark = "%s" if postgres else "?"
    for name, rows, extra in (
        ("danso_import_residence", residences, "counted_from date"),
        ("danso_import_marital", maritals, "value text"),
        ("danso_import_method", methods, "value text"),
    ):
        cursor.execute(f'CREATE {temp} {name} (spell_key integer, start date, "end" date, '
                       f"{extra}){done}")  # fmt: skip
        if rows:
            sql = f"INSERT INTO {name} VALUES ({', '.join([mark] * 4)})"
            if postgres:
                cursor.executemany(sql, rows)
            else:
                import sqlite3

                sqlite3.Cursor.executemany(cursor.cursor, sql, rows)
    source = "{stage} s JOIN {spell} t ON t.spell_key = s.spell_key"
    common = {"person_id": "s.person_id", "province_code": "s.province_code",
              "start": "t.start", "end": 't."end"'}  # fmt: skip
    _insert_select(cursor, Residence, {
        **common, "household_id": "s.household_id", "village_id": "s.village_id",
        "ou_path": "s.ou_path", "counted_from": "t.counted_from", "sex": "s.sex",
        "date_of_birth": "s.date_of_birth",
    }, source.format(stage=STAGE_TABLE, spell="danso_import_residence"), {}, postgres)  # fmt: skip
    _insert_select(cursor, MaritalSpell, {**common, "status": "t.value"},
                   source.format(stage=STAGE_TABLE, spell="danso_import_marital"), {},
                   postgres)  # fmt: skip
    _insert_select(cursor, MethodSpell, {**common, "method": "t.value"},
                   source.format(stage=STAGE_TABLE, spell="danso_import_method"), {},
                   postgres)  # fmt: skip
