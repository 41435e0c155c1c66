"""Builds the Chalice app: registers the blueprints and the scheduled mail retry, nothing else."""
from chalice import Rate

from chalicelib import clock, config
from chalicelib.api import accounts, admin, citizen, floor, http, kiosk, public, staff, web
from chalicelib.api import openapi
from chalicelib.api.application import Antre
from chalicelib.mail import sender
from chalicelib.services import queue

app = Antre(app_name="antre")
app.register_middleware(http.normalise_errors, "http")
app.register_blueprint(public.bp)
app.register_blueprint(accounts.bp)
app.register_blueprint(citizen.bp)
app.register_blueprint(kiosk.bp)
app.register_blueprint(floor.bp)
app.register_blueprint(staff.bp)
app.register_blueprint(admin.bp)
app.register_blueprint(web.bp)
app.register_blueprint(openapi.bp)
if config.get().is_local:
    from chalicelib.api import dev

    app.register_blueprint(dev.bp)


@app.schedule(Rate(2, unit=Rate.MINUTES))
def retry_mail(event):
    """Re-send outbox mail that failed or was never attempted."""
    return sender.deliver_due(clock.now())


@app.schedule(Rate(5, unit=Rate.MINUTES))
def sweep_floor(event):
    """Mark no-shows: bookings never checked in, tickets called and never started."""
    return queue.sweep(clock.now())
