"""Built-in rules written in Python, for what a single pattern cannot say.

Each module holds one family. BUILTIN_CHECKS lists their rule classes. A rule
never reads another rule's findings: what several rules weigh (is there
assistant debris? where are the chips, the notes, the embeds?) is a fact of
the document, computed once in citelint/facts/, so the order here does not
matter and selecting one rule never changes another's verdict.
"""
from .attribution import LinkOutletMismatch, NonCanonicalOutletName, OutletHandle
from .chips import ChipCluster, ChipLink, DomainNameDuplicate, GluedChipChain, LoneChipCount, OutletListParenthesis
from .outlet_tags import BracketedOutletTag, RepeatedOutletTag, TrailingCreditCrumb
from .references import (BareNumericMarker, CircledDigitMarker, PastedReferenceDefinitions, SourcesTrailer,
                         SuperscriptCitation, UndefinedFootnote)
from .social import (EmbeddedPostByline, EmbedChrome, MissingEmbedReference, NearDuplicateHandle, StrayHandle,
                     StrayHashtag)
from ..online.rules import NET_RULES

BUILTIN_CHECKS = [
    PastedReferenceDefinitions,
    # source chips and outlet tags
    ChipCluster, GluedChipChain, LoneChipCount, ChipLink, OutletListParenthesis, DomainNameDuplicate,
    RepeatedOutletTag, BracketedOutletTag, TrailingCreditCrumb,
    # references and footnotes
    BareNumericMarker, UndefinedFootnote, SuperscriptCitation, CircledDigitMarker, SourcesTrailer,
    # social media
    EmbedChrome, EmbeddedPostByline, StrayHandle, StrayHashtag, NearDuplicateHandle, MissingEmbedReference,
    # attribution
    NonCanonicalOutletName, LinkOutletMismatch, OutletHandle,
    # online verification: find nothing unless `check --online` ran (citelint/online/)
    *NET_RULES,
]
