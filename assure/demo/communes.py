"""Real communes for the demo: the towns of the demo members (demo/members.py).

Public facts: INSEE code (Paris, Lyon and Marseille by arrondissement, as
in La Poste's file), name, postcodes and the approximate centre.
"""

from django.db import transaction

from assure.geography.models import Commune, Postcode

# (INSEE code, name, postcodes, latitude, longitude)
COMMUNES = [
    ("75111", "Paris 11e Arrondissement", ["75011"], 48.8591, 2.3800),
    ("75115", "Paris 15e Arrondissement", ["75015"], 48.8401, 2.2931),
    ("13205", "Marseille 5e Arrondissement", ["13005"], 43.2928, 5.3979),
    ("69383", "Lyon 3e Arrondissement", ["69003"], 45.7598, 4.8496),
    ("31555", "Toulouse", ["31000", "31100", "31200", "31300", "31400", "31500"], 43.6045, 1.4440),
    ("06088", "Nice", ["06000", "06100", "06200", "06300"], 43.7102, 7.2620),
    ("44109", "Nantes", ["44000", "44100", "44200", "44300"], 47.2184, -1.5536),
    ("67482", "Strasbourg", ["67000", "67100", "67200"], 48.5734, 7.7521),
    ("34172", "Montpellier", ["34000", "34070", "34080", "34090"], 43.6108, 3.8767),
    ("33063", "Bordeaux", ["33000", "33100", "33200", "33300", "33800"], 44.8378, -0.5792),
    ("59350", "Lille", ["59000", "59160", "59260", "59777", "59800"], 50.6292, 3.0573),
    ("35238", "Rennes", ["35000", "35200", "35700"], 48.1173, -1.6778),
    ("51454", "Reims", ["51100"], 49.2583, 4.0317),
    ("76351", "Le Havre", ["76600", "76610", "76620"], 49.4944, 0.1079),
    ("42218", "Saint-Étienne", ["42000", "42100"], 45.4397, 4.3872),
    ("83137", "Toulon", ["83000", "83100", "83200"], 43.1242, 5.9280),
    ("38185", "Grenoble", ["38000", "38100"], 45.1885, 5.7245),
    ("21231", "Dijon", ["21000"], 47.3220, 5.0415),
    ("49007", "Angers", ["49000", "49100"], 47.4784, -0.5632),
    ("30189", "Nîmes", ["30000", "30900"], 43.8367, 4.3601),
    ("63113", "Clermont-Ferrand", ["63000", "63100"], 45.7772, 3.0870),
    ("72181", "Le Mans", ["72000", "72100"], 48.0061, 0.1996),
    ("29019", "Brest", ["29200"], 48.3904, -4.4861),
    ("29232", "Quimper", ["29000"], 47.9960, -4.1024),
    ("37261", "Tours", ["37000", "37100", "37200"], 47.3941, 0.6848),
    ("80021", "Amiens", ["80000", "80080", "80090"], 49.8941, 2.2958),
    ("87085", "Limoges", ["87000", "87100", "87280"], 45.8336, 1.2611),
    ("66136", "Perpignan", ["66000", "66100"], 42.6887, 2.8948),
    ("57463", "Metz", ["57000", "57050", "57070"], 49.1193, 6.1757),
    ("25056", "Besançon", ["25000"], 47.2378, 6.0241),
    ("45234", "Orléans", ["45000", "45100"], 47.9030, 1.9093),
    ("76540", "Rouen", ["76000", "76100"], 49.4432, 1.0999),
    ("14118", "Caen", ["14000"], 49.1829, -0.3707),
    ("54395", "Nancy", ["54000", "54100"], 48.6921, 6.1844),
    ("64445", "Pau", ["64000"], 43.2951, -0.3708),
    ("17300", "La Rochelle", ["17000"], 46.1603, -1.1511),
    ("86194", "Poitiers", ["86000"], 46.5802, 0.3404),
    ("74010", "Annecy", ["74000", "74370", "74600", "74940", "74960"], 45.8992, 6.1294),
    ("84007", "Avignon", ["84000"], 43.9493, 4.8055),
    ("2A004", "Ajaccio", ["20000", "20090"], 41.9192, 8.7386),
    ("2B033", "Bastia", ["20200", "20600"], 42.6973, 9.4509),
    ("97209", "Fort-de-France", ["97200", "97234"], 14.6161, -61.0588),
    ("97411", "Saint-Denis", ["97400", "97417", "97490"], -20.8821, 55.4507),
]


def load_demo_communes():
    """Create the demo communes and postcodes that are missing; the number of communes created.

    Communes already there (say, from a real import) are left as they are.
    """
    codes = [insee for insee, *_ in COMMUNES]
    with transaction.atomic():
        known = set(Commune.objects.filter(insee__in=codes).values_list("insee", flat=True))
        created = 0
        for insee, name, _, latitude, longitude in COMMUNES:
            if insee not in known:
                department = insee[:3] if insee.startswith("97") else insee[:2]
                Commune(
                    insee=insee,
                    name=name,
                    department=department,
                    latitude=latitude,
                    longitude=longitude,
                ).save()  # save() sets search_name
                created += 1
        ids = dict(Commune.objects.filter(insee__in=codes).values_list("insee", "pk"))
        existing = set(
            Postcode.objects.filter(commune__in=ids.values()).values_list("commune", "code")
        )
        Postcode.objects.bulk_create(
            Postcode(code=postcode, commune_id=ids[insee])
            for insee, _, postcodes, _, _ in COMMUNES
            for postcode in postcodes
            if (ids[insee], postcode) not in existing
        )
    return created
