"""Check-worthy claims: which sentences of an article state a checkable fact, ranked (the claims stage)."""
