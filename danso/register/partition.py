"""The register's big tables partitioned by province, on PostgreSQL (opt-in, national scale).

`partition_by_province()` replaces each of the tables below by a table declared
`PARTITION BY LIST (province_code)` with the same columns, one partition per province known
to the org units (`<table>_p<code>`) and a DEFAULT partition for any other code, and copies
the rows over, in one transaction. Django's migrations are not involved and stay the same for
every database: a partitioned database is an unpartitioned one converted afterwards
(`danso manage partition_by_province`, or `danso bench national`, which converts its empty
bench database before generating). See docs/decisions.md ("Partitioning by province") for
the choice and its consequences:

- the primary key becomes `(id, province_code)` and every unique index gets `province_code`
  added (PostgreSQL requires the partition key in each): `id` still comes from its own
  sequence, so it stays unique by itself;
- a foreign key that *references* a partitioned table has to name `(id, province_code)`,
  which the referencing tables do not carry (a person's spells keep the province where they
  were lived, not the person's current one): those foreign keys are dropped, and the
  application, which writes the rows together in one transaction, keeps them consistent.
  Foreign keys *from* the partitioned tables to ordinary ones (villages, users, slips) are
  kept.
"""

import re

from django.db import connection, transaction

TABLES = [
    "register_household",
    "register_person",
    "register_event",
    "register_residence",
    "register_maritalspell",
    "register_methodspell",
]
DEFAULT = "default"


class PartitionError(Exception):
    pass


def partitioned_tables() -> dict[str, list[str]]:
    """{table: [its partitions]} for the register tables that are partitioned (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parent.relname, child.relname FROM pg_class parent "
            "JOIN pg_inherits i ON i.inhparent = parent.oid "
            "JOIN pg_class child ON child.oid = i.inhrelid "
            "WHERE parent.relkind = 'p' AND parent.relname = ANY(%s) ORDER BY 1, 2",
            [TABLES],
        )
        found: dict[str, list[str]] = {}
        for parent, child in cursor.fetchall():
            found.setdefault(parent, []).append(child)
    return found


def province_codes() -> list[str]:
    from danso.orgunits.models import Level, OrgUnit

    codes = OrgUnit.objects.filter(level=Level.PROVINCE).exclude(province_code="")
    return sorted(set(codes.values_list("province_code", flat=True)))


def partition_by_province(codes: list[str] | None = None, progress=None) -> dict:
    """Convert the register tables not yet partitioned; returns what was done. Raises
    PartitionError on SQLite (it has no partitioning)."""
    if connection.vendor != "postgresql":
        raise PartitionError("Partitioning by province needs PostgreSQL.")
    progress = progress or (lambda message: None)
    codes = sorted(set(codes if codes is not None else province_codes()))
    for code in codes:
        if not code.isalnum():
            raise PartitionError(f"Not a province code: {code!r}")
    done = partitioned_tables()
    todo = [t for t in TABLES if t not in done]
    summary = {"tables": todo, "partitions": len(codes) + 1, "rows": {}, "dropped_keys": []}
    if not todo:
        return summary
    with transaction.atomic(), connection.cursor() as cursor:
        # rows written earlier in the same transaction have deferred foreign-key checks, and
        # PostgreSQL alters no table with checks pending: run them now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, confrelid::regclass::text, "
            "pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
            "AND (conrelid::regclass::text = ANY(%s) OR confrelid::regclass::text = ANY(%s))",
            [todo, todo],
        )
        keys = cursor.fetchall()
        kept = []
        for name, table, target, definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            if target in todo or target in done:
                summary["dropped_keys"].append(f"{table}.{definition}")
            elif table in todo:
                kept.append((name, table, definition))
        for table in todo:
            summary["rows"][table] = _convert(cursor, table, codes)
            progress(f"{table}: {summary['rows'][table]:,} rows in {len(codes) + 1} partitions")
        for name, table, definition in kept:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for table in todo:
            cursor.execute(f'ANALYZE "{table}"')
    return summary


def _convert(cursor, table: str, codes: list[str]) -> int:
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid), indisunique "
        "FROM pg_index WHERE indrelid = %s::regclass AND NOT indisprimary",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    unique_constraints = {name for (name,) in cursor.fetchall()}
    new = f"{table}__partitioned"
    cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    # LIKE without INCLUDING IDENTITY: PostgreSQL 15 has no identity columns on partitioned
    # tables, so the id gets a sequence of its own below (owned by the column, as `serial`).
    cursor.execute(
        f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
        "PARTITION BY LIST (province_code)"
    )
    for code in codes:
        cursor.execute(
            f'CREATE TABLE "{table}_p{code.lower()}" PARTITION OF "{new}" FOR VALUES IN (%s)',
            [code],
        )
    cursor.execute(f'CREATE TABLE "{table}_p{DEFAULT}" PARTITION OF "{new}" DEFAULT')
    cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}"')
    rows = cursor.rowcount
    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
    (largest,) = cursor.fetchone()
    cursor.execute(f'DROP TABLE "{table}"')
    cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
    sequence = f"{table}_id_seq"
    cursor.execute(f'CREATE SEQUENCE "{sequence}" OWNED BY "{table}".id')
    cursor.execute("SELECT setval(%s, %s, %s)", [sequence, max(largest, 1), largest > 0])
    cursor.execute(f'ALTER TABLE "{table}" ALTER id SET DEFAULT nextval(\'"{sequence}"\')')
    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_pkey" '
                   "PRIMARY KEY (id, province_code)")  # fmt: skip
    for name, definition, unique in indexes:
        if re.search(r"\(province_code( varchar_pattern_ops)?\)$", definition):
            continue  # one value per partition: the partitioning itself is the index
        if unique:
            # the same uniqueness: every column here determines the province (a village, an
            # event superseded in its own province)
            definition = definition.rstrip(")") + ", province_code)"
        if name in unique_constraints:
            columns = definition[definition.index("(") :]
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" UNIQUE {columns}')
        else:
            cursor.execute(definition)
    return rows
