/* A stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js in the browser tests, served by Playwright's
   page.route (no machine here reaches Shopify). It keeps to the documented surface returnkit uses: window.shopify with
   toast.show and saveBar.show/hide, and the ui-nav-menu, ui-title-bar and ui-save-bar elements. It records each call
   (in sessionStorage, so a call made just before a form's navigation survives it) and draws what Shopify admin would
   draw around the app's frame (a sidebar menu, the title bar, toasts, the save bar) at the top of the page, so the
   tests can click them as a merchant would and the screenshots show them. */
(function () {
  "use strict";
  var KEY = "app-bridge-standin-calls";
  var calls = JSON.parse(sessionStorage.getItem(KEY) || "[]");
  var meta = document.querySelector('meta[name="shopify-api-key"]');

  function record(name, arg) {
    calls.push([name, arg]);
    sessionStorage.setItem(KEY, JSON.stringify(calls));
  }

  function region(id, label) {
    var existing = document.getElementById(id);
    if (existing) { return existing; }
    var admin = document.getElementById("standin-admin");
    if (!admin) {
      admin = document.createElement("div");
      admin.id = "standin-admin";
      admin.setAttribute("style", "background:#1a1a1a;color:#fff;padding:.5rem 1rem;font:14px system-ui");
      document.body.prepend(admin);
    }
    var part = document.createElement("section");
    part.id = id;
    part.setAttribute("aria-label", label);
    part.setAttribute("style", "margin:.25rem 0");
    admin.appendChild(part);
    return part;
  }

  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  window.shopify = {
    toast: {
      show: function (message, options) {
        record("toast.show", message);
        var note = document.createElement("p");
        note.className = "standin-toast" + (options && options.isError ? " error" : "");
        note.textContent = message;
        region("standin-toasts", "Shopify admin toasts").appendChild(note);
        return "toast-" + calls.length;
      }
    },
    saveBar: {
      show: function (id) {
        record("saveBar.show", id);
        var bar = region("standin-save-bar", "Shopify admin save bar"), source = document.getElementById(id);
        bar.hidden = false;
        bar.replaceChildren(document.createTextNode("Unsaved changes "),
          button("Discard", function () { source.querySelector("button:not([variant])").click(); }),
          button("Save", function () { source.querySelector('button[variant="primary"]').click(); }));
        return Promise.resolve();
      },
      hide: function (id) {
        record("saveBar.hide", id);
        region("standin-save-bar", "Shopify admin save bar").hidden = true;
        return Promise.resolve();
      }
    }
  };

  function drawAdmin() {
    var menu = document.querySelector("ui-nav-menu"), title = document.querySelector("ui-title-bar");
    var nav = document.createElement("nav");
    nav.setAttribute("aria-label", "Shopify admin menu");
    (menu ? Array.from(menu.querySelectorAll("a")) : []).forEach(function (link) {
      var entry = document.createElement("a");   // the admin shows the app's name for rel="home"; its label here
      entry.href = link.getAttribute("href");
      entry.textContent = link.textContent;
      entry.setAttribute("style", "color:#fff;margin-right:1rem");
      nav.appendChild(entry);
    });
    region("standin-menu", "Shopify admin sidebar").appendChild(nav);
    var heading = document.createElement("strong");
    heading.textContent = title ? title.getAttribute("title") : "";
    region("standin-title-bar", "Shopify admin title bar").appendChild(heading);
    record("titleBar", heading.textContent);
  }

  ["ui-nav-menu", "ui-title-bar", "ui-save-bar"].forEach(function (name) {
    customElements.define(name, class extends HTMLElement {});
  });
  window.appBridgeStandin = {calls: calls, apiKey: meta ? meta.content : null,
                             scriptsBefore: document.querySelectorAll("script").length - 1};
  document.addEventListener("DOMContentLoaded", drawAdmin);
}());
