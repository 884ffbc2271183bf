"""Known news outlets: the registry (rules/outlets/*.toml) and offline URL helpers."""
from .registry import Form, Outlet, Registry, RegistryError, load_registry, normalize
from .matcher import Matcher, Mention, has_cue, matcher_for
from .urls import host_of, is_shortener, registered_domain, unwrap

__all__ = ["Matcher", "Mention", "has_cue", "matcher_for", "Form", "Outlet", "Registry", "RegistryError", "load_registry", "normalize",
           "host_of", "is_shortener", "registered_domain", "unwrap"]
