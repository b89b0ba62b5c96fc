"""Form pieces every app uses."""

from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker, with the ISO date it expects."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
