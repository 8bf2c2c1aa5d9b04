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
places-takeaway = Takeaway
places-save = Save
places-cancel = Cancel
places-saved = “{ $name }” is saved.
places-actions = Actions
places-edit = Edit
places-edit-label = Edit { $name }
places-close = Close
places-close-label = Mark { $name } as closed
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
