"""Queries compiled once, for the few statements that run on every request.

Building and compiling a query through the ORM costs more CPU than running it on either
database (issue 9's profile: the token lookup of every API request, with its two-factor fact).
A ``CompiledQuery`` builds its queryset once per database connection, with marks where the
values go, keeps the SQL and the compiler, and on each call runs the SQL with the values put in
place of the marks and converts the rows as the ORM would (dates, booleans). The query itself
is written with the ORM, so it reads like every other one and follows the models.
"""

from collections.abc import Callable
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)


def table(model: type[Model]) -> str:
    """``model``'s table, quoted for SQL written by hand on the default database."""
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def mark(n: int, kind: type) -> Any:
    """The stand-in for value ``n`` of type ``kind`` (``str`` or ``int``) while the query is built:
    never a value a caller passes (no text holds NUL; no primary key is negative)."""
    if kind is int:
        return -(2**62) - n
    if kind is str:
        return f"\x00compiled-query-mark-{n}\x00"
    raise TypeError(f"a compiled query takes str and int values, not {kind.__name__}")


class CompiledQuery:
    """``build(*marks)`` returns a ``values_list`` queryset filtering on the marks, one for each of
    the types ``values`` (``str`` or ``int``); ``rows(*values)`` runs it with the values in their
    place."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], values: tuple[type, ...]) -> None:
        self._build = build
        self._values = values
        self._by_connection: WeakKeyDictionary[BaseDatabaseWrapper, tuple[SQLCompiler, str, tuple[Any, ...], list[int]]]
        self._by_connection = WeakKeyDictionary()

    def _compiled(self) -> tuple[SQLCompiler, str, tuple[Any, ...], list[int]]:
        connection = connections[DEFAULT_DB_ALIAS]
        found = self._by_connection.get(connection)
        if found is None:
            marks = [mark(n, kind) for n, kind in enumerate(self._values)]
            compiler = self._build(*marks).query.get_compiler(using=DEFAULT_DB_ALIAS)
            sql, params = compiler.as_sql()
            if any(params.count(m) != 1 for m in marks):
                raise ValueError("each value must appear exactly once in the compiled query")
            places = [params.index(m) for m in marks]
            found = (compiler, sql, tuple(params), places)
            self._by_connection[connection] = found
        return found

    def fetch(self, *values: Any) -> tuple[SQLCompiler, list[tuple[Any, ...]]]:
        """The compiler and the rows, converted as the ORM converts them (dates, booleans)."""
        if len(values) != len(self._values):
            raise TypeError(f"this query takes {len(self._values)} value(s), not {len(values)}")
        compiler, sql, params, places = self._compiled()
        filled = list(params)
        for place, value in zip(places, values, strict=True):
            filled[place] = value
        with compiler.connection.cursor() as cursor:
            cursor.execute(sql, filled)
            fetched = cursor.fetchall()
        return compiler, [tuple(row) for row in compiler.results_iter(results=[fetched], tuple_expected=True)]

    def rows(self, *values: Any) -> list[tuple[Any, ...]]:
        return self.fetch(*values)[1]


class CompiledModelQuery(Generic[M]):
    """A ``CompiledQuery`` that gives ``model`` instances: ``build(*marks)`` returns a queryset of
    ``model`` (filtered, ordered, locked, with its ``select_related`` as it needs); each row
    becomes an instance, with its related instances, as the ORM's own model iterable makes them."""

    def __init__(self, model: type[M], build: Callable[..., QuerySet[M]], values: tuple[type, ...]) -> None:
        self._model = model
        self._query = CompiledQuery(build, values)
        self._readers: WeakKeyDictionary[SQLCompiler, tuple[list[str], int, int, list[Any]]] = WeakKeyDictionary()

    def objects(self, *values: Any) -> list[M]:
        compiler, rows = self._query.fetch(*values)
        reader = self._readers.get(compiler)
        if reader is None:
            klass_info = compiler.klass_info
            if klass_info is None or klass_info["model"] is not self._model:
                raise TypeError(f"the compiled query does not read {self._model.__name__} instances")
            select_fields = klass_info["select_fields"]
            start, end = select_fields[0], select_fields[-1] + 1
            names = [column[0].target.attname for column in compiler.select[start:end]]
            reader = (names, start, end, get_related_populators(klass_info, compiler.select, DEFAULT_DB_ALIAS))
            self._readers[compiler] = reader
        names, start, end, populators = reader
        found = []
        for row in rows:
            instance = self._model.from_db(DEFAULT_DB_ALIAS, names, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            found.append(instance)
        return found


def prefetched(instance: Model, name: str, related: list[Any], back: str) -> None:
    """``instance.<name>.all()`` gives ``related`` with no query, and each of them has
    ``instance`` as its ``back`` relation, as after ``prefetch_related(name)``: for rows read by
    a compiled query, or records a service has just made."""
    manager = getattr(instance, name)
    field = manager.model._meta.get_field(back)
    for item in related:
        field.set_cached_value(item, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = related
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset
