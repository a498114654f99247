"""Column types whose storage differs by dialect but whose Python values do not.

`Vector`: an embedding, a float32 numpy array in Python. SQLite keeps it as a little-endian
float32 blob; PostgreSQL as a `real[]` array (the Debian 12 machines this runs on have no
pgvector package, see docs/storage.md), which the server can read and compare itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import LargeBinary
from sqlalchemy.dialects.postgresql import ARRAY, REAL
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class Vector(TypeDecorator):
    """A float32 vector: a blob on SQLite, `real[]` on PostgreSQL."""

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(REAL))
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        vector = np.asarray(value, dtype="<f4")
        return vector.tolist() if dialect.name == "postgresql" else vector.tobytes()

    def process_result_value(self, value: Any, dialect: Dialect) -> np.ndarray | None:
        if value is None:
            return None
        if isinstance(value, (bytes, memoryview)):
            return np.frombuffer(value, dtype="<f4").copy()
        return np.asarray(value, dtype=np.float32)
