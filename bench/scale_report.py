"""``make scale``'s report: the tables of one corpus size, in Markdown, from the rows ``bench/scale.py`` measured —
load and memory, each named query's median and the ratio against the store it fronts, whether every set-up's
answers have the same size, and the REST calls."""

from __future__ import annotations

from datetime import UTC, datetime

from run import machine, versions


def ratio(a: str, b: str) -> str:
    try:
        return f"{float(a) / float(b):.2f}×"
    except (ValueError, ZeroDivisionError):
        return "–"


def agreement(sizes: dict[str, int | None], groups: list[list[str]]) -> str:
    """"same" when, in each group, every set-up's answer has the size of the group's first one, else who differs and
    from whom (a failed answer is "–"). The stores and the qhfin set-ups are compared apart: qhfin cuts an answer at
    QHFIN_ROW_LIMIT and a store does not, so only like with like says whether two stores answer alike."""
    differ = [f"{n} (vs {group[0]})" for group in groups if group for n in group[1:] if sizes.get(n) != sizes.get(group[0])]
    return "same" if not differ else "**differs**: " + ", ".join(differ)


def report(size, seed, quads, repeats, limit, queries, rows, note: str = "") -> str:
    names = list(rows)
    servers = [n for n in names if rows[n]["server"] == n]
    qhfins = [n for n in names if n not in servers]
    lines = [f"# qhfin scale run — {size:,} quads asked, {quads:,} made (seed {seed}) — "
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "",
             f"- machine: {machine()}" + (f" — {note}" if note else ""), f"- versions: {versions()}",
             f"- corpus: `python bench/synth.py --triples {size} --seed {seed}`; loopback only; qhfin with "
             f"QHFIN_TIME_LIMIT={limit:g} and the result cache off, except in the set-ups named “cache on” (the "
             f"default: 64 MB), whose repeats of a query are answered from it; medians of {repeats} runs after one warm-up, "
             "the servers taking turns query by query",
             "- qhfin's SPARQL start-up is until its query workers (or the external store) answer; its pages' start-up "
             "adds loading the corpus into the in-memory rdflib graph that the REST calls and pages read, which happens "
             "in the background while SPARQL is already answered; peak memory counts the process and all its children"]
    lines += [f"- {n}: {rows[n]['note']}" for n in servers if rows[n].get("note")]
    if "qhfin embedded" not in rows:
        lines.append("- qhfin on the embedded engine (cache off) was not run at this size (`--engines`)")
    lines += ["", "## Load and memory", "", "| server | load / SPARQL ready s | pages ready s | peak memory (PSS) MB |",
              "|---|---|---|---|"]
    lines += [f"| {n} | {rows[n]['load']:.1f} | {rows[n]['pages']:.1f} | {rows[n]['peak'] / 2**20:.0f} |"
              if "pages" in rows[n] else f"| {n} | {rows[n]['load']:.1f} | – | {rows[n]['peak'] / 2**20:.0f} |"
              for n in names]
    compared = [(f"{n} / {rows[n]['server']}", n) for n in qhfins]
    lines += ["", "## Named queries: median ms", "", "| query | " + " | ".join(names + [t for t, _ in compared]) + " |",
              "|---|" + "---|" * (len(names) + len(compared))]
    for q, _ in queries:
        cells = [rows[n]["queries"].get(q, "–") for n in names]
        lines.append(f"| {q} | " + " | ".join(cells + [ratio(rows[n]["queries"].get(q, "–"),
                                                             rows[rows[n]["server"]]["queries"].get(q, "–"))
                                                       for _, n in compared]) + " |")
    lines += ["", "## Named queries: rows of the first answer (stores compared with the first store, qhfin set-ups with "
              "the first qhfin set-up)", "",
              "| query | " + " | ".join(names) + " | answers |", "|---|" + "---|" * (len(names) + 1)]
    for q, _ in queries:
        sizes = {n: rows[n]["rows"].get(q) for n in names}
        lines.append(f"| {q} | " + " | ".join("–" if sizes[n] is None else str(sizes[n]) for n in names)
                     + f" | {agreement(sizes, [servers, qhfins])} |")
    rest_names = [n for n in names if "rest" in rows[n]]
    lines += ["", "## REST calls: first call ms / median of repeats ms (memoised)", "",
              "| call | " + " | ".join(rest_names) + " |", "|---|" + "---|" * len(rest_names)]
    calls = list(rows[rest_names[0]]["rest"]) if rest_names else []  # in the order they were made
    lines += [f"| `{p}` | " + " | ".join(rows[n]["rest"][p] for n in rest_names) + " |" for p in calls]
    if len(rest_names) > 1:
        lines += ["", f"## REST calls: size of the answer (count, results or rows; compared with {rest_names[0]})", "",
                  "| call | " + " | ".join(rest_names) + " | answers |", "|---|" + "---|" * (len(rest_names) + 1)]
        for p in calls:
            sizes = {n: rows[n]["sizes"].get(p) for n in rest_names}
            lines.append(f"| `{p}` | " + " | ".join("–" if sizes[n] is None else str(sizes[n]) for n in rest_names)
                         + f" | {agreement(sizes, [rest_names])} |")
    return "\n".join(lines) + "\n"
