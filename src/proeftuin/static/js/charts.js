// Renders every Vega-Lite spec on the page without eval (CSP-safe): vega-interpreter evaluates the
// expressions instead of compiling them with new Function().
import { expressionInterpreter } from "vega-interpreter";

async function render(root) {
  for (const el of root.querySelectorAll("[data-vega-spec]:not([data-rendered])")) {
    const source = document.getElementById(el.dataset.vegaSpec);
    if (!source) continue;
    el.dataset.rendered = "1";
    const spec = JSON.parse(source.textContent);
    const compiled = window.vegaLite.compile(spec).spec;
    const runtime = window.vega.parse(compiled, null, { ast: true });
    const view = new window.vega.View(runtime, {
      expr: expressionInterpreter,
      renderer: "svg",
      container: el,
      hover: true,
    });
    await view.runAsync();
    const svg = el.querySelector("svg");
    if (svg) {
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", spec.description || spec.title || "");
    }
    el.removeAttribute("role");
    el.removeAttribute("aria-label");
  }
}

function start() {
  render(document);
  document.body.addEventListener("htmx:afterSettle", (e) => render(e.target));
}

if (document.readyState === "complete") start();
else window.addEventListener("load", start);
