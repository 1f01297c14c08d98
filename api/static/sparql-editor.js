// The query editor: YASGUI (installed from npm by the Makefile and served from this app) with the named queries
// as ready examples. Only the query endpoint of this app is contacted: the page's Content-Security-Policy forbids
// any other address, and the autocompleters that would call out (LOV classes and properties) are left off.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("qhfin-examples").textContent);
  var holder = document.getElementById("yasgui");
  var endpoint = new URL(holder.dataset.endpoint, window.location.href).href;
  var byName = {};
  examples.forEach(function (q) { byName[q.name] = q; });
  var yasgui = null;
  if (window.Yasgui) {
    yasgui = new window.Yasgui(holder, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      populateFromUrl: true,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      yasqe: { autocompleters: ["variables", "prefixes"], value: examples.length ? examples[0].query : "" }
    });
  }
  var plain = document.getElementById("plain-query");
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var q = byName[button.dataset.name];
      if (yasgui) {
        var tab = yasgui.addTab(true, { name: q.title });
        tab.setQuery(q.query);
        tab.setEndpoint(endpoint);
      } else if (plain) {
        plain.value = q.query;
        plain.focus();
      }
    });
  });
})();
