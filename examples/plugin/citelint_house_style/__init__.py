"""Example plugin: a newsroom's own rule, written in Python."""
import re

from citelint.model import Safety, Severity
from citelint.rule import Example, Rule


class EmbargoLine(Rule):
    code = "HSE001"
    name = "embargo-line"
    severity = Severity.ERROR
    scope = "prose"
    fix_safety = Safety.UNSAFE
    fix_title = "Delete the embargo line"
    summary = "Finds 'EMBARGOED UNTIL …' lines left in a draft after the embargo has lifted."
    why = "Wire copy carries embargo lines for editors; printed, they tell readers nothing."
    examples = [
        Example("EMBARGOED UNTIL 00:01 GMT\nThe report was published today.\n",
                "The report was published today.\n"),
        Example("The embargoed report was published today.\n", trap=True),
    ]
    _pattern = re.compile(r"(?m)^[ \t]*EMBARGOED UNTIL [^\n]*\n?")

    def check(self, ctx):
        view = ctx.doc.prose
        for m in self._pattern.finditer(view.text):
            # ctx.finding maps view offsets to the source and builds the fix; it
            # returns None where policy drops the finding (e.g. inside a link target).
            yield ctx.finding(self, view, m.start(), m.end(), "embargo line left in the draft", replacement="")


RULES = [EmbargoLine]
