"""Petit client HTTP d'EduAtlas pour les carnets : requests pour les appels, pandas pour les tableaux.

L'adresse du serveur vient de la variable d'environnement EDUATLAS_URL (par défaut
http://127.0.0.1:8080, celle de la commande principale du README). Les CSV sont demandés au format
français (séparateur « ; », virgule décimale) et lus comme tels.
"""
import io
import os

import pandas as pd
import requests

BASE_URL = os.environ.get("EDUATLAS_URL", "http://127.0.0.1:8080").rstrip("/")
PAGE = 1000  # le plus grand nombre d'établissements par page que l'API accepte

_session = requests.Session()


def get(path, **params):
    """GET sur l'API ; une erreur HTTP lève une exception avec le détail problem+json."""
    r = _session.get(BASE_URL + path, params=params, timeout=300)
    if r.status_code >= 400:
        raise RuntimeError(f"{r.status_code} sur {path} : {r.text[:500]}")
    return r


def get_json(path, **params):
    return get(path, **params).json()


def get_csv(path, dtype=None, **params):
    """Un CSV de l'API, demandé et lu avec les conventions françaises."""
    params = {"format": "csv", "sep": ";", "decimal": ",", **params}
    # With sep=";" the API starts the file with a byte order mark (for Excel): utf-8-sig drops it.
    text = get(path, **params).content.decode("utf-8-sig")
    return pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype=dtype, low_memory=False)


def values(indicator, level, year=None, within=None):
    """Les valeurs d'un indicateur à un niveau et une période (par défaut la dernière)."""
    params = {"level": level}
    if year is not None:
        params["year"] = str(year)
    if within is not None:
        params["within"] = within
    return get_csv(f"/api/v1/indicators/{indicator}/values", dtype={"code": str}, **params)


def schools(**filters):
    """Tous les établissements qui répondent aux filtres, page après page."""
    frames = []
    offset = 0
    while True:
        page = get_csv(
            "/api/v1/schools",
            dtype={"uai": str, "commune": str},
            limit=PAGE,
            offset=offset,
            **filters,
        )
        frames.append(page)
        if len(page) < PAGE:
            break
        offset += PAGE
    return pd.concat(frames, ignore_index=True)


def post_selection(criteria):
    """Calcule (ou retrouve) une sélection de communes ; renvoie (statut HTTP, résultat)."""
    r = _session.post(BASE_URL + "/api/v1/selections", json=criteria, timeout=300)
    if r.status_code not in (200, 201):
        raise RuntimeError(f"{r.status_code} : {r.text[:1000]}")
    return r.status_code, r.json()
