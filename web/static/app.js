// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (event) {
  var back = event.target.closest("[data-back]");
  if (back && window.history.length > 1) { event.preventDefault(); window.history.back(); }
});
document.addEventListener("change", function (event) {
  var input = event.target;
  if (input.type !== "file" || !input.files) return;
  var note = input.parentNode.querySelector(".picked");
  if (!note) { note = document.createElement("span"); note.className = "picked"; input.parentNode.appendChild(note); }
  note.textContent = input.files.length ? "已选择 " + input.files.length + " 个文件" : "";
});
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  if (button && button.value === "return") {
    var reason = form.querySelector("[name=reason]");
    if (reason && !reason.value.trim()) { event.preventDefault(); reason.focus(); reason.placeholder = "请写明退回原因"; return; }
  }
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  setTimeout(function () { delete form.dataset.sent; }, 8000);
});
// 其余均为“是”: every checklist item not yet answered becomes 是; 否 and 不涉及 stay.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-rest-yes]");
  if (!button) return;
  var list = button.closest("fieldset").querySelector("ol.checklist");
  list.querySelectorAll("li").forEach(function (item) {
    if (item.querySelector("input[type=radio]:checked")) return;
    var yes = item.querySelector("input[type=radio][value='是']");
    if (yes) yes.checked = true;
  });
});
