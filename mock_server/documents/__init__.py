"""Everything read from the two OpenAPI documents, and the one package that imports connexion.

``facts`` (the vendor operations and what the mock derives from them at start-up),
``validation`` (compiled request checks), ``vendor_routes`` (the vendor endpoint's table),
``prefer_answers`` (the examples), ``documents_as_written`` (the YAML served as written), and
connexion's part: ``connexion_app`` (the app serving the admin API and the Swagger UIs),
``errors`` (connexion's failures as the envelope) and ``connexion_glue`` (every use of
connexion's internals). Only those three import connexion.
"""
