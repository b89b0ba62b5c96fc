"""The common situation picture: published versions per audience, the live page every viewer
polls, its PDF. The models live with the rest of activated mode (``incidents.models``)."""
