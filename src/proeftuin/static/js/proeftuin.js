// Small progressive enhancements. Everything works without JavaScript.
document.addEventListener("htmx:afterSettle", (event) => {
  // After a boosted tab switch, move focus to the new content for screen-reader and keyboard users.
  const main = document.getElementById("main");
  if (main && event.detail && event.detail.boosted) main.focus({ preventScroll: true });
});
