"""Writing many rows at once, on SQLite and PostgreSQL: the imports' one bulk writer.

Every vendor branch of the imports is here. The functions take plain tuples
of the values the database stores, or model instances where the ORM's
preparation of values is wanted (``create``, ``update_all``): for batches of
thousands of rows, building instances and their SQL with QuerySet.bulk_create
or bulk_update costs several times what the database takes.

- ``select_in``: the rows whose key is one of many values;
- ``insert``: rows in, COPY on PostgreSQL, executemany on SQLite;
- ``insert_returning_ids``: the same, giving each row's new id;
- ``update_all``: UPDATE many instances in one executemany;
- ``StagedUpsert`` (PostgreSQL): COPY into a temporary table, then one upsert;
- ``write_or_one_by_one``: writes in one savepoint, or one record at a time
  when the database refuses, so that only the failing records are lost;
- ``larger_sqlite_cache`` and ``analyze``: what a large import needs around it.
"""

import contextlib

from django.db import DatabaseError, connection, transaction

IN_SIZE = 900  # values in one IN (...) list: under SQLite's oldest limit of 999 parameters


def quoted_columns(model, fields):
    """The quoted columns of ``fields`` ("pk" allowed) of a model, comma-separated."""
    quote, meta = connection.ops.quote_name, model._meta
    return ", ".join(
        quote((meta.pk if name == "pk" else meta.get_field(name)).column) for name in fields
    )


