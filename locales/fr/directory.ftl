# Directory of shops and services: categories and opening states. Read by the
# Rust core (CLI, search results) and by the UI.

category-supermarket = Supermarché
category-convenience = Épicerie
category-bakery = Boulangerie
category-butcher = Boucherie
category-greengrocer = Primeur
category-marketplace = Marché
category-food_other = Alimentation
category-farm = Ferme
category-producer = Producteur
category-pharmacy = Pharmacie
category-doctors = Médecin
category-dentist = Dentiste
category-laboratory = Laboratoire
category-hospital = Hôpital
category-veterinary = Vétérinaire
category-townhall = Mairie
category-post_office = Bureau de poste
category-police = Police
category-public_service = Service public
category-tobacco = Tabac-presse
category-fuel = Station-service
category-bank = Banque
category-atm = Distributeur de billets
category-hardware = Quincaillerie
category-laundry = Laverie
category-takeaway = Vente à emporter
category-restaurant = Restaurant
category-cafe = Café
category-mutual_aid = Entraide
category-shop_other = Commerce
category-other = Autre

state-open = Ouvert
state-closed = Fermé
state-unknown = Horaires inconnus
state-open-until = Ouvert jusqu'à { $time }
state-open-until-day = Ouvert jusqu'à { $day } { $time }
state-opens-at = Ouvre à { $time }
state-opens-day = Ouvre { $day } à { $time }
state-always-open = Ouvert 24 h/24
state-crisis-closed = Fermé (mesure exceptionnelle)

weekday-1 = lundi
weekday-2 = mardi
weekday-3 = mercredi
weekday-4 = jeudi
weekday-5 = vendredi
weekday-6 = samedi
weekday-7 = dimanche
place-follow = Suivre les alertes de ce lieu
place-followed = Vous suivez « { $name } » : ses alertes vous parviendront aussi (modifiable dans les réglages).
