# Errors: what the server, the core and the CLI refuse, and why (rendered in the reader's language).
alert-no-text = Une alerte a besoin d'au moins un texte (titre et description).
alert-duplicate-lang = La langue { $lang } apparaît deux fois avec le même événement et le même public : un seul texte par langue, événement et public.
alert-empty-headline = Le titre ({ $lang }) est vide.
alert-headline-too-long = Le titre ({ $lang }) a { $len } caractères : { $max } au plus.
alert-text-too-long =
    { $field ->
        [description] La description
        [instruction] La consigne
        [event] L'événement
        [audience] Le public visé
       *[other] Le champ « { $field } »
    } ({ $lang }) a { $len } caractères : { $max } au plus.
alert-empty-event = L'événement est vide : dites en quelques mots ce qui se passe.
alert-invalid-event-code = Le code d'événement « { $code } » n'est pas valide : lettres minuscules, chiffres et « - » seulement.
alert-no-commune = Aucune commune n'est visée : choisissez des communes ou tout le territoire.
alert-invalid-web = Le lien « { $web } » n'est pas une adresse web (http:// ou https://).
alert-expires-before-effective = L'alerte expire avant de prendre effet.
alert-invalid-identifier = L'identifiant « { $identifier } » n'est pas valide : ni espace, ni virgule, ni « < » ni « & ».
alert-missing-reference = Un message { $msg_type } doit citer le message qu'il met à jour ou annule.
shape-out-of-range = Le point { $point } est hors limites : latitude de -90 à 90, longitude de -180 à 180.
shape-too-few-points = Un polygone a besoin d'au moins 4 points (le dernier répétant le premier) ; celui-ci en a { $len }.
shape-open-ring = Le polygone n'est pas fermé : son dernier point doit répéter le premier.
shape-too-many-points = Le polygone a { $len } points : { $max } au plus.
shape-antimeridian = La forme traverse l'antiméridien (longitude ±180).
shape-bad-radius = Le rayon du cercle, { $radius } km, n'est pas valide : plus de 0 et { $max } km au plus.
shape-too-many = L'alerte a { $len } formes : { $max } au plus.
shape-unreadable-polygon = « { $text } » n'est pas un polygone CAP : des paires « lat,lon » séparées par des espaces.
shape-unreadable-circle = « { $text } » n'est pas un cercle CAP : « lat,lon rayon » (rayon en km).
report-invalid-id = L'identifiant de signalement « { $id } » n'est pas un UUID créé sur l'appareil.
report-unknown-category = Catégorie inconnue « { $category } ».
report-empty-description = La description est vide : dites ce qui ne va pas.
report-description-too-long = La description a { $len } caractères : { $max } au plus.
report-no-location = Le signalement n'a pas de lieu : donnez une position, une adresse ou une commune.
report-invalid-position = La position { $lat },{ $lon } n'est pas valide : latitude de -90 à 90, longitude de -180 à 180.
report-missing-answer = La question « { $question } » demande une réponse.
field-too-long =
    { $field ->
        [address] L'adresse
        [name] Le nom
        [email] L'adresse e-mail
        [phone] Le téléphone
        [answer] Une réponse
        [website] Le site web
        [opening_hours] Le champ des horaires
       *[other] Le champ « { $field } »
    } dépasse { $max } caractères.
