"""A worker process laying out one part of a long invitation sheet (reports.invitation_sheet):
`python -m reports.pdf_worker` reads the part as JSON on stdin (sheet, first_page, page_count,
fonts) and writes its PDF to stdout."""

import json
import sys


def main() -> None:
    """Read one part, write its PDF."""
    from reports.invitation_sheet import render_part

    job = json.load(sys.stdin)
    pdf = render_part(job["sheet"], job["first_page"], job["page_count"], job["fonts"])
    sys.stdout.buffer.write(pdf)


if __name__ == "__main__":
    main()
