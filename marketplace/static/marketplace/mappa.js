// The territory map: districts (Ambiti) and their Comuni drawn from the API as
// the base layer, so the map is useful even when no tile server can be reached.
(function () {
  "use strict";

  var PALETTE = ["#1b6ca8", "#b5470f", "#2e7d32", "#7b1fa2", "#00838f", "#ad1457"];

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + url); }
      return response.json();
    });
  }

  window.mappaInit = function (map) {
    var container = document.getElementById("mappa-territorio");
    var status = document.getElementById("stato-mappa");
    var colours = {};

    // Boundaries sit in their own pane above the tiles.
    map.createPane("confini");
    map.getPane("confini").style.zIndex = 450;

    fetchJson(container.dataset.ambitiUrl)
      .then(function (ambiti) {
        ambiti.features.forEach(function (feature, index) {
          colours[feature.id] = PALETTE[index % PALETTE.length];
        });
        var layer = L.geoJSON(ambiti, {
          pane: "confini",
          className: "ambito-layer",
          style: function (feature) {
            return { color: colours[feature.id], weight: 3, fillOpacity: 0.12 };
          },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(feature.properties.nome, { sticky: true });
          },
        }).addTo(map);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [12, 12] }); }
        map.getContainer().dataset.ambiti = String(layer.getLayers().length);
        return fetchJson(container.dataset.comuniUrl);
      })
      .then(function (comuni) {
        var layer = L.geoJSON(comuni, {
          pane: "confini",
          className: "comune-layer",
          style: function (feature) {
            var ambito = feature.properties.ambiti[0];
            return { color: colours[ambito] || "#555", weight: 1, fillOpacity: 0, dashArray: "3 3" };
          },
          onEachFeature: function (feature, shape) {
            shape.bindTooltip(feature.properties.nome, { sticky: true });
          },
        }).addTo(map);
        map.getContainer().dataset.comuni = String(layer.getLayers().length);
        status.textContent = "";
      })
      .catch(function () {
        status.textContent = container.dataset.msgErrore;
      });
  };
})();
