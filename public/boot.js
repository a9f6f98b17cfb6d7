// Starts Podium. A module file rather than Trunk's inline script, so the page runs under a
// Content-Security-Policy without 'unsafe-inline'. Trunk.toml's pattern_script names the glue
// and the wasm on this tag; they, and podium.json, are resolved against the page's <base href>,
// so the same files work at / and under a sub-path (docs/DEPLOY.md).
const tag = document.querySelector("script[data-wasm]");
const at = (path) => new URL(path, document.baseURI);
// The deployment's podium.json, fetched while the wasm loads; Podium reads this answer as it
// starts (src/deploy.rs decides what it means: missing, valid or malformed).
const config = fetch(at("podium.json"), { cache: "no-cache", signal: AbortSignal.timeout(15000) })
  .then(async (r) => ({ status: r.status, type: r.headers.get("content-type") ?? "", body: await r.text() }))
  .catch((error) => ({ status: 0, type: "", body: String(error) }));
const starting = document.getElementById("podium-boot");
try {
  const { default: init } = await import(at(tag.dataset.js));
  window.podiumConfig = await config;
  await init({ module_or_path: at(tag.dataset.wasm) });
  starting?.remove();
} catch (error) {
  // After a panic the app has shown its own panel; otherwise say what failed.
  if (document.getElementById("podium-crash")) {
    starting?.remove();
  } else if (starting) {
    starting.setAttribute("role", "alert");
    starting.textContent =
      `Podium could not start: ${error}. Reload the page; if this persists, check that ` +
      "the files are served from the path in index.html's <base href> (docs/DEPLOY.md).";
  }
}
