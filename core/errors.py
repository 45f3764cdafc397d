"""Domain errors with messages a person can act on.

Pages and the CLI catch :class:`StudioError` at the boundary and show ``str(err)`` as one line.
"""


class StudioError(Exception):
    """Base class: the message is one line that says what is wrong and what to do."""


def one_line(err: BaseException, limit: int = 300) -> str:
    """A library error's message folded onto one line and cut to ``limit`` characters.

    The error's type name when it has no message, so the line never ends empty.
    """
    return " ".join(str(err).split())[:limit] or type(err).__name__


class UnsupportedFormatError(StudioError):
    """The file's type is not one the studio reads."""


class UnreadableTableError(StudioError):
    """The file could not be parsed as a table."""


class EmptyTableError(StudioError):
    """The table has no rows or no columns."""


class FileTooLargeError(StudioError):
    """The file is above the configured size cap."""


class InvalidMetadataError(StudioError):
    """The edited metadata does not fit the data or SDV rejects it."""


class UnknownSynthesizerError(StudioError):
    """No synthesizer with that key is registered."""


class InvalidParameterError(StudioError):
    """A parameter is outside its bounds or of the wrong type."""


class NotFoundError(StudioError):
    """A dataset or run is not in the workspace."""


class WorkspaceError(StudioError):
    """The workspace file cannot be opened or written."""


class ReleaseBlockedError(StudioError):
    """The extract failed the privacy release gate and was not written (``--strict``)."""


class CancelledError(StudioError):
    """The user stopped a long job; nothing it was writing was kept."""
