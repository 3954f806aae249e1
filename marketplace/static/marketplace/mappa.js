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

  // The providers' places in the current view (the API never answers unbounded).
  var sediLayer = null;
  function drawSedi(map, container) {
    var b = map.getBounds();
    var url = container.dataset.sediUrl + "?page_size=500&in_bbox=" +
      [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (n) { return n.toFixed(5); }).join(",");
    fetchJson(url).then(function (sedi) {
      if (sediLayer) { map.removeLayer(sediLayer); }
      sediLayer = L.geoJSON(sedi, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, {
            pane: "sedi",
            radius: 6, color: "#0b3d6b", weight: 1, fillColor: "#f4b400", fillOpacity: 0.9,
            className: "sede-marker",
          });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          var box = document.createElement("div");
          var title = document.createElement("strong");
          title.textContent = p.ente.nome;
          box.appendChild(title);
          if (p.demo) {
            var badge = document.createElement("span");
            badge.className = "demo-badge";
            badge.textContent = container.dataset.msgDemo;
            box.appendChild(document.createTextNode(" "));
            box.appendChild(badge);
          }
          var where = document.createElement("div");
          where.textContent = p.nome + " · " + p.indirizzo + ", " + p.comune.nome;
          box.appendChild(where);
          var link = document.createElement("a");
          link.href = container.dataset.adminEnteUrl.replace("/0/", "/" + p.ente.id + "/");
          link.textContent = container.dataset.msgApri;
          box.appendChild(link);
          marker.bindPopup(box);
        },
      }).addTo(map);
      map.getContainer().dataset.sedi = String(sediLayer.getLayers().length);
    }).catch(function () {
      document.getElementById("stato-mappa").textContent = container.dataset.msgErrore;
    });
  }

  window.mappaInit = function (map) {
    var container = document.getElementById("mappa-territorio");
    var status = document.getElementById("stato-mappa");
    var colours = {};

    // Boundaries sit in their own pane above the tiles.
    map.createPane("confini");
    map.getPane("confini").style.zIndex = 450;
    // The places sit above the boundaries, so that they take the clicks.
    map.createPane("sedi");
    map.getPane("sedi").style.zIndex = 620;

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
        drawSedi(map, container);
        map.on("moveend", function () { drawSedi(map, container); });
      })
      .catch(function () {
        status.textContent = container.dataset.msgErrore;
      });
  };
})();
