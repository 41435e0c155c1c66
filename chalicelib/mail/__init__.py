"""Email content for citizens (verification, booking confirmations, QR codes, calendar files), kept pure so the SES sender only delivers it."""
