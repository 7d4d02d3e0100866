"""The one error the engine raises for bad input; its message is Chinese and shown as is."""


class PolicyError(ValueError):
    """Input the rules cannot judge: an unknown parameter, a date before any version, end < start."""
