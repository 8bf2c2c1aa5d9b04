# Resident app.

app-title = Beffroi
app-tagline = Your town hall's information, even offline
lang-fr = Français
lang-en = English
lang-it = Italiano
loading = Loading…

status-online = Online
status-offline = Offline
status-unknown = Connection not checked yet
status-last-sync = Last synced: { $when }
status-never-synced = Never synced
status-offline-help = The town hall's server cannot be reached: you are seeing the data saved on this device.
sync-now = Sync now
syncing = Syncing…

first-run-title = Welcome
first-run-intro = Choose your language and your commune. You can change them later.
first-run-language = Language
first-run-commune = Your commune
first-run-choose = Choose a commune
first-run-no-communes = No commune is saved on this device yet. Connect to the Internet and try again.
first-run-retry = Try again
first-run-submit = Continue
server-intro = Choose your town hall: type its server's address, or paste the beffroi:// link from its poster or website.
server-address = Server address or town hall link
server-address-help = For example https://alerts.town.example or beffroi://connect?server=…&key=…
server-check = Check
server-found = Server found: { $territory }
server-key-verified = The key the link gave is this server's. Its fingerprint:
server-key-compare = Compare its key's fingerprint with the one on your town hall's poster or website before you go on:
server-choose = This is my town hall
server-error-offline = No server answers at this address. Check it, and your Internet connection.
server-error-untrusted = This server does not hold the key the link gave: it may be an impostor. Check the address on the town hall's poster or website.
server-error-invalid = This is neither an address (https://…) nor a town hall link (beffroi://…).
server-error-not-beffroi = A server answers at this address, but it is not a Beffroi alert server.
settings-title = Settings
settings-open = Settings
settings-key-title = Your town hall's key
settings-key-explain = This device only believes alerts signed with this key. Compare its fingerprint with the one on your town hall's poster or website:
settings-key-none = No key recorded yet: it will be at the next sync.
settings-cancel = Cancel

communes-title = Communes of the territory
communes-count = { $count ->
    [one] { $count } commune
   *[other] { $count } communes
}
communes-filter = Filter communes
communes-home = your commune
communes-population = { $count } inhabitants
communes-postal = Postal code: { $codes }
communes-none-match = No commune matches “{ $query }”.

error-generic = Something went wrong: { $message }
error-offline = The town hall's server cannot be reached: try again later. What is saved on this device can still be read.
error-storage = Cannot save on this device: { $detail }
error-invalid = Refused: { $detail }
error-server = The town hall refused the request: { $detail }
error-untrusted = This server does not hold your town hall's key: it may be an impostor. Check the address and the key on the town hall's poster or website.

nav-label = Sections
nav-directory = Directory
nav-communes = Communes
directory-title = Shops and services
directory-search = Search
directory-search-hint = Name, kind of shop or street, accents optional
directory-category = Category
directory-all-categories = All categories
directory-filters = Filters
filter-open-now = Open now
filter-delivery = Delivery
filter-direct-sales = Direct sales
filter-collection-point = Collection point
filter-takeaway = Takeaway
directory-updated = Directory saved on this device: { $count ->
    [one] { $count } place
   *[other] { $count } places
}, updated on { $when }.
directory-never = The directory has not been downloaded yet: connect to the Internet, then sync.
directory-results = { $count ->
    [0] No results
    [one] { $count } result
   *[other] { $count } results
}
directory-order = Sort
directory-order-relevance = By relevance
directory-order-home = Nearest to my commune
directory-order-home-unknown = Sorting by distance from your commune becomes possible once the directory lists places in your commune.
directory-distance = { $km } km away
place-back = Back to the list
place-week = Hours for the next 7 days
place-day-closed = Closed
place-day-unknown = Hours uncertain
place-no-hours = No hours given.
place-crisis = Exceptional measure
place-address = Address
place-phone = Phone
place-website = Website
place-email = E-mail
place-services = Services
place-checked = Information checked on { $date }
place-source-osm = Source: OpenStreetMap (OSM contributors, ODbL)
place-source-staff = Source: the town hall

# The places a resident follows besides home (settings and first run).
places-title = My other places
places-intro = Also get the alerts of places that matter to you: your work, a parent's commune. They stay on this device: the town hall does not know them.
places-none = No other place yet.
places-add-title = Add a place
places-name = Name of the place
places-name-example = Work
places-where = Where
places-kind-commune = A commune
places-kind-point = A precise point
places-commune = Commune
places-point-help = Give the latitude and longitude in decimal degrees (read on a map, for example).
places-lat = Latitude
places-lon = Longitude
places-point-invalid = Write the latitude and longitude as numbers, for example 43.7281 and 7.3617.
places-point-in = { $at } ({ $commune })
places-notify-from = Notify me from
places-add = Add this place
places-saved = Place “{ $name }” saved.
places-removed = You no longer follow “{ $name }”.
places-remove = Remove
places-remove-named = Remove “{ $name }”
settings-notify-title = Notifications
settings-notify-tests = Also notify me of test and exercise alerts (they stay listed, marked as such)
settings-notify-critical = Let extreme alerts sound even in do-not-disturb mode

# Maps (each has its list equivalent on the same screen).
map-show = Show the map
map-hide = Hide the map
map-legend = Map legend
map-home = Your commune
map-alerts-label = Map of the alerts in force and of your places; the list below gives the same information.
map-directory-label = Map of the places found; the list below gives the same information.
map-report-label = Map to choose where the report is: tap or click the spot.
map-open = Open
map-closed = Closed
map-unknown = Hours unknown
map-cluster = { $count } places here: zoom in to see them
# The rules in force on the home screen.
rules-place = { $place } — { $commune }
rules-upcoming = Coming
