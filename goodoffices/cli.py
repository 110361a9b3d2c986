"""The ``goodoffices`` console script: Django's management commands under one name.

``demo`` and ``--data-dir`` must be known before Django reads its settings, so they are
read here and passed on as environment variables.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "demo":
        os.environ["GOODOFFICES_DEMO"] = "true"
        if "--data-dir" in args:
            i = args.index("--data-dir")
            if i + 1 >= len(args):
                sys.exit("goodoffices demo: --data-dir needs a directory")
            os.environ["GOODOFFICES_DATA_DIR"] = os.path.abspath(args[i + 1])
            del args[i : i + 2]
        else:
            os.environ.setdefault("GOODOFFICES_DATA_DIR", os.path.abspath("var"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goodoffices.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["goodoffices", *args])


if __name__ == "__main__":
    main()
