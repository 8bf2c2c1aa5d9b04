# Town hall console.

console-title = Town hall console
console-language = Language
lang-fr = Français
lang-en = English
lang-it = Italiano
login-title = Staff login
login-username = Username
login-password = Password
login-submit = Log in
login-pending = Logging in…
login-failed = Wrong username or password.
login-error = Cannot log in: { $message }
logged-in-as = Logged in: { $username } ({ $role })
logout = Log out
role-admin = administrator
role-publisher = publisher
role-editor = editor
communes-title = Communes of the territory
communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
communes-code = INSEE code
communes-name = Name
communes-population = Population
communes-postal = Postal codes
session-expired = Your session has expired: log in again.
server-error-unauthorized = Your session has expired: log in again.
server-error-forbidden = Your role does not allow this: ask a manager.
server-error-not_found = Not found: it may have been deleted meanwhile. Reload the page.
server-error-too_many_requests = Too many requests in a short time: wait a moment and try again.
server-error-payload_too_large = The file or text sent is too large.
server-error-unsupported_media_type = This kind of file is not accepted.
server-error-method_not_allowed = This action is not possible here.
server-error-internal = The server met an error (it is in its log). Try again in a moment.
server-error-busy = The server is very busy: try again in a few seconds.
server-error-draft_changed = This draft was changed since you reviewed it: review it again before publishing.
server-error-network = The server does not answer: check the connection and try again.
server-error-refused = Refused by the server: { $detail }
load-error = Cannot load: { $message }
nav-label = Sections
places-title = Directory of shops and services
places-search = Search by name
places-search-submit = Search
places-new = Add a place
places-new-title = New place
places-edit-title = Edit the place
places-name = Name
places-category = Category
places-street = Street
places-postcode = Postcode
places-city = Town
places-lat = Latitude
places-lon = Longitude
places-phone = Phone
places-hours = Hours (opening_hours)
places-hours-help = OpenStreetMap syntax, for example: Mo-Fr 08:30-12:30,14:00-19:00; Sa 09:00-12:00; PH off
places-delivery = Delivery
places-direct-sales = Direct sales (producer)
places-collection-point = Collection point
places-takeaway = Takeaway
places-save = Save
places-cancel = Cancel
places-saved = “{ $name }” is saved.
places-actions = Actions
places-edit = Edit
places-edit-label = Edit { $name }
places-close = Close
places-close-label = Close { $name }
places-reopen = Reopen
places-reopen-label = Reopen { $name }
places-closed = closed
places-closed-done = “{ $name }” is marked as closed.
places-reopened-done = “{ $name }” is reopened.
places-delete = Delete
places-delete-label = Delete { $name }
places-delete-confirm = Delete “{ $name }” from the directory?
places-deleted = “{ $name }” is deleted.
places-count = { $count ->
    [one] { $count } place shown
   *[other] { $count } places shown
}
places-import-title = Import a file
places-import-help = GeoJSON exported from OpenStreetMap, or CSV with the columns id, name, category, lat, lon (see docs/directory.md).
places-import-file = File
places-import-submit = Import
places-import-failed = Cannot import: { $message }
places-report-title = Import report
places-report-counts = { $inserted } added, { $updated } updated, { $unchanged } unchanged, { $kept } kept (edited or deleted by the town hall), { $skipped } skipped (not shops or services), { $rejected } rejected.
places-report-row = Row
places-report-what = Element
places-report-reason = Reason

