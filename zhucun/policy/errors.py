"""The one error the engine raises for bad input; its message is Chinese and shown as is."""


class PolicyError(ValueError):
    """Input the rules cannot judge: unknown parameter, date before any version, end < start."""
