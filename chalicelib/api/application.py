"""The Chalice app class: Chalice keeps the current request on the app object, which the
threaded local server (and the race tests) would share between requests; here it is kept
per thread. On Lambda one container serves one request at a time, so nothing changes."""
from __future__ import annotations

import threading

from chalice import Chalice


class Antre(Chalice):
    _local = threading.local()

    @property
    def current_request(self):
        return getattr(self._local, "request", None)

    @current_request.setter
    def current_request(self, value):
        self._local.request = value
