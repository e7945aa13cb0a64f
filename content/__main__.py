"""`python -m content [check] [ROOT]`: validate the content bank and print every issue, or the counts."""

import json
import sys

from . import check, summary


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "check":
        args = args[1:]
    root = args[0] if args else None
    issues = check(root)
    if issues:
        for issue in issues:
            print(issue)
        print(f"{len(issues)} issue(s)", file=sys.stderr)
        return 1
    print(json.dumps(summary(root), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