def select_in(model, fields, key, values, order=False):
    """The rows (tuples of ``fields``) of a model whose ``key`` is one of ``values``.

    Plain SQL, a few hundred values at a time: for a long IN list the ORM's
    preparation of each value and its converters on each row cost more
    than the query. Values come as the driver gives them (on SQLite, floats
    for decimals); ``order`` sorts by the fields (the key first).
    """
    quote = connection.ops.quote_name
    meta = model._meta
    columns = quoted_columns(model, fields)
    column = quote(meta.get_field(key).column)
    select = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE "  # noqa: S608
    order_by = f" ORDER BY {columns}" if order else ""
    values = list(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter: quicker to send and plan
            cursor.execute(f"{select}{column} = ANY(%s){order_by}", [values])
            return cursor.fetchall()
        rows = []
        for start in range(0, len(values), IN_SIZE):
            chunk = values[start : start + IN_SIZE]
            cursor.execute(
                f"{select}{column} IN ({', '.join(['%s'] * len(chunk))}){order_by}", chunk
            )
            rows += cursor.fetchall()
    return rows


def copy(cursor, table, columns, rows):
    """COPY rows into a table (PostgreSQL), with Django's error classes.

    COPY goes to the driver directly: it streams the rows with no statement
    to parse per row, and its errors are wrapped here by hand.
    """
    with (
        connection.wrap_database_errors,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copying,
    ):
        for row in rows:
            copying.write_row(row)


def insert(model, fields, rows):
    """INSERT rows (tuples of the values of ``fields``): COPY on PostgreSQL, executemany elsewhere.

    Every value is already what the database stores (text, number, date or
    None): both skip the ORM's work per object, most of the cost of a row.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = quoted_columns(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy(cursor, table, columns, rows)
        else:
            # Only quoted identifiers from the model are formatted in; values are parameters.
            markers = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({markers})", rows)  # noqa: S608


def insert_returning_ids(model, fields, rows):
    """INSERT rows like ``insert``; returns {first value of a row: its new id}.

    The first field is a unique key. On PostgreSQL, ids taken from the
    table's sequence and COPY; on SQLite, multi-row INSERTs whose RETURNING
    (3.35+) gives the ids back, or else a query.
    """
    if not rows:
        return {}
    meta = model._meta
    table, pk = connection.ops.quote_name(meta.db_table), connection.ops.quote_name(meta.pk.column)
    columns = quoted_columns(model, fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = {row[0]: new_id for row, (new_id,) in zip(rows, cursor.fetchall(), strict=True)}
            copy(cursor, table, f"{pk}, {columns}", ((ids[row[0]], *row) for row in rows))
            return ids
        if not connection.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35
            insert(model, fields, rows)
            return dict(select_in(model, (fields[0], "pk"), fields[0], [row[0] for row in rows]))
        ids = {}
        markers = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = connection.ops.bulk_batch_size([meta.get_field(name) for name in fields], rows)
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([markers] * len(chunk))} "
                f"RETURNING {pk}, {quoted_columns(model, fields[:1])}",
                [value for row in chunk for value in row],
            )
            ids.update((key, new_id) for new_id, key in cursor.fetchall())
    return ids


def create(model, instances):
    """INSERT new model instances (QuerySet.bulk_create: the ORM prepares their values).

    Their pk is cleared first: a savepoint rolled back may have left one.
    """
    for instance in instances:
        instance.pk = None
    model.objects.bulk_create(instances)


def update_all(model, fields, instances):
    """UPDATE these fields of these instances, one statement run with executemany.

    QuerySet.bulk_update builds a CASE expression per column and row in
    Python, some 2 ms a row; executemany does the same work a hundred
    times faster on SQLite and PostgreSQL alike.
    """
    if not instances:
        return
    fields = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only quoted identifiers from the model are formatted in; values are parameters.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields]
        + [instance.pk]
        for instance in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def write_or_one_by_one(writes, reject):
    """Run each ``(write, items)`` of ``writes``, ``write(items)``, in one savepoint.

    If the database refuses (say, another writer inserted the same key since
    the batch was read), each item is written alone, ``write([item])`` in a
    savepoint of its own, and ``reject(item, error)`` is called for each one
    refused: only the failing records are lost. Returns the items written,
    a list for each write.
    """
    try:
        with transaction.atomic():
            for write, items in writes:
                if items:
                    write(items)
    except DatabaseError:
        pass
    else:
        return [items for _, items in writes]
    written = []
    for write, items in writes:
        written.append([])
        for item in items:
            try:
                with transaction.atomic():
                    write([item])
            except DatabaseError as error:
                reject(item, error)
            else:
                written[-1].append(item)
    return written


def save(model, fields, to_create, to_update, reject):
    """Insert the new instances and update ``fields`` of the others, (line, instance) pairs.

    In bulk, or one by one if the bulk fails (``write_or_one_by_one``;
    ``reject(line, reason)`` for each one refused). Returns the pairs
    created and those updated.
    """

    def insert_pairs(pairs):
        create(model, [instance for _, instance in pairs])

    def update_pairs(pairs):
        update_all(model, fields, [instance for _, instance in pairs])

    return write_or_one_by_one(
        [(insert_pairs, to_create), (update_pairs, to_update)],
        lambda pair, error: reject(pair[0], f"database: {error}"),
    )


class StagedUpsert:
    """How a batch goes into PostgreSQL: COPY into a temporary table, then one upsert.

    ``fields`` are those written, the ``key`` fields (a unique constraint)
    first. COPY streams the rows with no statement to parse per row;
    ``INSERT … SELECT … ON CONFLICT (key) DO UPDATE … WHERE (…) IS DISTINCT
    FROM (…)`` then creates the new rows, updates the changed ones and leaves
    the others, in one statement that says which it did. The keys already
    met are kept in a second temporary table (the file may repeat one many
    batches later): one join finds the repeats of a batch, one INSERT …
    SELECT records the others. Nothing of a batch goes through Python twice.
    """

    def __init__(self, model, fields, key, name):
        quote = connection.ops.quote_name
        meta = model._meta
        self.table = quote(meta.db_table)
        self.batch, self.seen = f"{name}_batch", f"{name}_seen"
        self.columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
        self.key = ", ".join(quote(meta.get_field(name).column) for name in key)
        self.updated = [quote(meta.get_field(name).column) for name in fields[len(key) :]]
        with connection.cursor() as cursor:
            self.drop()
            # Only quoted identifiers from the model are formatted in.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.batch} AS "  # noqa: S608
                f"SELECT 0 AS line, {self.columns} FROM {self.table} WITH NO DATA"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.seen} AS "  # noqa: S608
                f"SELECT {self.key}, 0 AS line FROM {self.table} WITH NO DATA"
            )
            cursor.execute(f"ALTER TABLE {self.seen} ADD PRIMARY KEY ({self.key})")

    def upsert(self, rows):
        """Upsert rows (line, *values of the fields), whose keys differ from each other.

        Returns the (line, first line) of the rows whose key an earlier call
        wrote (they are left out), the count of rows created, of rows updated.
        """
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {self.batch}")
            copy(cursor, self.batch, f"line, {self.columns}", rows)
            cursor.execute(
                f"SELECT batch.line, seen.line FROM {self.batch} batch "  # noqa: S608
                f"JOIN {self.seen} seen USING ({self.key})"
            )
            repeated = cursor.fetchall()
            if repeated:
                cursor.execute(
                    f"DELETE FROM {self.batch} WHERE line = ANY(%s)",  # noqa: S608
                    [[line for line, _ in repeated]],
                )
            cursor.execute(
                f"INSERT INTO {self.seen} ({self.key}, line) "  # noqa: S608
                f"SELECT {self.key}, line FROM {self.batch}"
            )
            assignments = ", ".join(f"{column} = excluded.{column}" for column in self.updated)
            old = ", ".join(f"existing.{column}" for column in self.updated)
            new = ", ".join(f"excluded.{column}" for column in self.updated)
            cursor.execute(
                f"WITH written AS (INSERT INTO {self.table} AS existing ({self.columns}) "  # noqa: S608
                f"SELECT {self.columns} FROM {self.batch} "
                f"ON CONFLICT ({self.key}) DO UPDATE SET {assignments} "
                f"WHERE ({old}) IS DISTINCT FROM ({new}) "
                "RETURNING xmax = 0 AS created) "
                "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) "
                "FROM written"
            )
            created, updated = cursor.fetchone()
        return repeated, created, updated

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.batch}, {self.seen}")


@contextlib.contextmanager
def larger_sqlite_cache(kib=64 * 1024):
    """A larger page cache for the connection while the block runs (SQLite; elsewhere nothing).

    A row goes into each index of its table, most in an order unrelated to
    the file's; with SQLite's default cache (2 MB) the pages they need are
    read again and again once the table outgrows it, and an import slows
    down as the table grows. ``kib`` bounds the memory it takes.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def analyze(*models):
    """Refresh the planner's statistics of the models' tables after an import that
    changed rows (searches then use their indexes at once, not after autovacuum);
    on PostgreSQL also the visibility map, so that index-only scans read the
    index alone. ANALYZE reads a sample of a table (some 30,000 rows), VACUUM
    only the pages changed: under a second after 500,000 rows."""
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cursor.execute(f"ANALYZE {table}")
