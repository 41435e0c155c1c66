"""Builds the Chalice app: registers the blueprints, the scheduled jobs, the mail sender on
the table's stream and the closure worker, nothing else."""
from chalice import Rate

from chalicelib import clock, config, logs
from chalicelib.api import accounts, admin, citizen, floor, http, kiosk, public, staff, web
from chalicelib.api import openapi
from chalicelib.api.application import Antre
from chalicelib.mail import feedback, sender
from chalicelib.services import closures, jobs, queue, reminders, waitlist
from chalicelib.services.statistics import XLSX

logs.setup()
app = Antre(app_name="antre")
app.api.binary_types.append(XLSX)  # the statistics' Excel export
app.register_middleware(logs.with_request, "http")
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
app.register_blueprint(feedback.bp)  # SES bounces and complaints, through SNS
if config.get().is_local:
    from chalicelib.api import dev

    app.register_blueprint(dev.bp)


@app.on_dynamodb_record(stream_arn=config.get().mail_stream_arn, name="send_new_mail",
                        batch_size=100)
def send_new_mail(event):
    """Send each outbox item (email or SMS) the moment its transaction commits; every other
    change to the table passes by. Locally, infra/local/streams.py feeds this handler from
    the emulator's stream."""
    return sender.deliver_new(event, clock.now())


@app.schedule(Rate(2, unit=Rate.MINUTES))
def retry_mail(event):
    """The safety net: send outbox mail that failed, or that the stream did not hand over."""
    return sender.deliver_due(clock.now())


@app.schedule(Rate(5, unit=Rate.MINUTES))
def sweep_floor(event):
    """Mark no-shows (bookings never checked in, tickets called and never started), restart
    closure jobs whose run died, send the day-before reminders that are due, and pass the
    waitlist's lapsed offers to the next in line."""
    now = clock.now()
    return jobs.each({"floor": lambda: queue.sweep(now),
                      "closures_resumed": lambda: closures.resume_stalled(now),
                      "reminders": lambda: reminders.send_due(now),
                      "offers_lapsed": lambda: waitlist.expire_offers(now)})


@app.lambda_function(name="closure_worker")
def closure_worker(event, context):
    """Move the bookings of a closure; invokes itself again until the job is done."""
    return jobs.worker(event, context.get_remaining_time_in_millis() / 1000)
