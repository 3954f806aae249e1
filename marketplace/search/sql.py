"""Running the search's own SQL: rows as dicts, and prepared statements where they pay.

The search writes its statements by hand (the planner's choices are the point) and runs
them through Django's connection, so that its execute wrappers (the benchmark's timers)
and its record of the statements (DEBUG, the tests' query captures) see every one.
"""

from __future__ import annotations

import psycopg
from django.conf import settings
from django.db import connection
from psycopg.rows import dict_row

from .text import word_vector_sql


class PreparingCursor(psycopg.Cursor):
    """Binds the parameters on the server and prepares the statement on first use.

    Django's cursors bind on the client (the values are written into the text), so a
    statement is a new text for each value and PostgreSQL parses and plans it anew.
    A prepared statement is parsed once per connection, and after five runs its
    generic plan is reused when it costs no more than the plans for the values: for
    the hits of a page (rows read by id, with today's opening rules) planning took
    0.3 ms, more than running.
    """

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def fetch_dicts(sql: str, params: list, *, prepared: bool = False) -> list[dict]:
    """The rows of a statement as dicts by column name (psycopg's `dict_row`).

    `prepared`: only for statements whose best plan is the same for every value (rows
    by id, say): a generic plan of a statement whose plan depends on the values (how
    many rows a Comune or a word has) could be the wrong one for some of them. Ignored
    when SEARCH_PREPARED_STATEMENTS is off.
    """
    if not (prepared and settings.SEARCH_PREPARED_STATEMENTS):
        with connection.cursor() as cursor:
            cursor.cursor.row_factory = dict_row  # the psycopg cursor in Django's wrapper
            cursor.execute(sql, params)
            return cursor.fetchall()
    # What connection.cursor() does before it makes a cursor of its own kind.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = PreparingCursor(connection.connection, row_factory=dict_row)
    logged = connection.queries_logged
    with connection.make_debug_cursor(raw) if logged else connection.make_cursor(raw) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if logged:
        # psycopg keeps no text of a prepared execution: the record gets the statement
        # with its values written in, as Django records its own.
        text = psycopg.ClientCursor(connection.connection).mogrify(sql, params)
        connection.queries_log[-1]["sql"] = text
    return rows


def lexemes_beginning(lexeme: str) -> str:
    """The condition on search_lessema of the lexemes that begin with the SQL expression
    `lexeme`: in the C collation they are one range of the primary key's index, from the
    lexeme to the lexeme with its last character raised by one."""
    return (
        f"lessema >= {lexeme} AND lessema < left({lexeme}, -1) "
        f"|| chr(ascii(right({lexeme}, 1)) + 1)"
    )


def quoted_lexeme(lexeme: str) -> str:
    """A lexeme as tsquery's text writes it (a `%s::tsquery` operand)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def unquoted_lexeme(quoted: str) -> str:
    """The lexeme that quoted_lexeme wrote."""
    return quoted[1:-1].replace("''", "'").replace("\\\\", "\\")


def _stems(word: str) -> str:
    """The SQL array of the stems of the SQL expression `word` (one for a word)."""
    return f"tsvector_to_array({word_vector_sql(word)})"


def stem_is_a_lexeme(word: str) -> str:
    """The condition that the stem of the SQL expression `word` is a lexeme of the index
    (search_lessema): some text holds the word, or one of its forms."""
    return f"EXISTS (SELECT 1 FROM search_lessema WHERE lessema = ANY({_stems(word)}))"


def typed_whole(word: str) -> str:
    """The condition that the SQL expression `word` (a folded word of text.words) was
    typed whole: some text holds it or one of its forms (its stem is a lexeme of the
    index), and it is a word in its own right: the stemmer took an ending off it
    ("cena" is cen), or, being its own stem, a title or a category name uses it as it
    is ("sport"; not "domicil", which is only the beginning of "domicilio")."""
    return (
        f"({stem_is_a_lexeme(word)} AND (NOT {word} = ANY({_stems(word)}) "
        f"OR EXISTS (SELECT 1 FROM search_vocabolo WHERE parola = {word})))"
    )
