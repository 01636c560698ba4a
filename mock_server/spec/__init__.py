"""Everything read from the two OpenAPI documents, and the only package that imports connexion.

``documents`` (loading, the vendor operations), ``validation`` (compiled request checks),
``prefer_answers`` (the examples), ``errors`` (connexion's failures as the envelope),
``connexion_app`` (the app) and ``connexion_glue`` (every use of connexion's internals).
"""
