# Alerts: notifications, the inbox and the alert page (app, CLI and console).
alert-update-prefix = Update:
alert-at-places = [{ $places }] { $headline }
alerts-title = Alerts
alerts-none = No alerts.
alerts-active = In force
alerts-history = History
alert-state-active = In force
alert-state-expired = Expired
alert-state-cancelled = Cancelled
alert-state-draft = Draft
alert-unread = Unread
alert-instruction = What to do
# With its punctuation, before a value (the French typography puts a space before the colon).
alert-audience-label = For:
alert-instruction-label = What to do:
alert-places-label = Your places:
places-min-all = every alert
alert-contact-label = Contact:
alert-area-territory = The whole territory
alert-area-shapes = an area on the map
alert-status-actual = Actual
alert-status-exercise = Exercise
alert-status-test = Technical test
alert-expires = Until { $date }
alert-sent = Sent on { $date }
alert-more = Find out more
alert-back = Back to alerts
alert-banner-open = See the alert
alert-banner-more = (+{ $count } more)
alert-banner-all = See the alerts
alert-banner-dismiss = Hide the banner
alert-msg-alert = Alert
alert-msg-update = Update
alert-msg-cancel = Cancellation
severity-extreme = Extreme
severity-severe = Severe
severity-moderate = Moderate
severity-minor = Minor
severity-unknown = Unknown
alerts-unread-count = { $count } unread

# Reports
report-status-changed = Your report: { $status }
report-status-received = received
report-status-in_progress = in progress
report-status-planned = work planned
report-status-fixed = fixed
report-status-not_fixed = closed without action
report-status-duplicate = already reported
report-state-queued = waiting to be sent
report-state-sending = sending
report-state-sent = sent
report-state-failed = refused
# The system tray (the app keeps receiving alerts while its window is closed).
tray-open = Open Beffroi
tray-quit = Quit Beffroi
