"""Ordinary-mode pages, one module per part of ordinary mode: the goals and their versions
(``goals``), the operational plan with follow-up and the year-end PDF (``plan``), capabilities
with minimum levels, self-assessments and the matrix (``capabilities``), exercises
(``exercises``), lessons and the lessons register (``lessons``). Members read; the secretariat
edits; an actor's designated contact edits the actor's own rows."""

PER_PAGE = 25
