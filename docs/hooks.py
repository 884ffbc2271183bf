"""MkDocs hook: add citelint's generated pages (every rule, the rule index, the
outlet registry; citelint/docsite.py) to the site at build time."""
from mkdocs.structure.files import File

from citelint.docsite import pages


def on_files(files, config):
    for path, text in pages().items():
        files.append(File.generated(config, path, content=text))
    return files
