"""Docs that cannot drift: every setting and every route is documented."""

from __future__ import annotations

from qhfin.config import ROOT, SETTINGS


def test_every_setting_is_declared_with_help_in_both_languages():
    assert all(s.help_zh and s.help_en for s in SETTINGS)


def test_readme_names_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_route_is_in_the_readme_or_the_openapi_document(app):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    spec = app.test_client().get("/api/openapi.json").get_json()
    documented = set(spec["paths"])
    missing = []
    for rule in app.url_map.iter_rules():
        path = str(rule).replace("<path:", "{").replace("<", "{").replace(">", "}")
        if rule.endpoint == "static" or path.split("{")[0].rstrip("/") in readme:
            continue
        if not any(path.split("{")[0] == p.split("{")[0] for p in documented):
            missing.append(path)
    assert missing == []


def test_the_readmes_settings_table_is_the_one_config_declares():
    """Settings are declared once (``qhfin/config.py``); the README's table is generated from them: regenerate it
    with ``python -c 'from qhfin.config import settings_table; print(settings_table())'``."""
    from qhfin.config import settings_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- settings:begin -->\n", 1)[1].split("\n<!-- settings:end -->", 1)[0]
    assert table == settings_table()


def test_serve_help_lists_every_setting_with_its_variable(capsys):
    import pytest

    from qhfin.cli import main

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    shown = capsys.readouterr().out
    missing = [s.variable for s in SETTINGS if s.variable not in shown or s.help_en.split(";")[0] not in shown]
    assert missing == []


def test_every_module_is_on_the_architecture_page():
    """docs/architecture.md draws the module map: a module missing from it is a module nobody can find."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = sorted(str(p.relative_to(ROOT)) for d in ("qhfin", "api") for p in (ROOT / d).glob("*.py"))
    assert len(modules) > 90
    missing = [m for m in modules if m not in page and not (m.startswith("qhfin/cli_") and "qhfin/cli_*.py" in page)]
    assert missing == []
