# Errors: what the server, the core and the CLI refuse, and why (rendered in the reader's language).
alert-no-text = An alert needs at least one language block (headline and description).
alert-duplicate-lang = Language { $lang } appears twice with the same event and audience: one block per language, event and audience.
alert-empty-headline = The headline ({ $lang }) is empty.
alert-headline-too-long = The headline ({ $lang }) has { $len } characters: at most { $max }.
alert-text-too-long =
    { $field ->
        [description] The description
        [instruction] The instruction
        [event] The event
        [audience] The audience
       *[other] { $field }
    } ({ $lang }) has { $len } characters: at most { $max }.
alert-empty-event = The event is empty: say in a few words what happens.
alert-invalid-event-code = The event code "{ $code }" is not valid: use lowercase letters, digits and '-'.
alert-no-commune = No commune is targeted: choose communes or the whole territory.
alert-invalid-web = The link "{ $web }" is not a web address (http:// or https://).
alert-expires-before-effective = The alert expires before it takes effect.
alert-invalid-identifier = Identifier "{ $identifier }" is not valid: no spaces, commas, '<' or '&'.
alert-missing-reference = A { $msg_type } message must reference the message it updates or cancels.
shape-out-of-range = The point { $point } is out of range: latitude -90 to 90, longitude -180 to 180.
shape-too-few-points = A polygon needs at least 4 points (the last one repeating the first); this one has { $len }.
shape-open-ring = The polygon is not closed: its last point must repeat its first.
shape-too-many-points = The polygon has { $len } points: at most { $max }.
shape-antimeridian = The shape crosses the antimeridian (longitude ±180).
shape-bad-radius = The circle's radius, { $radius } km, is not valid: more than 0 and at most { $max } km.
shape-too-many = The alert has { $len } shapes: at most { $max }.
shape-unreadable-polygon = “{ $text }” is not a CAP polygon: “lat,lon” pairs separated by spaces.
shape-unreadable-circle = “{ $text }” is not a CAP circle: “lat,lon radius” (radius in km).
report-invalid-id = The report id "{ $id }" is not a UUID made on the device.
report-unknown-category = Unknown category "{ $category }".
report-empty-description = The description is empty: say what is wrong.
report-description-too-long = The description has { $len } characters: at most { $max }.
report-no-location = The report has no location: give coordinates, an address or a commune.
report-invalid-position = Coordinates { $lat },{ $lon } are not valid: latitude -90..90, longitude -180..180.
report-missing-answer = Question "{ $question }" needs an answer.
field-too-long =
    { $field ->
        [address] The address
        [name] The name
        [email] The e-mail address
        [phone] The phone number
        [answer] An answer
        [website] The website
        [opening_hours] The opening hours
       *[other] { $field }
    } is longer than { $max } characters.
hours-invalid = Invalid opening_hours "{ $value }": { $detail }
place-no-name = The place has no name.
place-latitude = Latitude { $value } is out of range: use -90 to 90.
place-longitude = Longitude { $value } is out of range: use -180 to 180.
place-crisis-hours = Invalid crisis hours "{ $value }": { $detail }
place-last-checked = last_checked "{ $value }" is not a date: use YYYY-MM-DD.
place-unknown-category = Unknown place category "{ $category }".
commune-invalid-insee = Invalid INSEE code "{ $code }": 5 characters, digits (or 2A/2B for Corsica).
commune-invalid-postal = Invalid postal code "{ $code }": 5 digits.
commune-empty-name = A commune needs a name.
staff-unknown-role = Unknown role "{ $role }": use one of editor, publisher, admin.
staff-invalid-username = Invalid username "{ $username }": use 2 to 64 characters among lowercase letters, digits, '.', '-' and '_'.
staff-password-too-short = The password is too short: use at least { $min } characters.
lang-tag-invalid = "{ $tag }" is not a language tag (BCP 47, e.g. fr, en-GB, zh-Hant).
lang-unsupported = Unsupported language "{ $lang }": use one of fr, en, it.
err-no-route = No such resource: check the address and the API version (/api/v1).
err-method-not-allowed = This method is not allowed on this route: see /api/v1/openapi.json.
err-internal = The server failed to handle this request; it has been logged, try again later.
err-invalid-json = The request body is not valid JSON: { $detail }
err-invalid-body = The request body does not have the expected fields: { $detail }
err-json-content-type = Send the body as JSON with the header content-type: application/json.
err-body-too-large = The request body is too large.
err-body-unreadable = The request body could not be read.
err-invalid-query = The query string is invalid: { $detail }
err-login-first = Log in first: send the header authorization: Bearer TOKEN.
err-bearer = The authorization header must be: Bearer TOKEN.
err-session-expired = The session is unknown or expired: log in again.
err-role = This needs the { $needed } role; your role is { $role }.
err-too-many =
    { $what ->
        [login] Too many login attempts from this address: wait a little and try again.
        [report] Too many reports from this address: wait a little and try again.
        [aid] Too many posts or messages from this device or address: wait a little and try again.
       *[read] Too many requests from this address: wait a little and try again.
    }
err-credentials = Wrong username or password.
err-too-many-account = Too many login attempts for this account: wait a minute and try again.
err-busy-passwords = The server is checking many passwords at once: try again in a few seconds.
err-database-unavailable = The town hall's database cannot be reached right now: nothing was lost, try again in a few seconds.
err-console-not-built = The console was not built into this server: run `make ui`, then restart the server.
err-web-not-built = The web app was not built into this server: run `make ui`, then restart the server.
err-commune-outside = Commune { $code } is not part of the territory.
err-communes-count = Choose 1 to { $max } communes.
err-search-too-long = The search is too long: { $max } characters at most.
err-position = The position given does not exist (latitude -90 to 90, longitude -180 to 180).
err-shapes-outside = The drawn area reaches no commune of the territory.
err-report-outside = This place ({ $lat }, { $lon }) is outside the territory: choose a place in one of its communes.
err-no-alert = No alert with id "{ $id }".
err-no-alert-message = No alert message "{ $identifier }".
err-invalid-alert-json = The alert is not valid: { $detail }
err-cap-needs-publisher = Publishing a CAP message needs the publisher role; your role is { $role }.
err-alert-media-type = Send a draft as application/json or a CAP 1.2 message as application/cap+xml.
err-ambiguous-reference = The message references two different alerts sent here: send one message per alert.
err-unknown-reference = The message references no alert sent here.
err-reviewed = reviewed "{ $value }" must be the draft's updated_at (RFC 3339).
err-draft-changed = The draft was changed by { $who } since you reviewed it: review it again before publishing.
err-last-event-id = Last-Event-ID must be a cursor (a number).
cap-xml = Not well-formed XML: { $detail }
cap-doctype = Documents with a DTD (<!DOCTYPE>) are refused: CAP needs none.
cap-entity = The entity &{ $entity }; is not allowed: only XML's predefined entities and character references are.
cap-not-cap = The root element must be <alert> in the CAP 1.2 namespace ({ $namespace }).
cap-missing = <{ $element }> is missing.
cap-value = <{ $element }> has an unsupported value "{ $value }".
cap-not-public = Only public alerts (<scope>Public</scope>) can be published to residents.
cap-language = <language> "{ $tag }" is not a language tag (RFC 3066 / BCP 47, e.g. fr-FR).
cap-schema = <{ $element }> is not allowed in <{ $parent }> by the CAP 1.2 schema.
cap-repeated = <{ $element }> appears more than once in <{ $parent }>: the CAP 1.2 schema allows one.
cap-stray-text = <{ $element }> has text outside its elements.
cap-disagree = The <info> blocks disagree on <{ $element }>: a message has one classification.
cap-area = The area must be INSEE commune geocodes (valueName INSEE), the territory's code (valueName EPCI { $territory }), or polygons and circles.
cap-too-deep = The document is nested too deeply.
cap-encoding = The document is not valid { $encoding } (UTF-8 and ISO-8859-1 are read).
photo-not-an-image = Photo { $n } is not a JPEG, PNG or WebP image.
photo-damaged = Photo { $n } cannot be read: { $detail }
photo-too-large = Photo { $n } is larger than { $max } MiB.
photo-too-many = At most { $max } photos per report.
photo-io = The photo could not be stored.
err-form = The form sent could not be read: { $detail }
err-report-too-large = A report without photos is at most { $max } KiB of JSON.
err-report-part-too-large = The report part is at most { $max } KiB of JSON.
err-foreign-origin = Reports are filed from the town hall's app or site, not from { $origin }.
err-busy-photos = The server is receiving many photos at once: your report stays on your device and will be sent again shortly.
err-disk-full = The town hall's server has no room for photos right now: its photos are not stored; send the report again later.
err-invalid-report-json = The report is not valid: { $detail }
err-report-id-taken = Another report already has the id { $id }: make a new id.
err-no-report-secret = No report "{ $id }" with this secret.
err-no-report = No report "{ $id }".
err-not-a-time = { $name } "{ $value }" is not an RFC 3339 time, e.g. 2026-11-23T00:00:00+01:00.
err-status-message-too-long = The message is too long: at most { $max } characters.
err-no-photo = No photo "{ $name }" for report "{ $id }".
err-no-place = No place with id "{ $id }".
err-import-media-type = Send OSM GeoJSON as application/geo+json or CSV as text/csv.
err-not-utf8 = The file is not UTF-8 text.
err-import-file = The file cannot be imported: { $detail }
import-not-geojson = The file is not GeoJSON: { $detail }
import-csv-header = The CSV header lacks the required column(s) { $columns }: see docs/directory.md.
import-csv = The CSV file cannot be read: { $detail }
import-unknown-format = Unknown file type: use .geojson/.json (OSM GeoJSON) or .csv.
o311-no-resource = No such Open311 resource: use .json or .xml, e.g. /open311/v2/services.json.
o311-no-request = No such service request.
o311-no-service = Unknown service_code.
o311-date = { $name } must be a W3C date-time, e.g. 2026-11-23T00:00:00Z.
o311-status = status "{ $value }": use open or closed.
o311-max-requests = max_requests must be 1 to { $max }.
o311-api-key = Invalid api_key: ask the town hall for one.
client-not-staged = "{ $token }" is not a staged photo.
client-staged-gone = A staged photo is gone ({ $detail }): pick it again.
client-commune-outside = Commune { $code } is not part of the territory: choose one of its communes.
place-name-empty = Give this place a name (for example “Work”).
place-name-too-long = The place's name has { $len } characters: at most { $max }.
place-name-taken = You already follow a place named “{ $name }”: choose another name.
place-too-many = You already follow { $max } places: remove one to add another.
place-outside = This point ({ $lat }, { $lon }) is outside the territory: choose a point in one of its communes.
place-no-where = Choose a commune or a point for this place.
client-offline = Cannot reach the server at { $server }: { $reason }
client-server = { $message }
client-protocol = Unexpected answer from { $server }: { $detail }
client-no-server = No town hall server is chosen yet.
client-push-no-commune = Push alerts need the town hall's communes: sync first, or choose a commune.
client-push-not-subscribed = This device is not subscribed to the town hall's push notifications.
client-invalid-url = Invalid server address "{ $address }": use http://host:port or https://host.
client-invalid-key = Invalid key fingerprint "{ $key }": it has at least 32 hexadecimal digits.
client-key-mismatch = The server at { $server } does not hold the town hall's key { $key }: it may be an impostor; check the address and the key on the town hall's poster.
client-store = Cannot store on this device: { $detail }
client-io = Cannot write { $path }: { $reason }
client-photo-read = Cannot read the photo { $path }: { $reason }
client-photo-not-an-image = { $path } is not a photo Beffroi can send (JPEG, PNG or WebP).
client-photo-too-large = { $path } is larger than { $max } MB.
app-unknown-commune = Unknown commune { $code }: choose one from the list.
app-not-a-time = "{ $value }" is not an RFC 3339 time.
app-no-place = No place "{ $id }" in the local directory.
app-photo-bytes = Send the photo's bytes.
import-no-name = The place has no name (name=* or brand=*).
import-duplicate = Duplicate id { $id } (first at row { $first }); this row was ignored.
import-geometry = Unsupported geometry "{ $geometry }": use Point or Polygon.
import-no-coordinates = The geometry has no numeric coordinates.
import-no-osm-id = No OSM id (@osm, @id or the feature id).
import-not-a-shop = Not a shop or service.
import-columns = This line has { $len } columns, the header has { $expected }.
import-no-id = The id column is empty.
import-empty = { $column } is empty.
import-not-a-number = { $column } is not a number.
err-form-part = Unexpected part "{ $part }": send report and photo parts.
err-form-no-report = The form has no report part (JSON).
store-staff-exists = Staff member "{ $username }" already exists: choose another name.
store-duplicate-of = A duplicate names another existing report; "{ $id }" is not one.
store-alert-sent-edit = This alert was already sent: send an update instead of editing it.
store-message-exists = A message with identifier "{ $identifier }" already exists.
store-alert-exists = An alert with id "{ $id }" already exists.
store-alert-not-sent = This alert has not been sent yet.
store-alert-cancelled = This alert was cancelled.
store-alert-sent = This alert was already sent.
push-endpoint-not-https = The notification address must start with https://.
push-endpoint-private = The notification address is not a public internet address.
push-endpoint-too-long = The notification address is longer than { $max } characters.
push-keys = The subscription's keys are not valid (p256dh: 65 bytes, auth: 16 bytes, in base64url).
push-communes = A subscription follows 1 to { $max } communes.
err-push-keys-differ = This device is already subscribed with other keys: unsubscribe it first.
err-no-push-subscription = No subscription with this address and secret.
err-push-unresolved = The notification address's name does not resolve: { $host }.
err-push-busy = The server is already checking many notification addresses: try again in a few seconds.

# Rules in force (measures)
measure-duplicate-lang = Language { $lang } has two texts: one per language.
measure-text-too-long = The text ({ $lang }) has { $len } characters: at most { $max }.
measure-other-without-text = A measure of kind "other" needs a text saying what it is.
measure-ends-before-start = The measure ends before it takes effect.
measure-invalid-time = "{ $value }" is not a time of day: write HH:MM, e.g. 18:00.
measure-empty-curfew = A curfew from { $from } until the same time never ends: choose two different times.
measure-invalid-gathering = A gathering limit of { $value } people: choose 1 to { $max }.
err-no-measure = No measure with id "{ $id }".
err-measure-changed = The measure was changed since you read it (it is at version { $version }): read it again before saving.
err-measure-withdrawn = This measure was withdrawn: create a new one.

# Advice pages
advice-invalid-id = "{ $id }" cannot be a page's identifier: use lowercase letters without accents, digits and dashes, { $max } characters at most (e.g. family-plan).
advice-no-text = A page needs a title and a text in at least one language.
advice-duplicate-lang = Language { $lang } has two texts: one per language.
advice-no-title = The text ({ $lang }) has no title.
advice-title-too-long = The title ({ $lang }) has { $len } characters: { $max } at most.
advice-no-body = The text ({ $lang }) is empty.
advice-body-too-long = The text ({ $lang }) has { $len } characters: { $max } at most.
advice-control-character = The text ({ $lang }) has a control character: only line breaks and tabs are allowed.
err-no-advice = No advice page with identifier "{ $id }".
err-advice-exists = A page with identifier "{ $id }" already exists: choose another one, or edit it.
err-advice-changed = The page was changed since you read it (it is at version { $version }): read it again before saving.
err-advice-withdrawn = This page was withdrawn: its identifier cannot be used again, choose another one.

# Mutual aid
aid-invalid-id = The id "{ $id }" is not a UUID made on the device.
aid-empty-text = The text is empty: say what you offer or need.
aid-text-too-long = The text has { $len } characters: { $max } at most.
aid-when-too-long = "When" has { $len } characters: { $max } at most.
aid-exact-address = An exact address is never published: give a commune or a point near you, and take the address out of the text. The town hall passes the answers on.
aid-no-place = Give a commune or a point near you (one of them).
aid-invalid-point = The point is not a position on Earth.
aid-expires-too-late = A post lasts { $max } days at most.
aid-expires-in-past = The post would end before it is published.
aid-control-character = The text has a control character: only line breaks are allowed.
aid-contact-in-text = The text gives a phone number, an email or an address: take it out. In a conversation, "Share my contact" passes yours on only when both of you choose to.
aid-state-conflict = This post is { $state ->
    [pending] waiting for moderation
    [published] published
    [hidden] hidden by the town hall
    [withdrawn] withdrawn by its author
   *[expired] over
}: this cannot be done any more.
aid-key-missing = This device sent no posting key (header Beffroi-Aid-Key, 32 to 128 letters, digits, "-" or "_"): update the app.
aid-key-blocked = The town hall blocked posting from this device. If it is a mistake, contact the town hall.
aid-post-clash = Another post already has this id: the app makes a new one, send it again.
aid-message-clash = Another message already has this id, or this conversation is about another post.
aid-post-not-found = This post is not published (any more): it cannot be answered or reported.
aid-thread-not-found = No such conversation for this device.
aid-own-post = This is your own post: you cannot answer it.
aid-no-post = No post with this id was sent from this device.
err-no-aid-post = No mutual-aid post with id "{ $id }".
aid-thread-closed = This conversation is closed (by one of you, or its post is no longer published): no more messages.
aid-post-full = This post has had many answers already: the town hall takes no more for it.
err-busy-tickets = The server is opening many live connections at once: try again in a few seconds.

# A base map (`beffroi-server serve --tiles-url`).
tiles-url = The tiles URL must be http:// or https:// with {"{"}z{"}"}, {"{"}x{"}"} and {"{"}y{"}"}, e.g. https://tiles.example.fr/{"{"}z{"}"}/{"{"}x{"}"}/{"{"}y{"}"}.png
tiles-attribution = The tiles need their attribution (what their licence asks to show), at most 300 characters.
tiles-max-zoom = The tiles' maximum zoom is 0 to 22.
