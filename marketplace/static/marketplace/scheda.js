// Detail pages (scheda): the print button, the way back to the search the reader came
// from, and the mini-map of the places, with their Comuni drawn as its base layer so that
// it says where they are even where no tile server can be reached.
(function () {
  "use strict";

  document.querySelectorAll("[data-stampa]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // "Back to the search" returns to the very search (its URL holds its state).
  var back = document.querySelector("[data-torna-ricerca]");
  if (back && document.referrer) {
    try {
      var from = new URL(document.referrer);
      if (from.origin === location.origin && from.pathname === back.pathname) {
        back.href = from.pathname + from.search;
      }
    } catch (error) { /* an unreadable referrer: the plain link stays */ }
  }

  window.schedaMappaInit = function (map) {
    var data = document.getElementById("luoghi-dati");
    var box = map.getContainer().closest(".mini-mappa-box");
    if (!data || !box) { return; }
    var luoghi = JSON.parse(data.textContent);
    var node = map.getContainer();
    node.setAttribute("role", "region");
    node.setAttribute("aria-label", box.dataset.etichetta);
    map.createPane("confini");
    map.getPane("confini").style.zIndex = 450;
    var bounds = L.latLngBounds([]);
    luoghi.forEach(function (luogo) {
      L.circleMarker([luogo.lat, luogo.lon], {
        radius: 8, color: "#0b3d6b", weight: 2, fillColor: "#f4b400", fillOpacity: 0.95,
        className: "luogo-marker",
      }).bindTooltip(luogo.nome + " – " + luogo.indirizzo).addTo(map);
      bounds.extend([luogo.lat, luogo.lon]);
    });
    if (luoghi.length === 1) {
      map.setView([luoghi[0].lat, luoghi[0].lon], 14, { animate: false });
    } else if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15, animate: false });
    }
    var codes = luoghi.map(function (l) { return l.comune; }).filter(function (code, i, all) {
      return all.indexOf(code) === i;
    });
    var drawn = 0;
    codes.forEach(function (code) {
      fetch(box.dataset.comuneUrl.replace("000000", code) + "?tolleranza=20", {
        headers: { Accept: "application/json" },
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (comune) {
        L.geoJSON(comune, {
          pane: "confini", className: "comune-layer", interactive: false,
          style: { color: "#1b6ca8", weight: 2, fillOpacity: 0.06, dashArray: "4 3" },
        }).addTo(map);
        drawn += 1;
        node.dataset.comuni = String(drawn);
      }).catch(function () { /* the places are shown all the same */ });
    });
    node.dataset.luoghi = String(luoghi.length);
  };
})();
