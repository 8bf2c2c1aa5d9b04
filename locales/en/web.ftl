# The resident web app (served by the town hall's server at /).
web-setup-title = Your communes
web-setup-intro = Choose one or more communes: the page shows their alerts. This choice stays in this browser; only the list of communes is sent to the town hall to ask for their alerts.
web-communes-filter = Find a commune
web-communes-legend = Communes followed
web-communes-chosen = { $count ->
    [0] No commune chosen
    [one] 1 commune chosen
   *[other] { $count } communes chosen
}
web-save = Continue
web-communes-none = Choose at least one commune.
web-live = Online: alerts arrive live.
web-offline = Offline: these are the last alerts received ({ $when }).
web-offline-never = Offline: no alert received in this browser yet.
web-rejected = { $count ->
    [one] One alert could not be verified with your town hall's key: it is not shown.
   *[other] { $count } alerts could not be verified with your town hall's key: they are not shown.
}
web-verified = Every alert shown is verified with your town hall's key.
web-push-title = Alerts while the page is closed
web-push-enable = Receive alerts even when the page is closed
web-push-disable = Stop receiving them when the page is closed
web-push-on = Your communes' alerts reach this device, even when the page is closed.
web-push-off = While the page is closed, you do not receive alerts.
web-push-unsupported = This browser cannot receive alerts while the page is closed: keep the page open, or install the app.
web-push-denied = Notifications are blocked for this site: allow them in the browser's settings.
web-push-failed = Alerts while the page is closed do not work: { $detail }
web-notify-unverified = New alert from your town hall: open Beffroi to read it.
web-notify-measures = The rules in force changed: open Beffroi to read them.
web-rules-line = { $commune }: { $rules }
web-error-status = The town hall's server answered with an error ({ $status }): try again later.
web-follow-no-commune = This place belongs to no commune of the territory: it cannot be followed here.
web-directory-size = The town hall's directory: { $count ->
    [one] { $count } place
   *[other] { $count } places
}, up to date.
web-photo-unreadable = This photo cannot be read: choose a JPEG, PNG or WebP image.
web-photo-gone = A photo of this report is no longer on this device: add it again.