hours-invalid = Horaires « { $value } » non valides : { $detail }
place-no-name = Le lieu n'a pas de nom.
place-latitude = La latitude { $value } est hors limites : de -90 à 90.
place-longitude = La longitude { $value } est hors limites : de -180 à 180.
place-crisis-hours = Horaires de crise « { $value } » non valides : { $detail }
place-last-checked = « { $value } » n'est pas une date (AAAA-MM-JJ).
place-unknown-category = Catégorie de lieu inconnue « { $category } ».
commune-invalid-insee = Code INSEE « { $code } » non valide : 5 caractères, des chiffres (ou 2A/2B pour la Corse).
commune-invalid-postal = Code postal « { $code } » non valide : 5 chiffres.
commune-empty-name = Une commune doit avoir un nom.
staff-unknown-role = Rôle inconnu « { $role } » : editor, publisher ou admin.
staff-invalid-username = Identifiant « { $username } » non valide : de 2 à 64 caractères parmi les minuscules, les chiffres, « . », « - » et « _ ».
staff-password-too-short = Le mot de passe est trop court : { $min } caractères au moins.
lang-tag-invalid = « { $tag } » n'est pas une étiquette de langue (BCP 47, par exemple fr, en-GB, zh-Hant).
lang-unsupported = Langue non prise en charge « { $lang } » : fr, en ou it.
err-no-route = Cette ressource n'existe pas : vérifiez l'adresse et la version de l'API (/api/v1).
err-method-not-allowed = Cette méthode n'est pas permise sur cette route : voir /api/v1/openapi.json.
err-internal = Le serveur n'a pas pu traiter la demande ; l'erreur est enregistrée, réessayez plus tard.
err-invalid-json = Le corps de la requête n'est pas du JSON valide : { $detail }
err-invalid-body = Le corps de la requête n'a pas les champs attendus : { $detail }
err-json-content-type = Envoyez le corps en JSON avec l'en-tête content-type: application/json.
err-body-too-large = Le corps de la requête est trop gros.
err-body-unreadable = Le corps de la requête n'a pas pu être lu.
err-invalid-query = Les paramètres de l'adresse ne sont pas valides : { $detail }
err-login-first = Connectez-vous d'abord : envoyez l'en-tête authorization: Bearer JETON.
err-bearer = L'en-tête authorization doit être : Bearer JETON.
err-session-expired = La session est inconnue ou expirée : reconnectez-vous.
err-role = Il faut le rôle { $needed } ; votre rôle est { $role }.
err-too-many =
    { $what ->
        [login] Trop de tentatives de connexion depuis cette adresse : patientez un peu et réessayez.
        [report] Trop de signalements depuis cette adresse : patientez un peu et réessayez.
        [aid] Trop d'annonces ou de messages depuis cet appareil ou cette adresse : patientez un peu et réessayez.
       *[read] Trop de demandes depuis cette adresse : patientez un peu et réessayez.
    }
