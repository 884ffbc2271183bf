"""`citelint lsp`: findings, fixes and rule documentation inside the editor,
over the Language Server Protocol (README "Editors").

Modules: `server` (the pygls server and its handlers), `workspace` (open
drafts and the settings for each), `settings` (the editor's settings),
`positions` (LSP positions against string offsets), `diagnostics` (findings
as diagnostics and hovers), `actions` (code actions), `online` (the
`citelint.verifySources` command). pygls comes with the `lsp` extra:
`pip install 'citelint-news[lsp]'`.
"""
