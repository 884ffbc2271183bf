"""`citelint serve`: a local web page for editors and a JSON API for a CMS.

Importing this package costs nothing: Starlette and uvicorn (the `serve`
extra, `pip install 'citelint-news[serve]'`) load only when the server starts.
Modules: cli.py (the options), launch.py (starting it), app.py (routes and the ASGI app), api.py (the
JSON endpoints), verify.py (the online pass with progress), credits.py (the
outlets a draft names), drafts.py (kinds, decoding, line endings), security.py
(token, host, body limit and headers), openapi.py (the schema), static/ (the page).
"""
