"""HTTP layer: one Blueprint per audience; routes parse, authorise, call a service, answer."""
