"""Pure domain logic: no AWS, no clock; `now` and ids come in as arguments."""
