"""Lists answer pages of `limit` rows from `offset`; both bounded so that no value reaches the
database as an integer it cannot hold (2^63 and over answered 500 before)."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from danso.limits import BIGINT_MAX

MAX_LIMIT = 10_000


class BoundedLimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=BIGINT_MAX - MAX_LIMIT)
