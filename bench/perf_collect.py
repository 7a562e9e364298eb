"""Collect the per-area benchmark reports (docs/perf/*.md, written by the bench/*.py scripts) into
docs/performance.md. Run after any benchmark: `python bench/perf_collect.py`."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["tests", "startup", "registry", "evaluation", "finance", "network", "network_version", "availability",
         "planning", "catalogue"]

HEADER = """# Performance

Every figure here is measured by a script in `bench/` that runs socplan side by side with a reference
computation in the same process (or, for the web server, the same server serving a static file), and reports
the ratio — never a timed unit test. Each section below is written by its benchmark; this file is assembled by
`python bench/perf_collect.py`. Machine: the CI machine kind (2 cores). Re-run a benchmark to refresh its section.

"""


def main():
    parts = sorted((ROOT / "docs" / "perf").glob("*.md"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem))
    body = "\n\n".join(p.read_text().strip().replace("\n# ", "\n## ").replace("# ", "## ", 1) for p in parts)
    (ROOT / "docs" / "performance.md").write_text(HEADER + body + "\n")
    print(f"docs/performance.md: {len(parts)} sections")


if __name__ == "__main__":
    main()
