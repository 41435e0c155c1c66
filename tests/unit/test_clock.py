"""DEMO_NOW: the local stage's clock starts at a chosen instant and runs on in real time;
every other stage ignores it."""
import time
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import clock, config

DEMO = "2026-12-01T08:05+07:00"


def test_the_local_stage_starts_at_demo_now_and_runs_forward():
    anchor = time.time() - 90  # `make run` started 90 s ago
    cfg = config.from_env({"ANTRE_STAGE": "local", "DEMO_NOW": DEMO,
                           "ANTRE_DEMO_ANCHOR": repr(anchor)})
    now = clock.from_config(cfg).now()
    expected = datetime(2026, 12, 1, 1, 5, tzinfo=timezone.utc) + timedelta(seconds=90)
    assert abs((now - expected).total_seconds()) < 5 and now.tzinfo is not None


def test_processes_with_the_same_anchor_agree():
    env = {"ANTRE_STAGE": "local", "DEMO_NOW": DEMO, "ANTRE_DEMO_ANCHOR": repr(time.time())}
    a = clock.from_config(config.from_env(env)).now()
    b = clock.from_config(config.from_env(env)).now()
    assert abs((b - a).total_seconds()) < 1


@pytest.mark.parametrize("stage", ["dev", "prod", "test"])
def test_other_stages_ignore_demo_now(stage):
    cfg = config.from_env({"ANTRE_STAGE": stage, "DEMO_NOW": DEMO})
    assert cfg.demo_now is None
    assert isinstance(clock.from_config(cfg), clock.SystemClock)


def test_a_demo_now_without_offset_or_unreadable_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        clock.from_config(config.from_env({"ANTRE_STAGE": "local",
                                           "DEMO_NOW": "2026-12-01T08:05"}))
    with pytest.raises(ValueError, match="ISO 8601"):
        clock.from_config(config.from_env({"ANTRE_STAGE": "local", "DEMO_NOW": "tomorrow"}))


def test_what_the_emulator_stamped_reads_on_the_demo_clock():
    """The dev mail page showed the wall's day beside a demo morning: a stamp taken on the wall
    clock now reads as the demo clock's now."""
    env = {"ANTRE_STAGE": "local", "DEMO_NOW": DEMO, "ANTRE_DEMO_ANCHOR": repr(time.time())}
    clock.use(clock.from_config(config.from_env(env)))
    try:
        shown = clock.on_app_clock(datetime.now(timezone.utc))
        assert abs((shown - datetime.fromisoformat(DEMO)).total_seconds()) < 5
    finally:
        clock.use(clock.SystemClock())
    wall = datetime.now(timezone.utc)
    assert abs((clock.on_app_clock(wall) - wall).total_seconds()) < 1  # no demo: unchanged
