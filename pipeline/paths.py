"""Every path the pipeline uses, anchored to the package, never to the working directory."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
INPUTS = ROOT / "inputs"
OUTPUTS = ROOT / "outputs"
SQL = PACKAGE / "sql"
CONFIG_NAME = "commune.toml"


def outputs_inside_inputs(inputs: Path, outputs: Path) -> str | None:
    """Vietnamese, when outputs/ lies in (or is) inputs/: the pipeline would read its own
    outputs as received files. None when the two folders are apart."""
    inputs, outputs = Path(inputs).resolve(), Path(outputs).resolve()
    if outputs == inputs or outputs.is_relative_to(inputs):
        return (f"Thư mục kết quả ({outputs}) nằm trong thư mục nhận tệp inputs ({inputs}): chương trình "
                "sẽ đọc nhầm các tệp kết quả của chính nó như tệp các đơn vị gửi. Hãy chọn thư mục kết quả "
                "ở ngoài thư mục inputs (ví dụ: --outputs outputs) rồi chạy lại.")
    return None
