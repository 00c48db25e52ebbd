/* A stand-in for https://cdn.shopify.com/shopifycloud/polaris.js in the browser tests: the Polaris web components
   returnkit's pages use, defined minimally (a block element each), and a record that the script ran. */
(function () {
  "use strict";
  customElements.define("s-page", class extends HTMLElement {
    connectedCallback() { this.style.display = "block"; }
  });
  window.polarisStandin = true;
}());
