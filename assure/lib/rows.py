"""Model instances read with hand-written SQL, converted as the ORM converts them.

Every member page first reads its user and member. Building those queries with
the ORM costs more than running them (0.4 ms for `get()`, 0.18 ms for
`raw()`, against about 0.09 ms here; bench/member_pages.py), so the few reads
on that path select these columns themselves and make the instances here.
"""

from django.db import connections

CONVERTERS = {}


def columns(model, alias):
    """The model's columns for a SELECT list, prefixed with the table's `alias`."""
    quote = connections["default"].ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def instance(model, db, values):
    """The `model` instance read from `values` (in the order of `columns`)."""
    connection = connections[db]
    fields = model._meta.concrete_fields
    key = (model, connection.vendor)
    if key not in CONVERTERS:
        compiler = model._default_manager.all().query.get_compiler(using=db)
        CONVERTERS[key] = compiler.get_converters([f.get_col(model._meta.db_table) for f in fields])
    values = list(values)
    for index, (functions, column) in CONVERTERS[key].items():
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    return model.from_db(db, [field.attname for field in fields], values)
