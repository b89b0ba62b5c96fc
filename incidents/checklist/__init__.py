"""The live checklist of an incident: the prepared direction's checklist as items with an owner,
a state and the time each was done. Its models are in ``incidents.models``."""
