"""Sixty parallel password guesses against one account with a limit of ten: at most ten
are checked, because each is reserved with one conditional write before the check. The
canary reads the count, checks, then counts (as the old throttle did) and lets more in."""
from collections import Counter

from chalicelib import clock
from chalicelib.errors import AntreError
from chalicelib.services import accounts, throttle
from tests.concurrency.test_booking_race import make_citizens, race
from tests.http_client import request

GUESSES = 60
LIMIT = 10
RIGHT_AT = 25  # the right password is the 26th guess


def guesses(email):
    return [{"email": email, "password": "kuda-lari-123" if n == RIGHT_AT else f"salah-{n}-xyz"}
            for n in range(GUESSES)]


def test_sixty_parallel_guesses_get_at_most_ten_checks(live_server, fixed_clock):
    throttle.set_limit("login_account", LIMIT, 900)
    try:
        make_citizens(live_server.url, 1)
        results = race(lambda body: request(live_server.url, "POST", "/v1/sessions", body),
                       guesses("race0@example.id"))
    finally:
        throttle.reset_limits()
    outcomes = Counter(status for status, _ in results)
    checked = outcomes[200] + outcomes[401]
    print(f"\n{GUESSES} parallel guesses: {checked} checked, {outcomes[429]} refused "
          f"unchecked (429), right password logged in: {outcomes[200] == 1}")
    assert checked <= LIMIT and outcomes[429] >= GUESSES - LIMIT


def test_canary_counting_after_the_check_lets_more_guesses_through(live_server, fixed_clock):
    throttle.set_limit("login_account", LIMIT, 900)
    try:
        make_citizens(live_server.url, 1)

        def guess(body):
            try:
                accounts.login(**body, now=clock.now(), atomic_throttle=False)
                return 200
            except AntreError as e:
                return e.status

        results = race(guess, guesses("race0@example.id"))
    finally:
        throttle.reset_limits()
    outcomes = Counter(results)
    assert outcomes[200] + outcomes[401] > LIMIT
