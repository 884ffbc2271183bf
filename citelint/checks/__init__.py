"""Built-in rules written in Python, for what a single pattern cannot say.

Each module holds one family; BUILTIN_CHECKS lists their rule classes in run order.
"""
from .references import PastedReferenceDefinitions

BUILTIN_CHECKS = [PastedReferenceDefinitions]
