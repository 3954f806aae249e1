// The console's search: a thin client of /api/v1/cerca/ with an "add to sheet" button
// that posts to /api/v1/schede/<id>/voci/. Messages come from data- attributes (Italian
// or English, as the page). After an addition the page reloads with the same query.
(function () {
  "use strict";
  const box = document.getElementById("ricerca");
  if (!box) return;
  const form = document.getElementById("form-ricerca");
  const input = document.getElementById("q");
  const near = document.getElementById("vicino");
  const list = document.getElementById("risultati");
  const status = document.getElementById("stato-ricerca");
  const msg = box.dataset;
  const canAdd = msg.modificabile === "true";

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  // The snippet is HTML from the server (escaped text and <mark> tags): keep only those,
  // rebuilt as text nodes and <mark> elements, whatever else it might contain.
  function snippetNodes(html) {
    const doc = new DOMParser().parseFromString(`<p>${html || ""}</p>`, "text/html");
    return [...doc.body.firstChild.childNodes].map((node) => {
      if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    });
  }

  function errorText(body) {
    if (!body) return msg.msgErrore;
    if (body.detail) return body.detail;
    const first = Object.values(body)[0];
    return Array.isArray(first) ? first.join(" ") : String(first);
  }

  async function add(result, button) {
    button.disabled = true;
    const response = await fetch(msg.vociUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ tipo: result.tipo, oggetto_id: result.id }),
    });
    if (response.ok) {
      button.textContent = msg.msgAggiunto;
      const url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      window.location.assign(url.toString());
      return;
    }
    button.disabled = false;
    status.textContent = errorText(await response.json().catch(() => null));
  }

  function render(body) {
    list.replaceChildren();
    const corrected = body.corretta ? ` ${msg.msgCorretta} «${body.q}».` : "";
    status.textContent = body.count ? `${body.count} ${msg.msgTrovati}.${corrected}` : msg.msgNessuno;
    const already = new Set(
      [...document.querySelectorAll(".pit-voce")].map((li) => `${li.dataset.tipo}:${li.dataset.id}`)
    );
    for (const result of body.results) {
      const item = document.createElement("li");
      item.className = "pit-risultato";
      const title = document.createElement("strong");
      title.textContent = result.titolo;
      const where = document.createElement("span");
      where.className = "pit-muted";
      const parts = [result.ente && result.ente.nome, result.comune && result.comune.nome];
      if (result.distanza_km != null) parts.push(`${result.distanza_km.toFixed(1)} km`);
      where.textContent = " " + parts.filter(Boolean).join(" · ");
      const snippet = document.createElement("p");
      snippet.append(...snippetNodes(result.snippet));
      item.append(title, where, snippet);
      if (canAdd) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "aggiungi";
        const key = `${result.tipo}:${result.id}`;
        button.textContent = already.has(key) ? msg.msgAggiunto : msg.msgAggiungi;
        button.disabled = already.has(key);
        button.addEventListener("click", () => add(result, button));
        item.append(button);
      }
      list.append(item);
    }
  }

  async function search() {
    const params = new URLSearchParams({ q: input.value, tipo: "servizio,pit", per_pagina: "20", facette: "false" });
    if (near && near.checked) {
      params.set("lat", near.dataset.lat);
      params.set("lon", near.dataset.lon);
    }
    status.textContent = "…";
    try {
      const response = await fetch(`${box.dataset.cercaUrl}?${params}`, { credentials: "same-origin" });
      const body = await response.json();
      if (!response.ok) {
        list.replaceChildren();
        status.textContent = errorText(body);
        return;
      }
      render(body);
    } catch (error) {
      status.textContent = msg.msgErrore;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    search();
  }
})();
