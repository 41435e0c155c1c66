"""Use cases: each function is one thing a person does, with `now` passed in."""