err-credentials = Identifiant ou mot de passe incorrect.
err-too-many-account = Trop de tentatives de connexion pour ce compte : patientez une minute et réessayez.
err-busy-passwords = Le serveur vérifie beaucoup de mots de passe à la fois : réessayez dans quelques secondes.
err-database-unavailable = La base de données de la mairie est injoignable pour le moment : rien n'est perdu, réessayez dans quelques secondes.
err-console-not-built = La console n'est pas intégrée à ce serveur : lancez `make ui`, puis redémarrez le serveur.
err-web-not-built = L'application web n'est pas intégrée à ce serveur : lancez `make ui`, puis redémarrez le serveur.
err-commune-outside = La commune { $code } ne fait pas partie du territoire.
err-communes-count = Choisissez de 1 à { $max } communes.
err-search-too-long = La recherche est trop longue : { $max } caractères au plus.
err-position = La position donnée n'existe pas (latitude de -90 à 90, longitude de -180 à 180).
err-shapes-outside = La zone dessinée ne touche aucune commune du territoire.
err-report-outside = Ce lieu ({ $lat }, { $lon }) est hors du territoire : choisissez un lieu dans l'une de ses communes.
err-no-alert = Aucune alerte d'identifiant « { $id } ».
err-no-alert-message = Aucun message d'alerte « { $identifier } ».
err-invalid-alert-json = L'alerte n'est pas valide : { $detail }
err-cap-needs-publisher = Publier un message CAP demande le rôle publisher ; votre rôle est { $role }.
err-alert-media-type = Envoyez un brouillon en application/json ou un message CAP 1.2 en application/cap+xml.
err-ambiguous-reference = Le message cite deux alertes différentes envoyées ici : un message par alerte.
err-unknown-reference = Le message ne cite aucune alerte envoyée ici.
err-reviewed = « { $value } » doit être la date updated_at du brouillon (RFC 3339).
err-draft-changed = Le brouillon a été modifié par { $who } depuis votre relecture : relisez-le avant de publier.
err-last-event-id = Last-Event-ID doit être un curseur (un nombre).
cap-xml = Ce n'est pas du XML bien formé : { $detail }
cap-doctype = Les documents avec une DTD (<!DOCTYPE>) sont refusés : CAP n'en a pas besoin.
cap-entity = L'entité &{ $entity }; n'est pas permise : seules les entités prédéfinies de XML et les références de caractères le sont.
cap-not-cap = L'élément racine doit être <alert> dans l'espace de noms CAP 1.2 ({ $namespace }).
cap-missing = <{ $element }> manque.
cap-value = <{ $element }> a une valeur non prise en charge « { $value } ».
cap-not-public = Seules les alertes publiques (<scope>Public</scope>) peuvent être publiées aux habitants.
cap-language = <language> « { $tag } » n'est pas une étiquette de langue (RFC 3066 / BCP 47, par exemple fr-FR).
cap-schema = <{ $element }> n'est pas permis dans <{ $parent }> par le schéma CAP 1.2.
cap-repeated = <{ $element }> apparaît plus d'une fois dans <{ $parent }> : le schéma CAP 1.2 n'en permet qu'un.
cap-stray-text = <{ $element }> contient du texte hors de ses éléments.
cap-disagree = Les blocs <info> ne s'accordent pas sur <{ $element }> : un message a une seule classification.
cap-area = La zone doit être donnée par des codes géographiques de communes INSEE (valueName INSEE), par le code du territoire (valueName EPCI { $territory }), ou par des polygones et des cercles.
cap-too-deep = Le document est trop imbriqué.
cap-encoding = Le document n'est pas en { $encoding } valide (UTF-8 et ISO-8859-1 sont lus).
photo-not-an-image = La photo { $n } n'est pas une image JPEG, PNG ou WebP.
photo-damaged = La photo { $n } est illisible : { $detail }
photo-too-large = La photo { $n } dépasse { $max } Mio.
photo-too-many = { $max } photos au plus par signalement.
photo-io = La photo n'a pas pu être enregistrée.
err-form = Le formulaire envoyé n'a pas pu être lu : { $detail }
err-report-too-large = Un signalement sans photo fait au plus { $max } Kio de JSON.
err-report-part-too-large = La partie « report » fait au plus { $max } Kio de JSON.
err-foreign-origin = Les signalements se font depuis l'application ou le site de la mairie, pas depuis { $origin }.
err-busy-photos = Le serveur reçoit beaucoup de photos à la fois : votre signalement reste sur votre appareil et sera renvoyé sous peu.
err-disk-full = Le serveur de la mairie n'a plus de place pour les photos : elles ne sont pas enregistrées ; renvoyez le signalement plus tard.
err-invalid-report-json = Le signalement n'est pas valide : { $detail }
err-report-id-taken = Un autre signalement a déjà l'identifiant { $id } : créez-en un nouveau.
err-no-report-secret = Aucun signalement « { $id } » avec ce secret.
err-no-report = Aucun signalement « { $id } ».
err-not-a-time = { $name } « { $value } » n'est pas une date RFC 3339, par exemple 2026-11-23T00:00:00+01:00.
err-status-message-too-long = Le message est trop long : { $max } caractères au plus.
err-no-photo = Aucune photo « { $name } » pour le signalement « { $id } ».
err-no-place = Aucun lieu d'identifiant « { $id } ».
err-import-media-type = Envoyez du GeoJSON OSM en application/geo+json ou du CSV en text/csv.
err-not-utf8 = Le fichier n'est pas du texte UTF-8.
err-import-file = Le fichier ne peut pas être importé : { $detail }
import-not-geojson = Le fichier n'est pas du GeoJSON : { $detail }
import-csv-header = L'en-tête CSV n'a pas la ou les colonnes requises { $columns } : voir docs/directory.md.
import-csv = Le fichier CSV est illisible : { $detail }
import-unknown-format = Type de fichier inconnu : .geojson/.json (GeoJSON OSM) ou .csv.
o311-no-resource = Cette ressource Open311 n'existe pas : utilisez .json ou .xml, par exemple /open311/v2/services.json.
o311-no-request = Cette demande de service n'existe pas.
o311-no-service = service_code inconnu.
o311-date = { $name } doit être une date W3C, par exemple 2026-11-23T00:00:00Z.
o311-status = status « { $value } » : open ou closed.
o311-max-requests = max_requests doit aller de 1 à { $max }.
o311-api-key = api_key invalide : demandez-en une à la mairie.
client-not-staged = « { $token } » n'est pas une photo préparée.
client-staged-gone = Une photo préparée a disparu ({ $detail }) : choisissez-la de nouveau.
client-commune-outside = La commune { $code } ne fait pas partie du territoire : choisissez l'une de ses communes.
place-name-empty = Donnez un nom à ce lieu (par exemple « Travail »).
place-name-too-long = Le nom du lieu a { $len } caractères : { $max } au plus.
place-name-taken = Vous suivez déjà un lieu nommé « { $name } » : choisissez un autre nom.
place-too-many = Vous suivez déjà { $max } lieux : retirez-en un pour en ajouter un autre.
place-outside = Ce point ({ $lat }, { $lon }) est hors du territoire : choisissez un point dans l'une de ses communes.
place-no-where = Choisissez une commune ou un point pour ce lieu.
client-offline = Impossible de joindre le serveur { $server } : { $reason }
client-server = { $message }
client-protocol = Réponse inattendue de { $server } : { $detail }
client-no-server = Aucun serveur de mairie n'est encore choisi.
client-push-no-commune = Les alertes par notification push demandent les communes de la mairie : synchronisez d'abord, ou choisissez une commune.
client-push-not-subscribed = Cet appareil n'est pas abonné aux notifications push de la mairie.
client-invalid-url = Adresse de serveur « { $address } » non valide : http://hôte:port ou https://hôte.
client-invalid-key = Empreinte de clé « { $key } » non valide : au moins 32 chiffres hexadécimaux.
client-key-mismatch = Le serveur { $server } ne détient pas la clé { $key } de la mairie : il pourrait s'agir d'un imposteur ; vérifiez l'adresse et la clé sur l'affiche de la mairie.
client-store = Impossible d'enregistrer sur cet appareil : { $detail }
client-io = Impossible d'écrire { $path } : { $reason }
client-photo-read = Impossible de lire la photo { $path } : { $reason }
client-photo-not-an-image = { $path } n'est pas une photo que Beffroi peut envoyer (JPEG, PNG ou WebP).
client-photo-too-large = { $path } dépasse { $max } Mo.
app-unknown-commune = Commune inconnue { $code } : choisissez-en une dans la liste.
app-not-a-time = « { $value } » n'est pas une date RFC 3339.
app-no-place = Aucun lieu « { $id } » dans l'annuaire local.
app-photo-bytes = Envoyez les octets de la photo.
import-no-name = Le lieu n'a pas de nom (name=* ou brand=*).
import-duplicate = Identifiant { $id } en double (d'abord à la ligne { $first }) : cette ligne est ignorée.
import-geometry = Géométrie « { $geometry } » non prise en charge : Point ou Polygon.
import-no-coordinates = La géométrie n'a pas de coordonnées numériques.
import-no-osm-id = Pas d'identifiant OSM (@osm, @id ou l'id de l'objet).
import-not-a-shop = Ce n'est ni un commerce ni un service.
import-columns = Cette ligne a { $len } colonnes, l'en-tête en a { $expected }.
import-no-id = La colonne id est vide.
import-empty = La colonne { $column } est vide.
import-not-a-number = La colonne { $column } n'est pas un nombre.
err-form-part = Partie « { $part } » inattendue : envoyez les parties report et photo.
err-form-no-report = Le formulaire n'a pas de partie report (JSON).
store-staff-exists = Le membre du personnel « { $username } » existe déjà : choisissez un autre nom.
store-duplicate-of = Un doublon renvoie à un autre signalement existant ; « { $id } » n'en est pas un.
store-alert-sent-edit = Cette alerte est déjà envoyée : envoyez une mise à jour au lieu de la modifier.
store-message-exists = Un message d'identifiant « { $identifier } » existe déjà.
store-alert-exists = Une alerte d'identifiant « { $id } » existe déjà.
store-alert-not-sent = Cette alerte n'a pas encore été envoyée.
store-alert-cancelled = Cette alerte a été annulée.
store-alert-sent = Cette alerte est déjà envoyée.
push-endpoint-not-https = L'adresse de notification doit commencer par https://.
push-endpoint-private = L'adresse de notification n'est pas une adresse publique d'internet.
push-endpoint-too-long = L'adresse de notification dépasse { $max } caractères.
push-keys = Les clés de l'abonnement ne sont pas valides (p256dh : 65 octets, auth : 16 octets, en base64url).
push-communes = Un abonnement suit de 1 à { $max } communes.
err-push-keys-differ = Cet appareil est déjà abonné avec d'autres clés : désabonnez-le d'abord.
err-no-push-subscription = Aucun abonnement avec cette adresse et ce secret.
err-push-unresolved = Le nom de l'adresse de notification ne se résout pas : { $host }.
err-push-busy = Le serveur vérifie déjà beaucoup d'adresses de notification : réessayez dans quelques secondes.

# Rules in force (measures)
measure-duplicate-lang = La langue { $lang } a deux textes : un seul par langue.
measure-text-too-long = Le texte ({ $lang }) fait { $len } caractères : { $max } au plus.
measure-other-without-text = Une mesure « autre » a besoin d'un texte qui dit ce qu'elle est.
measure-ends-before-start = La mesure prend fin avant de prendre effet.
measure-invalid-time = « { $value } » n'est pas une heure : écrivez HH:MM, par exemple 18:00.
measure-empty-curfew = Un couvre-feu de { $from } à la même heure ne finit jamais : choisissez deux heures différentes.
measure-invalid-gathering = Une limite de rassemblement de { $value } personnes : choisissez de 1 à { $max }.
err-no-measure = Aucune mesure d'identifiant « { $id } ».
err-measure-changed = La mesure a été modifiée depuis votre lecture (elle est à la version { $version }) : relisez-la avant de l'enregistrer.
err-measure-withdrawn = Cette mesure a été retirée : créez-en une nouvelle.

# Advice pages
advice-invalid-id = « { $id } » ne peut pas être l'identifiant d'une page : des lettres minuscules sans accent, des chiffres et des tirets, { $max } caractères au plus (par exemple plan-familial).
advice-no-text = Une page a besoin d'un titre et d'un texte dans au moins une langue.
advice-duplicate-lang = La langue { $lang } a deux textes : un seul par langue.
advice-no-title = Le texte ({ $lang }) n'a pas de titre.
advice-title-too-long = Le titre ({ $lang }) fait { $len } caractères : { $max } au plus.
advice-no-body = Le texte ({ $lang }) est vide.
advice-body-too-long = Le texte ({ $lang }) fait { $len } caractères : { $max } au plus.
advice-control-character = Le texte ({ $lang }) contient un caractère de contrôle : seuls les retours à la ligne et les tabulations sont permis.
err-no-advice = Aucune page de conseils d'identifiant « { $id } ».
err-advice-exists = Une page d'identifiant « { $id } » existe déjà : choisissez-en un autre, ou modifiez-la.
err-advice-changed = La page a été modifiée depuis votre lecture (elle est à la version { $version }) : relisez-la avant de l'enregistrer.
err-advice-withdrawn = Cette page a été retirée : son identifiant ne peut plus servir, choisissez-en un autre.

# Mutual aid
aid-invalid-id = L'identifiant « { $id } » n'est pas un UUID fait sur l'appareil.
aid-empty-text = Le texte est vide : dites ce que vous proposez ou ce dont vous avez besoin.
aid-text-too-long = Le texte fait { $len } caractères : { $max } au plus.
aid-when-too-long = « Quand » fait { $len } caractères : { $max } au plus.
aid-exact-address = Une adresse exacte n'est jamais publiée : indiquez une commune ou un point près de chez vous, et retirez l'adresse du texte. La mairie transmet les réponses.
aid-no-place = Indiquez une commune ou un point près de chez vous (l'un des deux).
aid-invalid-point = Le point n'est pas une position sur la Terre.
aid-expires-too-late = Une annonce dure { $max } jours au plus.
aid-expires-in-past = L'annonce prendrait fin avant d'être publiée.
aid-control-character = Le texte contient un caractère de contrôle : seuls les retours à la ligne sont permis.
aid-contact-in-text = Le texte donne un numéro de téléphone, une adresse e-mail ou une adresse : retirez-la. Dans une conversation, « Partager mon contact » ne transmet le vôtre que si vous le choisissez tous les deux.
aid-state-conflict = Cette annonce est { $state ->
    [pending] en attente de modération
    [published] publiée
    [hidden] masquée par la mairie
    [withdrawn] retirée par son auteur
   *[expired] terminée
} : ce n'est plus possible.
aid-key-missing = Cet appareil n'a envoyé aucune clé de publication (en-tête Beffroi-Aid-Key, 32 à 128 lettres, chiffres, « - » ou « _ ») : mettez l'application à jour.
aid-key-blocked = La mairie a bloqué les annonces de cet appareil. Si c'est une erreur, contactez la mairie.
aid-post-clash = Une autre annonce a déjà cet identifiant : l'application en crée un nouveau, renvoyez-la.
aid-message-clash = Un autre message a déjà cet identifiant, ou cette conversation porte sur une autre annonce.
aid-post-not-found = Cette annonce n'est pas (ou plus) publiée : on ne peut ni y répondre ni la signaler.
aid-thread-not-found = Aucune conversation de ce type pour cet appareil.
aid-own-post = C'est votre propre annonce : vous ne pouvez pas y répondre.
aid-no-post = Aucune annonce avec cet identifiant n'a été envoyée depuis cet appareil.
err-no-aid-post = Aucune annonce d'entraide avec l'identifiant « { $id } ».
aid-thread-closed = Cette conversation est close (par l'un de vous, ou son annonce n'est plus publiée) : plus de messages.
aid-post-full = Cette annonce a déjà reçu beaucoup de réponses : la mairie n'en transmet plus.
err-busy-tickets = Le serveur ouvre beaucoup de connexions en direct à la fois : réessayez dans quelques secondes.

# A base map (`beffroi-server serve --tiles-url`).
tiles-url = L'adresse des tuiles doit être en http:// ou https:// avec {"{"}z{"}"}, {"{"}x{"}"} et {"{"}y{"}"}, par exemple https://tuiles.example.fr/{"{"}z{"}"}/{"{"}x{"}"}/{"{"}y{"}"}.png
tiles-attribution = Les tuiles ont besoin de leur mention de source (ce que leur licence impose d'afficher), 300 caractères au plus.
tiles-max-zoom = Le zoom maximal des tuiles va de 0 à 22.
