"""Ricerca degli atti dell'albo."""

ATTI = []


def cerca(tipo=None, dal=None):
    return [a for a in ATTI if (tipo is None or a["tipo"] == tipo) and (dal is None or a["data"] >= dal)]