# Alerts page
alerts-new = New alert
alerts-form-draft = Compose an alert
alerts-form-update = Update the sent alert
alerts-event = Event (a few words)
alerts-event-code = Event code (optional, e.g. confinement)
alerts-category = Category
alerts-severity = Severity
alerts-urgency = Urgency
alerts-certainty = Certainty
alerts-status = Kind
alerts-expires = Expires
alerts-fr-first = required
alerts-headline = Headline (at most 160 characters)
alerts-description = Description
alerts-instruction = Instructions
alerts-web-help = The link can be one of the town hall's advice pages (offered as you type): the app then opens it from its own copy, offline too.
alerts-web = Link (optional)
alerts-area = Communes concerned
alerts-save-draft = Save the draft and preview
alerts-send-update = Send the update
alerts-draft-saved = Draft saved. Check the preview before publishing.
alerts-update-sent = Update sent to residents.
alerts-published = Alert published: it is on its way to the residents concerned.
alerts-cancelled = Alert cancelled.
alerts-cancel-confirm = Cancel this alert for every resident?
alerts-preview = Notification preview
alerts-urgent = urgent
alerts-normal = normal
alerts-publish = Publish
alerts-choose = Choose…
alerts-area-communes = Some communes
alerts-area-shapes = An area drawn on the map (polygon or circle)
alerts-polygons = Polygons, one per line
alerts-polygons-help = In CAP's format: “latitude,longitude” pairs separated by spaces, the first point repeated last. For example 43.692,7.264 43.702,7.264 43.702,7.277 43.692,7.264
alerts-circles = Circles, one per line
alerts-circles-help = In CAP's format: “latitude,longitude radius”, the radius in kilometres. For example 43.7281,7.3617 1.5
alerts-area-check = Check the area
alerts-area-map-label = Map to draw the area; the "Polygons" field receives what is drawn.
alerts-area-map-help = Click on the map to place a polygon's corners, then “Close the polygon”: it is added to the field above, which you can also fill with the keyboard.
alerts-area-corners = { $count ->
    [0] No corner placed
    [one] 1 corner placed
   *[other] { $count } corners placed
}
alerts-area-close = Close the polygon
alerts-area-clear = Clear the drawing
alerts-area-reaches = This area reaches { $count ->
    [one] the commune
   *[other] { $count } communes:
} { $names }.
alerts-area-places = Directory places in the area: { $list }.
alerts-area-places-none = No directory place in the area.
alerts-area-place-count = { $kind } ({ $count })
alerts-confirm-shapes = { $count ->
    [one] one area on the map
   *[other] { $count } areas on the map
}
alerts-confirm-title = Publish this alert?
alerts-confirm-to = Goes to
alerts-confirm-langs = Languages
alerts-confirm-communes = { $count ->
    [one] The commune of { $names }
   *[other] { $count } communes: { $names }
}
alerts-confirm-publish = Publish now
alerts-confirm-back = Go back without publishing
alerts-missing-langs = No text in: { $langs }. These residents will get the French text.
alerts-other-texts = Texts kept as they are (this page does not change them): { $langs }.
alerts-duplicate = An active alert already says the same: “{ $headline }”. Publish it again?
alerts-needs-publisher = Publishing needs the publisher role.
alerts-state = State
alerts-updated = Changed on
alerts-actions = Actions
alerts-update = Update
alerts-cancel = Cancel the alert
alerts-public-page = Public page
alerts-public-page-of = Public page of "{ $headline }" (new tab)
edit = Edit
cancel = Discard
alert-category-health = Health
alert-category-safety = Public safety
alert-category-security = Security
alert-category-rescue = Rescue
alert-category-fire = Fire
alert-category-met = Weather
alert-category-geo = Geological
alert-category-env = Environment
alert-category-transport = Transport
alert-category-infra = Utilities and infrastructure
alert-category-cbrne = CBRNE
alert-category-other = Other
urgency-immediate = Immediate
urgency-expected = Expected
urgency-future = Future
urgency-past = Past
urgency-unknown = Unknown
certainty-observed = Observed
certainty-likely = Likely
certainty-possible = Possible
certainty-unlikely = Unlikely
certainty-unknown = Unknown
alerts-col-headline = Headline

# Reports page
reports-title = Reports
reports-back = ← All reports
reports-filters = Filter reports
reports-commune = Commune
reports-category = Category
reports-status = Status
reports-all = All
reports-kind-open = Open
reports-kind-fixed = Fixed
reports-kind-closed = Closed
reports-from = Received from
reports-to = Received before
reports-sort = Order
reports-newest = Newest first
reports-oldest = Oldest first
reports-apply = Filter
reports-export-csv = Export as CSV
reports-export-geojson = Export as GeoJSON
reports-count = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
reports-more = Show the next reports
reports-received = Received
reports-description = Description
reports-commune-only = the exact spot is in the description
reports-address = Address
reports-position = Coordinates
reports-open-map = see on OpenStreetMap
reports-photos = Photos
reports-photo-alt = Photo { $n } of the report
reports-contact = Contact (private)
reports-history = History
reports-new-status = New status
reports-reason = Reason
reports-duplicate-of = Duplicate of report (id)
reports-public-message = Public message to the resident
reports-save-status = Save the status
reports-status-saved = Status saved: the resident will see it.
link-title = Link for residents
link-explain = Print this link or QR code on your posters and website: it gives your server's address and its key's fingerprint, which residents compare with the one their app shows (Settings) or give to the beffroi command, so that no other server can pass itself off as your town hall.
link-qr-alt = QR code of the town hall's link
link-server = Server address
link-fingerprint = Fingerprint of the town hall's key
link-link = Link
link-print = Print the poster
reports-map-show = Show the map
reports-map-hide = Hide the map
reports-map-label = Map of the reports the filters match; the table below gives the same information.
reports-map-cluster = { $count } reports here: click to zoom in
reports-map-unlocated = { $count ->
    [one] 1 report without a position is not on the map
   *[other] { $count } reports without a position are not on the map
}

