"""What a client's query may not do: the checks of :mod:`kg.guard`, as the server applies them."""

from ..guard import Refused, check_dataset, check_query

__all__ = ["Refused", "check_query", "check_dataset"]
