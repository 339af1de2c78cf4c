// Small progressive enhancement: drag and drop files onto the upload box, show the chosen
// names, and disable the button while the files are being sent. The form works without it.
document.addEventListener("DOMContentLoaded", () => {
  const drop = document.getElementById("drop");
  const form = document.getElementById("upload-form");
  if (!drop || !form) return;
  const input = drop.querySelector("input[type=file]");
  const chosen = document.getElementById("chosen");
  const show = () => {
    chosen.textContent = Array.from(input.files).map((f) => f.name).join(", ");
  };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((type) => drop.addEventListener(type, (e) => {
    e.preventDefault();
    drop.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((type) => drop.addEventListener(type, (e) => {
    e.preventDefault();
    drop.classList.remove("over");
  }));
  drop.addEventListener("drop", (e) => {
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      show();
    }
  });
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    button.textContent = "Đang gửi và kiểm tra…";
  });
});
