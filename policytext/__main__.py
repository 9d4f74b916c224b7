"""``python -m policytext``: the same as the ``policytext`` command."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
