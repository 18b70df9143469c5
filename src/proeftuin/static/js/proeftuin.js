// Small progressive enhancements. Everything works without JavaScript.
document.addEventListener("htmx:afterSettle", (event) => {
  // After a boosted tab switch, move focus to the new content for screen-reader and keyboard users.
  const main = document.getElementById("main");
  if (main && event.detail && event.detail.boosted) main.focus({ preventScroll: true });
});

// An autosave that fails (a server error, a refused request, no connection) is never silent:
// the control is marked, a message says the choice was not saved, and a button sends it again.
// Handles every autosaving element: score fieldsets, measurement details, rating forms.
const AUTOSAVE = ".pt-mon-domain, .pt-mon-details, .pt-assess-form, .pt-value-quick";

function autosaveElement(event) {
  const elt = event.detail && event.detail.elt;
  return elt && elt.closest ? elt.closest(AUTOSAVE) : null;
}

function autosaveBox(elt) {
  let box = elt.querySelector(":scope > .pt-autosave-error");
  if (!box) {
    box = document.createElement("div");
    box.className = "pt-autosave-error utrecht-alert utrecht-alert--error";
    box.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.className = "pt-autosave-error__text";
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "utrecht-button utrecht-button--secondary-action pt-autosave-error__retry";
    retry.textContent = document.body.dataset.autosaveRetry || "Opnieuw proberen";
    retry.addEventListener("click", () => {
      box.hidden = true;
      // The element's own trigger sends the current choice again.
      window.htmx.trigger(elt, elt.tagName === "FORM" ? "submit" : "change");
    });
    box.append(text, retry);
    elt.append(box);
  }
  return box;
}

function autosaveFailed(event, offline) {
  const elt = autosaveElement(event);
  if (!elt) return;
  const data = document.body.dataset;
  const box = autosaveBox(elt);
  box.querySelector(".pt-autosave-error__text").textContent = offline
    ? data.autosaveOffline || "Niet opgeslagen: geen verbinding."
    : data.autosaveFailed || "Niet opgeslagen.";
  box.hidden = false;
  elt.classList.add("pt-autosave--failed");
  elt.setAttribute("aria-invalid", "true");
  const status = elt.querySelector("[role=status]");
  if (status) status.textContent = "";
}

document.addEventListener("htmx:responseError", (event) => autosaveFailed(event, false));
document.addEventListener("htmx:sendError", (event) => autosaveFailed(event, true));
document.addEventListener("htmx:timeout", (event) => autosaveFailed(event, true));
document.addEventListener("htmx:afterRequest", (event) => {
  // A later successful save clears the mark.
  const elt = autosaveElement(event);
  if (!elt || !event.detail.successful) return;
  elt.classList.remove("pt-autosave--failed");
  elt.removeAttribute("aria-invalid");
  const box = elt.querySelector(":scope > .pt-autosave-error");
  if (box) box.hidden = true;
});
