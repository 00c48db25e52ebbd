/* Inside Shopify admin (base.html loads this only there, after App Bridge): our flash news becomes App Bridge toasts,
   a form marked data-unsaved-bar shows the admin's save bar while it has unsaved changes, and the admin's menu takes
   the place of our header. Without App Bridge (or without JavaScript) the page keeps its own header and messages.
   https://shopify.dev/docs/api/app-home/latest/apis/user-interface-and-interactions/toast-api
   https://shopify.dev/docs/api/app-home/latest/apis/user-interface-and-interactions/save-bar-api */
(function () {
  "use strict";
  var bridge = window.shopify;
  if (!bridge || !bridge.toast || !bridge.saveBar) { return; }
  document.documentElement.classList.add("in-admin");

  function showToasts() {
    document.querySelectorAll("[data-toast]").forEach(function (note) {
      bridge.toast.show(note.textContent.trim());
      note.hidden = true;
    });
  }

  function snapshot(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function barFor(form, id) {
    // Programmatic save bar (not the data-save-bar attribute): Save must press the form's chosen submit button.
    var bar = document.createElement("ui-save-bar"), save = document.createElement("button"),
        discard = document.createElement("button");
    bar.id = id;
    save.setAttribute("variant", "primary");
    save.textContent = "Save";
    discard.textContent = "Discard";
    bar.append(save, discard);
    document.body.appendChild(bar);
    save.addEventListener("click", function () {
      form.requestSubmit(form.querySelector("[data-save-bar-submit]") || null);
    });
    discard.addEventListener("click", function () { form.reset(); });
  }

  function trackChanges(form) {
    var id = "save-bar-" + form.dataset.unsavedBar, saved = snapshot(form), shown = false;
    function show(wanted) {
      if (wanted === shown) { return; }
      shown = wanted;
      if (wanted) { bridge.saveBar.show(id); } else { bridge.saveBar.hide(id); }
    }
    function update() { show(snapshot(form) !== saved); }
    barFor(form, id);
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("reset", function () { setTimeout(update, 0); });   // the fields change after the event
    form.addEventListener("submit", function () { show(false); });   // leaving by saving is not leaving unsaved
  }

  showToasts();
  document.querySelectorAll("form[data-unsaved-bar]").forEach(trackChanges);
}());
