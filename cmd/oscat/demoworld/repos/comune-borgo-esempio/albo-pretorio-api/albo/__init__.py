"""Albo pretorio online: gli atti pubblicati, in JSON."""
from flask import Flask, jsonify, request

from .atti import cerca

app = Flask(__name__)


@app.get("/atti")
def atti():
    return jsonify(cerca(tipo=request.args.get("tipo"), dal=request.args.get("dal")))
