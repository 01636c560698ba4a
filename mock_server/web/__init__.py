"""The mock's browser pages (the call-center console, the signing Swagger UI) and their files."""
