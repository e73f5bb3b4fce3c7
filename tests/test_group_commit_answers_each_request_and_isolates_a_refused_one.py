"""service.group_commit against the real database: requests made at once share one call (one transaction,
one commit), each gets its own row back, a batch never exceeds max_batch, a batch the database refuses because
of one input is re-run one request at a time, so that only that request gets the error, and a request the
query leaves without an answer row gets an error instead of waiting forever."""

from __future__ import annotations

import asyncio

import psycopg
from psycopg_pool import AsyncConnectionPool

from service.group_commit import GroupCommit

# per input: its position, 100 / x (x = 0 is refused: division by zero, a DataError) and the transaction
QUERY = ("select u.ord::int, (100 / u.x)::text, pg_catalog.txid_current()::text"
         " from unnest(%b::int[]) with ordinality as u (x, ord)")


async def _answers(dsn: str, inputs: list[int], query: str = QUERY, **options) -> list:
    async with AsyncConnectionPool(dsn, min_size=1, max_size=4, kwargs={"autocommit": True}) as pool:
        group = GroupCommit(pool, query, **options)
        return await asyncio.wait_for(
            asyncio.gather(*(group.submit((x,)) for x in inputs), return_exceptions=True), 30)


async def test_requests_made_together_share_one_transaction_and_get_their_own_rows(dsn):
    answers = await _answers(dsn, [1, 2, 4, 5, 10, 20], in_flight=1)
    assert [a[0] for a in answers] == ["100", "50", "25", "20", "10", "5"]
    assert len({a[1] for a in answers}) == 1


async def test_a_batch_never_holds_more_than_max_batch_requests(dsn):
    answers = await _answers(dsn, [1, 2, 4, 5, 10], in_flight=1, max_batch=2)
    assert [a[0] for a in answers] == ["100", "50", "25", "20", "10"]
    transactions = [a[1] for a in answers]
    assert [transactions.count(t) for t in dict.fromkeys(transactions)] == [2, 2, 1]


async def test_a_refused_input_fails_alone_and_the_rest_of_its_batch_is_stored(dsn):
    answers = await _answers(dsn, [1, 0, 2], in_flight=1)
    assert answers[0][0] == "100" and answers[2][0] == "50"
    assert isinstance(answers[1], psycopg.errors.DivisionByZero)


async def test_a_request_the_query_does_not_answer_gets_an_error_not_a_hang(dsn):
    answers = await _answers(dsn, [1, -1], query="select u.ord::int, u.x::text from unnest(%b::int[])"
                                                 " with ordinality as u (x, ord) where u.x > 0", in_flight=1)
    assert answers[0] == ("1",)
    assert isinstance(answers[1], RuntimeError)
