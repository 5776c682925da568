"""The database side of the batch exchange with the city: applying a batch, exchange state, conflicts, allocations."""
