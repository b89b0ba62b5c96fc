"""Coordination conferences (samverkanskonferens) of an incident: scheduled by the RSIB, with a
status round, decisions, actions and attendance, ending in a short protocol. Its models are in
``incidents.models``."""
