"""The explorer in a real browser: headless Chromium driven by Playwright, with every off-machine request blocked.

The path a researcher takes: search by a brand name → the entity page → its neighbourhood picture
drawn (and redrawn two steps out) → a named query run from the SPARQL form, its rows shown as a
table with links. Screenshots go to ``tests/artifacts/`` (ignored by git) for a human to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright: pip install playwright")
pytest.importorskip("fastapi")

from kg.serve import create_app  # noqa: E402
from test_serve import _Server  # noqa: E402  (the loopback uvicorn server of the endpoint tests)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BACLOFEN = "https://w3id.org/mrkg/drug/baclofen"
ARTIFACTS = Path(__file__).parent / "artifacts"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def server(built: Path):  # type: ignore[no-untyped-def]
    with _Server(create_app(built, workers=2, timeout=10)) as running:
        yield running


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    """A fresh page where any request that leaves 127.0.0.1 is aborted and recorded in ``page.blocked``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.blocked = []

    def only_loopback(route) -> None:  # type: ignore[no-untyped-def]
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))  # the viewport: what the researcher sees first
    assert (ARTIFACTS / name).stat().st_size > 10_000


def test_search_entity_page_and_picture(page, server, graph) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.fill("#q", "Lioresal")  # a brand name of baclofen
    first = page.locator("#suggestions li a").first
    first.wait_for()
    assert first.inner_text().startswith("baclofen")
    first.click()
    page.wait_for_url("**/drug/baclofen")
    assert page.locator("h1").inner_text() == "baclofen"
    assert page.locator("h2", has_text="interacts with").count() == 1 and page.locator("h2", has_text="has target").count() == 1

    drawn = page.locator("#graph[data-rendered-nodes]")
    drawn.wait_for(timeout=20_000)
    around = graph.subgraph(["baclofen"], 1)
    # the picture shows the server's neighbourhood: the nearest and best-connected entities, 80 at most
    answer = httpx.get(server.url + "/-/neighbourhood", params={"iri": BACLOFEN}, timeout=30).json()
    shown = {n["data"]["id"] for n in answer["elements"]["nodes"]}
    assert answer["total"] == around.number_of_nodes() and shown <= set(around.nodes)
    assert int(drawn.get_attribute("data-rendered-nodes")) == len(shown) == min(80, around.number_of_nodes())
    assert int(drawn.get_attribute("data-rendered-edges")) == len(answer["elements"]["edges"])
    assert page.locator("#graph canvas").count() >= 1
    status = page.locator("#graph-status").inner_text()
    assert "entities within 1 step" in status and (f"of {answer['total']}" in status) == (len(shown) < answer["total"])
    _screenshot(page, "explorer-baclofen.png")

    # a tap on a neighbour shows its name and a link to its page
    neighbour = next(n["data"]["id"] for n in answer["elements"]["nodes"] if n["data"]["id"] != BACLOFEN)
    page.evaluate("iri => mrkgPicture.getElementById(iri).emit('tap')", neighbour)
    assert page.locator("#graph-details b").inner_text() == around.nodes[neighbour]["label"]
    assert page.locator("#graph-open").get_attribute("href") == "/" + neighbour.split("/mrkg/", 1)[1]
    page.select_option("#depth", "2")
    page.wait_for_function("document.getElementById('graph-status').textContent.indexOf('within 2 steps') >= 0",
                           timeout=20_000)
    two = httpx.get(server.url + "/-/neighbourhood", params={"iri": BACLOFEN, "depth": 2}, timeout=30).json()
    assert two["total"] > answer["total"] and int(drawn.get_attribute("data-rendered-nodes")) == two["shown"]
    assert not page.blocked and not page.errors, (page.blocked, page.errors)


def test_named_query_from_the_sparql_form(page, server, graph) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.wait_for_function("document.querySelectorAll('#named option').length > 10")
    page.select_option("#named", "drug-interactions")
    assert page.locator("#params input[name=drug]").input_value() == "baclofen"  # from the query's example
    assert "SELECT" in page.locator("#query").input_value()  # the query's text, to read or edit
    page.click("#run")
    page.locator("#out[data-rows]").wait_for(timeout=20_000)
    expected = len(graph.query("drug-interactions", drug="baclofen"))
    assert int(page.locator("#out").get_attribute("data-rows")) == expected > 0
    links = page.locator("#out table a[href^='/drug/']")
    assert links.count() > 0
    _screenshot(page, "explorer-named-query.png")

    page.fill("#params input[name=drug]", "no such drug")
    page.click("#run")
    page.wait_for_function("document.getElementById('out').textContent.indexOf('no Substance named') >= 0")

    page.select_option("#named", "drugs-in-class")
    page.fill("#query", "SELECT ?label WHERE { drug:baclofen rdfs:label ?label }")
    page.click("#run-text")
    page.wait_for_function("document.getElementById('out').dataset.rows === '1'")
    assert "baclofen" in page.locator("#out table").inner_text()
    assert not page.blocked and not page.errors, (page.blocked, page.errors)
