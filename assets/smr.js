// smr: progressive enhancement only. The page works fully without this file.
(function () {
  "use strict";
  // Copy buttons: hidden in the HTML, shown only when copying can work.
  if (navigator.clipboard) {
    document.querySelectorAll("button.copy[data-copy-target]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (!target) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = "✓ " + label;
          button.setAttribute("aria-live", "polite");
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }
  // Videos: nothing is requested from the video host until the reader asks for it.
  document.querySelectorAll("figure.video[data-embed]").forEach(function (figure) {
    var link = figure.querySelector("a.video-link");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var player;
      if (figure.getAttribute("data-kind") === "mp4") {
        player = document.createElement("video");
        player.controls = true;
        player.autoplay = true;
        player.src = figure.getAttribute("data-embed");
      } else {
        player = document.createElement("iframe");
        player.src = figure.getAttribute("data-embed");
        player.allow = "autoplay; fullscreen; picture-in-picture";
        player.allowFullscreen = true;
        player.title = figure.getAttribute("data-title");
      }
      link.replaceWith(player);
      player.focus();
    });
  });
})();
