"""Known news outlets: the registry (rules/outlets/*.toml) and offline URL helpers.

Names are imported from their modules on first use: a check whose drafts cite
nothing never loads the matcher (and `regex`) or the URL helpers (and urllib)."""
from importlib import import_module

_WHERE = {
    "Form": "registry", "Outlet": "registry", "Registry": "registry", "RegistryError": "registry",
    "load_registry": "registry", "normalize": "registry",
    "Matcher": "matcher", "Mention": "matcher", "has_cue": "matcher", "matcher_for": "matcher",
    "host_of": "urls", "is_shortener": "urls", "registered_domain": "urls", "unwrap": "urls",
}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
