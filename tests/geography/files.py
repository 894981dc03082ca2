"""Communes files for the tests: the example of docs/formats.md, and helpers."""

import csv
import io
import re
from pathlib import Path

from django.core.management import call_command

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def docs_section():
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("## Communes (`assure import_communes`)")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def docs_blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", docs_section(), flags=re.DOTALL)


EXAMPLE = docs_blocks("csv")[0]
HEADER, *ROWS = EXAMPLE.splitlines()


def write(tmp_path, *lines, name="communes.csv", encoding="utf-8", newline="\n"):
    path = tmp_path / name
    path.write_bytes(newline.join(lines).encode(encoding) + newline.encode())
    return path


def run(*arguments):
    """The output of `assure import_communes` with these arguments."""
    out = io.StringIO()
    call_command("import_communes", *map(str, arguments), stdout=out)
    return out.getvalue()


# « Communes et villes de France » (data.gouv.fr, communes-france-2025.csv): its header,
# the first cell empty (pandas' index), and a dozen communes, one per line.
CDF_COLUMNS = (
    "code_insee,nom_standard,nom_sans_pronom,nom_a,nom_de,nom_sans_accent,"
    "nom_standard_majuscule,typecom,typecom_texte,reg_code,reg_nom,dep_code,dep_nom,"
    "canton_code,canton_nom,epci_code,epci_nom,academie_code,academie_nom,code_postal,"
    "codes_postaux,zone_emploi,code_insee_centre_zone_emploi,code_unite_urbaine,"
    "nom_unite_urbaine,taille_unite_urbaine,type_commune_unite_urbaine,"
    "statut_commune_unite_urbaine,population,superficie_hectare,superficie_km2,densite,"
    "altitude_moyenne,altitude_minimale,altitude_maximale,latitude_mairie,longitude_mairie,"
    "latitude_centre,longitude_centre,grille_densite,grille_densite_texte,"
    "niveau_equipements_services,niveau_equipements_services_texte,gentile,url_wikipedia,"
    "url_villedereve"
).split(",")
CDF_HEADER = '"",' + ",".join(CDF_COLUMNS)
PARIS_POSTCODES = ",".join([f"750{n:02d}" for n in range(1, 21)] + ["75116"])
# (code_insee, nom_standard, typecom, dep_code, dep_nom, code_postal, codes_postaux,
#  latitude_mairie, longitude_mairie, latitude_centre, longitude_centre, population)
CDF_COMMUNES = [
    ("01001", "L'Abergement-Clémenciat", "COM", "01", "Ain", "01400", "01400",
     "46.153", "4.926", "46.153721024", "4.92577235481", "806"),
    ("2A004", "Ajaccio", "COM", "2A", "Corse-du-Sud", "20000", "20000,20090",
     "41.9192", "8.7386", "41.9347926638", "8.70132275974", "73299"),
    ("2B033", "Bastia", "COM", "2B", "Haute-Corse", "20200", "20200,20600",
     "42.7022", "9.4502", "42.6865676996", "9.42477311945", "49112"),
    ("42218", "Saint-Étienne", "COM", "42", "Loire", "42000", "42000,42100",
     "45.4397", "4.3872", "45.4301235512", "4.37913997076", "173089"),
    # Lille: a letter O in its third postcode
    ("59350", "Lille", "COM", "59", "Nord", "59000", "59000,59160,5926O",
     "50.6365", "3.0635", "50.6317", "3.0478", "236710"),
    # Roubaix: no centre, its town hall's coordinates instead
    ("59512", "Roubaix", "COM", "59", "Nord", "59100", "59100",
     "50.6879774265", "3.18256152286", "", "", "98828"),
    # Paris as a whole comes before its arrondissements, which are imported instead
    ("75056", "Paris", "COM", "75", "Paris", "75001", PARIS_POSTCODES,
     "48.8566", "2.3522", "48.8589", "2.347", "2113705"),
    ("75101", "Paris 1er Arrondissement", "ARM", "75", "Paris", "75001", "75001",
     "48.8603", "2.3411", "48.8626304852", "2.33629344655", "15919"),
    ("75111", "Paris 11e Arrondissement", "ARM", "75", "Paris", "75011", "75011",
     "48.8577", "2.3805", "48.8590592213", "2.38010625894", "142583"),
    ("76540", "Rouen", "COM", "76", "Seine-Maritime", "76000", "76000,76100",
     "49.4431", "1.0993", "49.4413460103", "1.09256784278", "114083"),
    ("97209", "Fort-de-France", "COM", "972", "Martinique", "97200", "97200,97234",
     "14.6026", "-61.0700", "14.6411114601", "-61.0691174611", "76512"),
    ("97411", "Saint-Denis", "COM", "974", "La Réunion", "97400", "97400,97490",
     "-20.8789", "55.4481", "-20.9329708192", "55.4466555468", "155969"),
    # Mamoudzou: no coordinates at all, as in La Poste's file
    ("97611", "Mamoudzou", "COM", "976", "Mayotte", "97600", "97600",
     "", "", "", "", "71437"),
]  # fmt: skip
# La Poste's lines for the communes of CDF_COMMUNES that are not in EXAMPLE (Lille aside).
LA_POSTE_MORE = [
    "2B033,BASTIA,20200,BASTIA,,42.6865676996,9.42477311945,33,,Bastia,Bastia,2B,Haute-Corse,94,Corse",
    "2B033,BASTIA,20600,BASTIA,,42.6865676996,9.42477311945,33,,Bastia,Bastia,2B,Haute-Corse,94,Corse",
    "75101,PARIS 01,75001,PARIS,,48.8626304852,2.33629344655,101,,Paris 01,"
    "Paris 1er Arrondissement,75,Paris,11,Île-de-France",
    "75111,PARIS 11,75011,PARIS,,48.8590592213,2.38010625894,111,,Paris 11,"
    "Paris 11e Arrondissement,75,Paris,11,Île-de-France",
    "97209,FORT DE FRANCE,97200,FORT DE FRANCE,,14.6411114601,-61.0691174611,209,,"
    "Fort-de-France,Fort-de-France,972,Martinique,02,Martinique",
    "97209,FORT DE FRANCE,97234,FORT DE FRANCE,,14.6411114601,-61.0691174611,209,,"
    "Fort-de-France,Fort-de-France,972,Martinique,02,Martinique",
]


def cdf_line(index, commune, delimiter=","):
    """One line of « Communes et villes de France » for a tuple of CDF_COMMUNES."""
    insee, name, typecom, dep_code, dep_nom, postcode, postcodes, *coordinates, people = commune
    values = dict.fromkeys(CDF_COLUMNS, "")
    values.update(
        code_insee=insee,
        nom_standard=name,
        nom_sans_accent=name.lower().replace("é", "e").replace(" ", "-"),
        nom_standard_majuscule=name.upper(),
        typecom=typecom,
        typecom_texte="commune" if typecom == "COM" else "arrondissement municipal",
        dep_code=dep_code,
        dep_nom=dep_nom,
        code_postal=postcode,
        codes_postaux=postcodes,
        population=people,
        url_wikipedia=f"https://fr.wikipedia.org/wiki/fr:{name.replace(' ', '_')}",
    )
    for column, value in zip(
        ("latitude_mairie", "longitude_mairie", "latitude_centre", "longitude_centre"),
        coordinates,
        strict=True,
    ):
        values[column] = value
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="").writerow([index, *values.values()])
    return out.getvalue()


CDF_ROWS = [cdf_line(index, commune) for index, commune in enumerate(CDF_COMMUNES)]
