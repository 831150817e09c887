"""Errors of the harvest sources (DCAT feeds, spreadsheets)."""


class SourceError(ValueError):
    """A source, page or record that cannot be read. ``str(error)`` is "Thai / English"
    (as :class:`ckanext.provincialstats.harvest.safety.FetchError`): harvest jobs run in
    workers without a request language, so both are stored; ``.th`` and ``.en`` hold
    each alone."""

    def __init__(self, th: str, en: str):
        super().__init__(f"{th} / {en}")
        self.th = th
        self.en = en
