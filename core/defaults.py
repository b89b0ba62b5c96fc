"""Loading an app's default data: idempotent, never overwriting what the secretariat edited and
never restoring what it deleted."""

from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """What a loader created, counted by kind of thing."""

    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def was_deleted(model: type, **lookup: object) -> bool:
    """True when the history shows a matching row was deleted: the secretariat removed it, so a
    loader must not bring it back."""
    return model.history.filter(history_type="-", **lookup).exists()