# Rules in force (measures) page; the shared sentences are in measures.ftl
measures-new = Add a rule
measures-new-title = New rule
measures-edit-title = Edit the rule (version { $version })
measures-kind = Kind of rule
measures-choose = Choose…
measures-level = Level
measures-curfew-from = Curfew starts at
measures-curfew-until = Curfew ends at
measures-curfew-help = An end earlier than the start spans midnight: 21:00 to 06:00, for example.
measures-masks = Masks
measures-gatherings = Largest number of people (1 to { $max })
measures-schools = Schools
measures-preview = Residents will read: “{ $summary }”
measures-area = Communes concerned
measures-area-communes = Some communes
measures-pick-commune = Tick at least one commune, or choose the whole territory.
measures-form-since = Takes effect on
measures-form-until = Ends on (optional)
measures-form-until-help = Leave empty if the end is not known yet.
measures-texts = Details, at most 500 characters per language (optional)
measures-texts-other = Details, at most 500 characters per language (required for an “Other” rule: at least one language)
measures-text-in = In { $lang }:
measures-save = Save the rule
measures-saved = Rule saved: “{ $summary }” (version { $version }).
measures-reload = Reload the latest version (what you typed will be lost)
measures-gone = This rule was withdrawn meanwhile.
measures-list-title = Published rules
measures-count = { $count ->
    [0] No rule published.
    [one] 1 rule published (withdrawn rules are no longer listed).
   *[other] { $count } rules published (withdrawn rules are no longer listed).
}
measures-other-title = { $rule }: { $text }
measures-status-in-force = In force
measures-status-upcoming = Upcoming
measures-status-ended = Ended
measures-communes = Communes
measures-validity = Validity
measures-version-label = Last change
measures-version-changed = Version { $version } of { $date }
measures-version-withdrawn = withdrawn
measures-edit-label = Edit: { $summary }
measures-withdraw = Withdraw
measures-withdraw-label = Withdraw: { $summary }
measures-withdraw-confirm = Withdraw the rule “{ $summary }”? Residents will no longer see it; its history stays available.
measures-withdrawn-done = Rule withdrawn: “{ $summary }”.
measures-history = History
measures-history-label = History: { $summary }
measures-history-title = History of “{ $summary }”
measures-needs-publisher = Adding, editing or withdrawing a rule needs the publisher role.

# The field agent's tab: one-tap reports
field-title = Field
field-intro = Ready-made buttons to report in one tap where you stand: each button files a report at this device's position, marked as filed by you. Without a network it waits here and goes as soon as the connection is back.
field-position = Position known to within { $accuracy } m.
field-position-waiting = Finding the position…
field-position-denied = This page is not allowed the position: allow it in the browser to report in one tap.
field-position-unavailable = Position unavailable for now: try again outdoors or in a moment.
field-position-vague = The position is too vague (to within { $accuracy } m) to say where the report is: wait a moment or go out in the open.
field-waiting = { $count ->
    [one] One report is waiting for the network.
   *[other] { $count } reports are waiting for the network.
}
field-queued = Report "{ $category }" saved on the device.
field-sent = Report "{ $category }" sent to the town hall.
field-refused = Report "{ $category }" refused: { $detail }
field-setup = Set up the buttons
field-category = Category
field-choose = Choose…
field-text = Report text
field-add = Add the button
field-preset-added = Button added.
field-remove = Remove
field-remove-label = Remove the button "{ $text }"
reports-filed-by = Filed by
reports-filed-by-staff = { $name } (town hall staff)
reports-staff-badge = Staff

# Mutual aid moderation.
aid-console-intro = Residents' mutual-aid posts wait for your approval before they are published, except in communes set to publish at once. Only an approximate place is known; the device is named by a fingerprint only.
aid-filter = Show
aid-filter-all = All posts
aid-queue-none = No post in this list.
aid-received = Received { $date }
aid-device = Device { $device }
aid-blocked-badge = Device blocked
aid-abuse = { $count ->
    [one] 1 abuse report
   *[other] { $count } abuse reports
}
aid-approve = Publish
aid-hide = Hide
aid-block = Block the device
aid-unblock = Unblock the device
aid-block-confirm = Block this device? It will no longer post, write or report, and its posts will be hidden.
aid-approved = Post published.
aid-hidden = Post hidden.
aid-blocked = { $count ->
    [one] Device blocked; 1 post hidden.
   *[other] Device blocked; { $count } posts hidden.
}
aid-unblocked = Device unblocked.
aid-publish-first-title = Publish at once
aid-publish-first-help = In the communes ticked, posts are published as soon as they are sent and moderated after. For the publisher role only.
aid-publish-first-saved = { $commune }: { $on ->
    [yes] published at once.
   *[no] moderated before publication.
}
