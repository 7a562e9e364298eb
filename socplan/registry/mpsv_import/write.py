"""Bulk insert of new rows together with their history rows, as prepared SQL (no model objects).

`RowWriter(model, actor=…, now=…, reason=…)` inserts rows given as dicts of attribute names (fields left out
take their model default) and, in the same transaction, one django-simple-history row per inserted row
(`history_type` "+", the same user, date and change reason that `bulk_create_with_history` writes). The main
rows are inserted as multi-row `INSERT … RETURNING id` (the ids come back in insertion order, as Django's own
`bulk_create` relies on for SQLite and PostgreSQL); the history rows, which need no ids back, by `executemany`.
Values are adapted for the database once per column kind (dates, date-times, decimals), not per model field.

The history table must hold exactly the model's columns (less the fields the model's history excludes) plus
simple-history's own (`history_id`, `history_date`, `history_change_reason`, `history_type`,
`history_user_id`): anything else raises at construction, so a new history field cannot be left silently empty.
"""

from __future__ import annotations

from django.db import connections, models, router

HISTORY_OWN = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


class RowWriter:
    def __init__(self, model, *, actor, now, reason: str):
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        ops = self.connection.ops
        now_db = ops.adapt_datetimefield_value(now)  # the time of the import, adapted once
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = [f.attname for f in fields]
        self.defaults = []
        self.adapters = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                default = now
            else:
                default = f.get_default() if f.has_default() else (None if f.null else f.get_default())
            self.defaults.append(default)
            if isinstance(f, models.DateTimeField):
                self.adapters.append(lambda v: now_db if v is now else ops.adapt_datetimefield_value(v))
            elif isinstance(f, models.DateField):
                self.adapters.append(ops.adapt_datefield_value)
            elif isinstance(f, models.DecimalField):
                self.adapters.append(lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places))
            else:
                self.adapters.append(None)
        self.adapted = [i for i, a in enumerate(self.adapters) if a is not None]
        self.table = ops.quote_name(model._meta.db_table)
        self.columns = [f.column for f in fields]
        pk = model._meta.pk
        self.pk_column = pk.column
        self.batch = max(1, min(500, ops.bulk_batch_size(self.columns, [None] * 500)))

        history = model.history.model
        excluded = set(getattr(history, "_history_excluded_fields", None) or ())
        self.history_index = [i for i, f in enumerate(fields) if f.name not in excluded]
        kept = [self.columns[i] for i in self.history_index]
        hist_columns = {f.column for f in history._meta.concrete_fields}
        expected = {pk.column, *kept, *HISTORY_OWN}
        if hist_columns != expected:
            raise RuntimeError(f"history table of {model.__name__} differs from the model: "
                               f"{sorted(hist_columns ^ expected)}")
        self.history_table = ops.quote_name(history._meta.db_table)
        self.history_columns = [pk.column, *kept, *HISTORY_OWN[1:]]
        self.history_all = len(kept) == len(self.columns)
        self.history_tail = (now_db, reason, "+", getattr(actor, "pk", None))

    def _row(self, values: dict) -> list:
        row = [values.get(n, d) for n, d in zip(self.names, self.defaults, strict=True)]
        adapters = self.adapters
        for i in self.adapted:
            if row[i] is not None:
                row[i] = adapters[i](row[i])
        return row

    def insert(self, rows: list[dict]) -> list[int]:
        """Insert `rows` and their history; return the new primary keys in the order of `rows`."""
        if not rows:
            return []
        q = self.connection.ops.quote_name
        cols = ", ".join(q(c) for c in self.columns)
        one = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
        pks: list[int] = []
        history: list[tuple] = []
        tail = self.history_tail
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), self.batch):
                chunk = [self._row(r) for r in rows[start:start + self.batch]]
                sql = (f"INSERT INTO {self.table} ({cols}) VALUES {', '.join([one] * len(chunk))} "
                       f"RETURNING {q(self.pk_column)}")
                cursor.execute(sql, [v for row in chunk for v in row])
                ids = [r[0] for r in cursor.fetchall()]
                if len(ids) != len(chunk):
                    raise RuntimeError(f"{self.model.__name__}: {len(ids)} ids returned for {len(chunk)} rows")
                pks += ids
                if self.history_all:
                    history += [(pk, *row, *tail) for pk, row in zip(ids, chunk, strict=True)]
                else:
                    keep = self.history_index
                    history += [(pk, *[row[i] for i in keep], *tail) for pk, row in zip(ids, chunk, strict=True)]
            hcols = ", ".join(q(c) for c in self.history_columns)
            cursor.executemany(
                f"INSERT INTO {self.history_table} ({hcols}) VALUES ({', '.join(['%s'] * len(self.history_columns))})",
                history)
        return pks
