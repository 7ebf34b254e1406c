"""The explorer in a real browser: headless Chromium driven by Playwright, with every off-machine request blocked.

The path a researcher takes: search by a brand name → the entity page (its infobox linking out, its facts as
tables) → its neighbourhood picture drawn with no label over another, grown by a click, and redrawn two steps out →
a named query run from the SPARQL editor (highlighted, completing terms), its rows shown as a table with CSV and
JSON downloads and a permalink that runs it again. Screenshots of the home page, the entity page, the two-step
picture and the results go to ``tests/artifacts/`` (ignored by git; one set is kept in ``tests/artifacts/evidence/``).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright: pip install playwright")
pytest.importorskip("fastapi")

from kg.serve import create_app  # noqa: E402
from kg.traverse import colour_of  # noqa: E402
from test_serve import _Server  # noqa: E402  (the loopback uvicorn server of the endpoint tests)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BACLOFEN = "https://w3id.org/mrkg/drug/baclofen"
ARTIFACTS = Path(__file__).parent / "artifacts"
#: Bound of every wait of the browser (Playwright's default is 30 s): a page of the server on one busy core, shared
#: with other test workers, once took longer than that.
WAIT_MS = 180_000
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def server(built: Path):  # type: ignore[no-untyped-def]
    with _Server(create_app(built, workers=2, timeout=60)) as running:
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
    context.set_default_timeout(WAIT_MS)
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


def _screenshot(page, name: str, selector: str = "") -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    target = page.locator(selector) if selector else page  # else the viewport: what the researcher sees first
    target.screenshot(path=str(ARTIFACTS / name))
    assert (ARTIFACTS / name).stat().st_size > 10_000


#: Pairs of entities of the picture whose boxes (dot and label) overlap, as Cytoscape has drawn them.
OVERLAPS = """() => {
  const boxes = mrkgPicture.nodes().map(n => n.boundingBox({includeLabels: true, includeOverlays: false}));
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) overlaps++;
  }
  return overlaps;
}"""


def test_search_entity_page_and_picture(page, server, graph) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.locator("#editor .cm-content").wait_for()
    _screenshot(page, "explorer-home.png")
    page.fill("#q", "Lioresal")  # a brand name of baclofen
    first = page.locator("#suggestions li a").first
    first.wait_for()
    assert first.inner_text().startswith("baclofen")
    first.click()
    page.wait_for_url("**/drug/baclofen")
    assert page.locator("h1").inner_text().startswith("baclofen")

    # the infobox: what a researcher looks for first, identifiers linking out to their databases
    box = page.locator("#infobox")
    assert box.locator("th", has_text="boxed warning").count() == 1 and box.locator("th", has_text="targets").count() == 1
    assert box.locator("a[href='https://go.drugbank.com/drugs/DB00181']").count() == 1
    assert box.locator("a[href^='https://mor.nlm.nih.gov/RxNav/']").count() == 1
    interactions = page.locator("h2", has_text="drug interaction").locator("xpath=following-sibling::div[1]//table")
    assert {"severity", "participant", "sources"} <= set(interactions.locator("th").all_inner_texts())

    page.locator("#graph[data-laid-out='1']").wait_for()
    drawn = page.locator("#graph")
    around = graph.subgraph(["baclofen"], 1)
    # the picture shows the server's neighbourhood: the nearest and best-connected entities, 80 at most
    answer = httpx.get(server.url + "/-/neighbourhood", params={"iri": BACLOFEN}, timeout=WAIT_MS / 1000).json()
    shown = {n["data"]["id"] for n in answer["elements"]["nodes"]}
    assert answer["total"] == around.number_of_nodes() and shown <= set(around.nodes)
    assert int(drawn.get_attribute("data-rendered-nodes")) == len(shown) == min(80, around.number_of_nodes())
    assert int(drawn.get_attribute("data-rendered-edges")) == len(answer["elements"]["edges"])
    assert page.locator("#graph canvas").count() >= 1
    assert page.evaluate(OVERLAPS) == 0, "no label lies over another"
    kinds = dict(page.evaluate("mrkgPicture.nodes().map(n => [n.data('type'), n.data('colour')])"))
    assert kinds and all(colour == colour_of(graph.networkx, t) for t, colour in kinds.items()), "the ontology's colours"
    status = page.locator("#graph-status").inner_text()
    assert "entities within 1 step" in status and (f"of {answer['total']}" in status) == (len(shown) < answer["total"])
    _screenshot(page, "explorer-entity.png")

    # a click on a neighbour shows its name and a link to its page, and adds its own neighbours to the picture
    # the drug neighbour with the most neighbours of its own outside the picture (the first in the answer's order could
    # have none left to add: the order of the answer's nodes varies from one server process to the next)
    whole = graph.networkx
    neighbour = max((n["data"]["id"] for n in answer["elements"]["nodes"] if n["data"]["type"] == "mr:Drug"
                     and n["data"]["id"] != BACLOFEN),
                    key=lambda iri: (len((set(whole.successors(iri)) | set(whole.predecessors(iri))) - shown), iri))
    page.evaluate("iri => { mrkgPicture.getElementById(iri).emit('tap'); }", neighbour)  # return nothing: Playwright
    # would otherwise serialise the Cytoscape collection that emit returns, which takes seconds
    assert page.locator("#graph-details b").inner_text() == around.nodes[neighbour]["label"]
    assert page.locator("#graph-open").get_attribute("href") == "/" + neighbour.split("/mrkg/", 1)[1]
    page.locator("#graph[data-expanded='2']").wait_for()
    assert int(drawn.get_attribute("data-rendered-nodes")) > len(shown) and page.evaluate(OVERLAPS) == 0

    page.select_option("#depth", "2")
    page.locator("#graph[data-laid-out='2']").wait_for()
    two = httpx.get(server.url + "/-/neighbourhood", params={"iri": BACLOFEN, "depth": 2}, timeout=WAIT_MS / 1000).json()
    assert two["total"] > answer["total"] and int(drawn.get_attribute("data-rendered-nodes")) == two["shown"]
    assert {n["data"]["distance"] for n in two["elements"]["nodes"]} == {0, 1, 2}
    assert page.evaluate(OVERLAPS) == 0
    _screenshot(page, "explorer-depth2.png", "#picture")
    assert not page.blocked and not page.errors, (page.blocked, page.errors)


def test_named_query_from_the_sparql_form(page, server, graph) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/")
    page.wait_for_function("document.querySelectorAll('#named option').length > 10")
    page.select_option("#named", "drug-interactions")
    assert page.locator("#params input[name=drug]").input_value() == "baclofen"  # from the query's example
    assert "SELECT" in page.evaluate("mrkgQuery.get()")  # the query's text, to read or edit
    assert page.locator("#editor .cm-line span").count() > 20, "the text is highlighted"
    page.click("#run")
    page.locator("#out[data-rows]").wait_for()
    expected = len(graph.query("drug-interactions", drug="baclofen"))
    assert int(page.locator("#out").get_attribute("data-rows")) == expected > 0
    links = page.locator("#out table a[href^='/drug/']")
    assert links.count() > 0
    _screenshot(page, "explorer-sparql.png")

    # the downloads hold the same rows; the permalink runs the query again
    csv_link, json_link = page.locator("#result-bar a.download").all()
    rows = list(csv.reader(io.StringIO(httpx.get(server.url + csv_link.get_attribute("href"), timeout=WAIT_MS / 1000).text)))
    assert len(rows) == expected + 1 and csv_link.get_attribute("download") == "drug-interactions.csv"
    assert len(httpx.get(server.url + json_link.get_attribute("href"), timeout=WAIT_MS / 1000).json()["results"]["bindings"]) == expected
    permalink = page.locator("#permalink").get_attribute("href")
    assert "named=drug-interactions" in permalink and "drug=baclofen" in permalink

    page.fill("#params input[name=drug]", "no such drug")
    page.click("#run")
    page.wait_for_function("document.getElementById('out').textContent.indexOf('no Substance named') >= 0")

    page.goto(server.url + permalink)
    page.wait_for_function(f"document.getElementById('out').dataset.rows === '{expected}'")

    # the editor completes an entity's CURIE from the graph's names, and runs the text it holds
    page.select_option("#named", "drugs-in-class")
    page.evaluate("t => mrkgQuery.set(t)", "SELECT ?label WHERE { ")
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("drug:baclo")
    option = page.locator(".cm-tooltip-autocomplete li", has_text="drug:baclofen")
    option.click()
    page.keyboard.type(" rdfs:label ?label }")
    assert page.evaluate("mrkgQuery.get()") == "SELECT ?label WHERE { drug:baclofen rdfs:label ?label }"
    page.click("#run-text")
    page.wait_for_function("document.getElementById('out').dataset.rows === '1'")
    assert "baclofen" in page.locator("#out table").inner_text()
    assert "query=SELECT" in page.locator("#permalink").get_attribute("href")
    assert not page.blocked and not page.errors, (page.blocked, page.errors)
